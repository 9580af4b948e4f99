"""Streamlit parts the pages share: loaders, the page shell, sign-in, the import flow, view builders."""
