"""Indicator tables for the pages, the command line and the report; their files and definitions."""
