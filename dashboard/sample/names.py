"""Fictional trade names and street names for the sample data.

Every name is made up from common Flemish surnames and generic shop words; chains are invented.
"""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "Vandenberghe", "Maes", "Declercq", "Desmet", "Vermeulen", "Verhaeghe", "Claeys", "Goethals",
    "Decock", "Demeulemeester", "Vandamme", "Lambrecht", "Dewulf", "Vanhee", "Deprez", "Verstraete",
    "Callewaert", "Debruyne", "Mortier", "Vandewalle", "Degryse", "Vanneste", "Devos", "Soete",
    "Coussement", "Vercruysse", "Dejonghe", "Lefevere", "Baert", "Vanhoutte", "Ghesquiere",
    "Vandecasteele", "Pattyn", "Verbeke", "Dumon", "Rosseel", "Dekeyser", "Vanlerberghe",
)
FIRST_NAMES = (
    "Lore", "Jana", "Griet", "Sofie", "Els", "Katrien", "Ilse", "Hanne", "Bram", "Pieter", "Wout",
    "Jens", "Tom", "Koen", "Ruben", "Lotte", "Fien", "Ward", "Stijn", "Nele",
)
FANCY = ("De Gouden Leeuw", "'t Hoekje", "De Zwaan", "Het Anker", "De Markt", "Den Ouden Toren",
         "De Vlaamse Pot", "Het Pleintje", "De Kroon", "'t Molentje", "De Zeehond", "Het Belfort")

#: Name templates per Locatus group: {s} surname, {f} first name, {x} fancy name.
TEMPLATES = {
    "11": ("Bakkerij {s}", "Slagerij {s}", "Beenhouwerij {s}", "Groenten & Fruit {f}",
           "Apotheek {s}", "Kaashandel {s}", "Chocolaterie {s}", "Dagbladhandel {f}",
           "Vishandel {s}", "Traiteur {s}"),
    "22": ("Modehuis {s}", "Schoenen {s}", "Juwelier {s}", "Optiek {s}", "Boetiek {f}",
           "Lingerie {f}", "Herenmode {s}"),
    "35": ("Boekhandel {s}", "Speelgoed {s}", "Sport {s}", "Fietsen {s}", "Muziekhuis {s}"),
    "37": ("Bloemen {f}", "Woonwinkel {s}", "Elektro {s}", "Doe-het-zelf {s}", "Meubelen {s}",
           "Keukens {s}", "Tuincentrum {s}"),
    "38": ("Tweedehands {f}", "Souvenirs {x}", "Hobby {f}", "Dierenspeciaalzaak {s}"),
    "59": ("Café {x}", "Brasserie {x}", "Restaurant {x}", "Frituur {x}", "Eethuis {f}",
           "Bistro {f}", "Tearoom {f}", "IJssalon {f}"),
    "65": ("Kapsalon {f}", "Schoonheidssalon {f}", "Reisbureau {s}", "Immo {s}", "Wassalon {x}",
           "Verzekeringen {s}", "Fotostudio {s}"),
    "45": ("Garage {s}", "Autobedrijf {s}"),
    "80": ("Geldautomaat",),
}
#: Invented chains per group.
CHAINS = {
    "11": ("Buurtmarkt", "Versmarkt Plus", "Alimenta", "DrogiZorg"),
    "22": ("Kledij Noord", "Stapvast", "Modelijn", "Glinster"),
    "35": ("Leesgraag", "Speelhuis", "Sportief"),
    "37": ("Woonwereld", "Klusmaat", "Elektrohuis", "Bloemrijk"),
    "38": ("Prijsstunt", "Allerlei"),
    "59": ("Frietkot Express", "Koffiebar Bonn", "Pizza Porto"),
    "65": ("Spaarbank West", "Knipwerk", "Reisplan", "Uitzend Direct"),
    "45": ("Tankpunt", "Autoservice Snel"),
    "80": ("Spaarbank West",),
}

#: Street names used for the sample cores, most central first; the last is the arterial road.
CORE_STREETS = (
    "Markt", "Kerkstraat", "Stationsstraat", "Nieuwstraat", "Zuidstraat", "Noordstraat",
    "Ooststraat", "Weststraat", "Marktstraat", "Hoogstraat", "Molenstraat", "Sint-Jansstraat",
    "Lange Steenstraat", "Leopoldlaan", "Koningin Astridlaan", "Vlamingstraat", "Ieperstraat",
    "Brugsestraat", "Kortrijkstraat", "Rijselstraat", "Tieltstraat", "Statiestraat",
    "Gentsestraat", "Zeedijk", "Dorpsstraat", "Kapucijnenstraat", "Begijnhofstraat", "Boterstraat",
    "Mariastraat", "Wollestraat",
)
ARTERIAL_STREET = "Steenweg"


def trade_names(rng: np.random.Generator, group_codes: np.ndarray, chains: np.ndarray) -> np.ndarray:
    """One fictional trade name per unit: a chain name for chains, a template otherwise."""
    names = np.empty(len(group_codes), dtype=object)
    for i, (group, is_chain) in enumerate(zip(group_codes, chains, strict=False)):
        if is_chain:
            names[i] = CHAINS[group][rng.integers(len(CHAINS[group]))]
            continue
        template = TEMPLATES[group][rng.integers(len(TEMPLATES[group]))]
        names[i] = template.format(s=SURNAMES[rng.integers(len(SURNAMES))],
                                   f=FIRST_NAMES[rng.integers(len(FIRST_NAMES))],
                                   x=FANCY[rng.integers(len(FANCY))])
    return names
