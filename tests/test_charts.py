"""Plotly chart builders (dashboard.figures.charts) on tiny hand-made tables."""

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.figures import charts
from dashboard.figures.palette import BAND_COLOURS, GROUP_COLOURS, SERIES_COLOURS

GROUP_NAMES = {"11": "Dagelijks", "22": "Mode & Luxe", "59": "Leisure", "65": "Diensten"}


def _vacancy() -> pd.DataFrame:
    return pd.DataFrame({
        "nis_code": ["31005", "31005", "34022", "34022", "34022"],
        "municipality": ["Brugge", "Brugge", "Kortrijk", "Kortrijk", "Kortrijk"],
        "observed_on": pd.to_datetime(["2018-01-01", "2024-01-01", "2018-01-01", "2024-01-01", "2024-06-01"]),
        "year": [2018, 2024, 2018, 2024, 2024],
        "vacancy_rate_units": [0.05, 0.085, 0.10, 0.13, 0.115],  # Kortrijk 2024: the June inventory counts
        "vacancy_rate_floor": [0.04, 0.07, 0.09, 0.11, 0.10],
    })


def _province() -> pd.DataFrame:
    return pd.DataFrame({"nis_code": "30000", "municipality": "West-Vlaanderen", "year": [2018, 2024],
                         "vacancy_rate_units": [0.077, 0.098]})


def _campaign() -> pd.DataFrame:
    return pd.DataFrame({
        "municipality": ["Brugge", "Brugge", "Kortrijk", "Kortrijk"],
        "edition": [2019, 2021, 2019, 2021],
        "participation_rate": [0.10, 0.15, 0.20, None],  # Kortrijk 2021 not reported
        "bags_per_1000": [101.3, 120.0, 80.5, 90.0],
        "votes_per_1000": [20.0, 25.0, 30.0, 35.0],
    })


def _is_empty(fig: go.Figure) -> bool:
    return len(fig.data) == 0 and [a.text for a in fig.layout.annotations] == ["Geen gegevens"]


# trend_chart

def test_trend_has_one_line_per_municipality_and_a_dashed_black_reference():
    fig = charts.trend_chart(_vacancy(), reference=_province())
    assert [trace.name for trace in fig.data] == ["Brugge", "Kortrijk", "West-Vlaanderen"]
    brugge, kortrijk, province = fig.data
    # Rates drawn in percent, as the cards write them.
    assert list(brugge.x) == [2018, 2024] and list(brugge.y) == [5.0, 8.5]
    assert list(kortrijk.x) == [2018, 2024] and list(kortrijk.y) == [10.0, 11.5]  # latest inventory of 2024
    assert list(province.y) == [7.7, 9.8]
    assert province.line.dash == "dash" and province.line.color == "#000000"
    assert brugge.line.dash is None
    # the areas take the series colours in order, leaving black to the reference
    assert [brugge.line.color, kortrijk.line.color] == [SERIES_COLOURS[0], SERIES_COLOURS[2]]


def test_trend_without_reference_uses_series_colours_in_order():
    fig = charts.trend_chart(_vacancy())
    assert [trace.line.color for trace in fig.data] == SERIES_COLOURS[:2]
    assert all(trace.line.color in SERIES_COLOURS for trace in fig.data)


def test_trend_layout_is_dutch_and_in_percentages():
    fig = charts.trend_chart(_vacancy(), column="vacancy_rate_floor", reference_name="Provincie")
    assert fig.layout.separators == ",."
    assert (fig.layout.yaxis.tickformat, fig.layout.yaxis.ticksuffix) == (".1f", " %")  # "9,8 %" as on the cards
    assert fig.layout.yaxis.rangemode == "tozero"
    assert fig.layout.xaxis.title.text == "Jaar"
    assert fig.layout.yaxis.title.text == "Leegstand (oppervlakte)"
    assert "oppervlakte" in fig.layout.title.text
    assert fig.layout.template.layout.to_plotly_json() == {}  # no plotly template styling
    assert all("Jaar" in trace.hovertemplate and "%{y:.1f} %" in trace.hovertemplate for trace in fig.data)


def test_trend_of_a_count_column_is_not_a_percentage():
    table = _vacancy().assign(median_vacancy_days=[100, 200, 300, 400, 500])
    fig = charts.trend_chart(table, column="median_vacancy_days")
    assert fig.layout.yaxis.tickformat is None
    assert fig.layout.yaxis.title.text == "Mediane duur (dagen)"


def test_trend_reference_can_stand_alone_and_is_named():
    fig = charts.trend_chart(None, reference=_province(), reference_name="Provincie")
    assert [trace.name for trace in fig.data] == ["Provincie"]


def test_trend_skips_missing_values():
    table = _vacancy().assign(vacancy_rate_floor=[0.04, None, 0.09, 0.11, None])
    fig = charts.trend_chart(table, column="vacancy_rate_floor")
    assert [list(trace.x) for trace in fig.data] == [[2018], [2018, 2024]]
    assert list(fig.data[1].y) == [9.0, 11.0]


def test_trend_of_nothing_says_so():
    empty = _vacancy().iloc[0:0]
    assert _is_empty(charts.trend_chart(empty))
    assert _is_empty(charts.trend_chart(empty, reference=_province().iloc[0:0]))
    assert charts.trend_chart(empty).layout.separators == ",."


# duration_chart

def test_duration_has_the_three_classes_in_band_colours():
    row = pd.Series({"units_vacant_frictional": 5, "units_vacant_long_term": 3, "units_vacant_structural": 2})
    fig = charts.duration_chart(row)
    (bars,) = fig.data
    assert list(bars.x) == ["frictie (< 1 jaar)", "langdurig (1–3 jaar)", "structureel (≥ 3 jaar)"]
    assert list(bars.y) == [5, 3, 2]
    assert list(bars.marker.color) == [BAND_COLOURS["gezond"], BAND_COLOURS["verhoogd"], BAND_COLOURS["kritiek"]]
    assert fig.layout.separators == ",."
    assert "panden" in bars.hovertemplate


def test_duration_of_a_row_without_durations_is_empty():
    assert _is_empty(charts.duration_chart(pd.Series({"units_vacant_frictional": None})))
    assert _is_empty(charts.duration_chart(None))


# flows_chart

def test_flows_are_four_grouped_traces_without_years_that_have_no_flows():
    table = pd.DataFrame({"year": [2018, 2023, 2024],
                          "new_vacancies": [None, 4, 6], "reoccupations": [None, 2, 1],
                          "openings": [None, 1, 0], "closures": [None, 3, 2]})
    fig = charts.flows_chart(table)
    assert [trace.name for trace in fig.data] == ["nieuwe leegstand", "heringebruikname", "openingen", "sluitingen"]
    assert all(list(trace.x) == [2023, 2024] for trace in fig.data)
    assert list(fig.data[0].y) == [4, 6] and list(fig.data[3].y) == [3, 2]
    assert fig.layout.barmode == "group"
    assert all(trace.marker.color in SERIES_COLOURS for trace in fig.data)
    assert fig.layout.separators == ",."


def test_flows_of_two_inventories_in_one_year_add_up():
    table = pd.DataFrame({"year": [2024, 2024], "new_vacancies": [1, 2], "reoccupations": [0, 1],
                          "openings": [1, 1], "closures": [0, 0]})
    assert list(charts.flows_chart(table).data[0].y) == [3]


def test_flows_of_only_a_first_inventory_is_empty():
    table = pd.DataFrame({"year": [2018], "new_vacancies": [None], "reoccupations": [None],
                          "openings": [None], "closures": [None]})
    assert _is_empty(charts.flows_chart(table))
    assert _is_empty(charts.flows_chart(pd.DataFrame()))


# mix_chart

def _mix_row() -> pd.Series:
    return pd.Series({"nis_code": "34022", "year": 2024, "share_units_11": 0.3, "share_units_22": 0.2,
                      "share_units_59": 0.25, "location_quotient_11": 1.2, "location_quotient_22": 0.8,
                      "location_quotient_59": 1.5, "location_quotient_65": float("nan")})


def test_mix_bars_are_sorted_named_and_coloured_by_group():
    fig = charts.mix_chart(_mix_row(), group_names=GROUP_NAMES)
    (bars,) = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == ["Mode & Luxe", "Dagelijks", "Leisure"]  # by LQ; group 65 has none
    assert list(bars.x) == [0.8, 1.2, 1.5]
    colours = dict(zip(bars.y, bars.marker.color, strict=True))
    assert colours["Mode & Luxe"] == GROUP_COLOURS["22"]
    assert colours["Leisure"] == GROUP_COLOURS["59"]
    assert list(bars.customdata) == [0.2, 0.3, 0.25]


def test_mix_has_a_reference_line_at_one():
    fig = charts.mix_chart(_mix_row(), group_names=GROUP_NAMES)
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1) == (1, 1)
    assert "provinciegemiddelde" in [a.text for a in fig.layout.annotations]
    assert fig.layout.separators == ",."


def test_mix_of_an_unknown_group_falls_back_to_its_code():
    fig = charts.mix_chart(pd.Series({"location_quotient_99": 1.1}), group_names=GROUP_NAMES)
    assert list(fig.data[0].y) == ["99"]


def test_mix_without_quotients_is_empty():
    assert _is_empty(charts.mix_chart(pd.Series({"nis_code": "34022", "location_quotient_11": None}),
                                      group_names=GROUP_NAMES))
    assert _is_empty(charts.mix_chart(None, group_names=GROUP_NAMES))


# small_multiples

def _many() -> pd.DataFrame:
    names = ["Brugge", "Kortrijk", "Ieper", "Roeselare"]
    return pd.DataFrame({"municipality": [n for n in names for _ in (2018, 2024)],
                         "year": [2018, 2024] * len(names),
                         "vacancy_rate_units": [0.05, 0.08, 0.10, 0.12, 0.07, 0.09, 0.11, 0.10]})


def test_small_multiples_have_one_titled_panel_per_municipality():
    fig = charts.small_multiples(_many(), columns=3)
    assert [trace.name for trace in fig.data] == ["Brugge", "Kortrijk", "Ieper", "Roeselare"]
    assert [a.text for a in fig.layout.annotations] == ["Brugge", "Kortrijk", "Ieper", "Roeselare"]
    assert len({(trace.xaxis, trace.yaxis) for trace in fig.data}) == 4  # each in its own panel
    assert [trace.xaxis for trace in fig.data] == ["x", "x2", "x3", "x4"]  # 3 per row: the fourth starts row 2
    assert list(fig.data[1].y) == [10.0, 12.0]


def test_small_multiples_share_a_percentage_y_axis():
    fig = charts.small_multiples(_many(), columns=2)
    y_axes = [fig.layout[name] for name in fig.layout if name.startswith("yaxis")]
    assert len(y_axes) == 4
    assert all((axis.tickformat, axis.ticksuffix) == (".1f", " %") for axis in y_axes)
    shared = {axis.matches for axis in y_axes}  # every panel but one follows that one: one scale
    assert len(shared - {None}) == 1 and sum(axis.matches is None for axis in y_axes) == 1
    assert fig.layout.separators == ",."
    assert all(trace.line.color == SERIES_COLOURS[0] for trace in fig.data)


def test_small_multiples_of_nothing_is_empty():
    assert _is_empty(charts.small_multiples(_many().iloc[0:0]))


# reach_chart

def test_reach_has_one_trace_per_edition_in_percentages():
    fig = charts.reach_chart(_campaign())
    assert [trace.name for trace in fig.data] == ["2019", "2021"]
    first, second = fig.data
    assert list(first.x) == ["Brugge", "Kortrijk"] and list(first.y) == [10.0, 20.0]
    assert list(second.x) == ["Brugge"]  # Kortrijk's missing participation is left out
    assert fig.layout.barmode == "group"
    assert (fig.layout.yaxis.tickformat, fig.layout.yaxis.ticksuffix) == (".1f", " %")
    assert fig.layout.yaxis.title.text == "Deelname (aandeel van de winkels)"
    assert fig.layout.xaxis.title.text == "Gemeente"
    assert [trace.marker.color for trace in fig.data] == SERIES_COLOURS[:2]
    assert fig.layout.separators == ",."


@pytest.mark.parametrize(("column", "title"), [("bags_per_1000", "Tassen per 1.000 inwoners"),
                                               ("votes_per_1000", "Stemmen per 1.000 inwoners")])
def test_reach_per_1000_is_a_plain_number(column, title):
    fig = charts.reach_chart(_campaign(), column=column)
    assert fig.layout.yaxis.tickformat is None
    assert fig.layout.yaxis.title.text == title
    assert list(fig.data[0].y) == list(_campaign().loc[lambda f: f["edition"] == 2019, column])
    assert all("%{y:.1%}" not in trace.hovertemplate for trace in fig.data)


def test_reach_of_nothing_is_empty():
    assert _is_empty(charts.reach_chart(_campaign().iloc[0:0]))
    assert _is_empty(charts.reach_chart(None))


# every chart

def test_every_chart_serialises_with_missing_values():
    table = _vacancy().assign(vacancy_rate_units=[0.05, math.nan, 0.1, pd.NA, 0.11],
                              new_vacancies=pd.array([None, 1, None, 2, 3], dtype="Float64"),
                              reoccupations=0, openings=0, closures=0)
    row = pd.Series({"units_vacant_frictional": pd.NA, "units_vacant_long_term": 1, "units_vacant_structural": 2})
    figures = [charts.trend_chart(table, reference=_province()), charts.duration_chart(row),
               charts.flows_chart(table), charts.mix_chart(_mix_row(), group_names=GROUP_NAMES),
               charts.small_multiples(table), charts.reach_chart(_campaign())]
    for fig in figures:
        assert fig.to_json()
        assert fig.layout.separators == ",."
        assert fig.layout.title.text
