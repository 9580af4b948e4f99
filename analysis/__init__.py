"""Pure indicator computations: DataFrames in, DataFrames or numbers out.

Nothing here touches Streamlit, a database or a file.
"""
