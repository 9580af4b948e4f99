"""One colour-blind-safe palette (Okabe–Ito) and fixed colours per Locatus group and per band.

Every chart and map takes its colours from here, so a group looks the same everywhere.
"""

from __future__ import annotations

#: Okabe & Ito (2008), safe for the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
GREY = "#999999"

#: Fixed colour per Locatus group. Vacancy is the warm vermillion everywhere, and no group colour comes
#: near it, also for the common colour-vision deficiencies (tests/test_maps.py checks the distances):
#: Okabe–Ito where it has room, Paul Tol's sand and indigo for two more, greys only for services and
#: the groups that are no outlets (transport and fuel, ATMs).
GROUP_COLOURS = {
    "00": OKABE_ITO["vermillion"],
    "11": OKABE_ITO["bluish_green"],
    "22": OKABE_ITO["reddish_purple"],
    "35": OKABE_ITO["yellow"],
    "37": "#DDCC77",
    "38": "#332288",
    "45": "#BBBBBB",
    "58": OKABE_ITO["sky_blue"],
    "59": OKABE_ITO["blue"],
    "65": "#7F7F7F",
    "80": "#DDDDDD",
}
UNKNOWN_GROUP_COLOUR = "#CCCCCC"

#: Vacancy bands: healthy, elevated, critical.
BAND_COLOURS = {"gezond": OKABE_ITO["bluish_green"], "verhoogd": OKABE_ITO["orange"],
                "kritiek": OKABE_ITO["vermillion"]}
#: Series colours for lines that are not groups (this area, the province, the peer group).
SERIES_COLOURS = [OKABE_ITO["blue"], OKABE_ITO["black"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
                  OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"], OKABE_ITO["yellow"]]


def group_colour(group_code: str | None) -> str:
    """The colour of a Locatus group (grey-ish for unknown).

    >>> group_colour("00"), group_colour(None)
    ('#D55E00', '#CCCCCC')
    """
    return GROUP_COLOURS.get(group_code or "", UNKNOWN_GROUP_COLOUR)
