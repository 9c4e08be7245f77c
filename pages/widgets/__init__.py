"""Streamlit-specific building blocks shared by pages (custom components and their mount helpers)."""
