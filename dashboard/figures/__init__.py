"""Charts and maps: plotly figures and folium maps built from tables, with one palette."""
