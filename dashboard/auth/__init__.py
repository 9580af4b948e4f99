"""Coordinator accounts and their secrets (no Streamlit)."""
