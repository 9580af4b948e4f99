"""Pure indicator computations: DataFrames in, DataFrames or numbers out.

Nothing here touches Streamlit, a database or a file. One public module per kind of measure
(`vacancy`, `mix`, `campaign`, `flows`, `quality`, `impact`, `vitality`, `cores`); `geography`
says which municipality and which inventory a unit counts in; `inventories.PlacedUnits` holds the
units placed, grouped and tallied once for every table. The fast paths behind them (grouping by
integers, tallies per inventory and cell) are the private modules `_grouping` and `_tallies`.
"""
