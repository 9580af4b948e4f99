"""What the importer says of a file's header row: a table Kernmonitor made itself, columns missing,
mapped twice or not used (with the nearest known column and how to map it)."""

from __future__ import annotations

from dashboard.ingest.columns import (
    KIND_LABELS,
    PLACE_COLUMNS,
    REQUIRED,
    computed_label,
    map_headers,
    nearest_column,
    specs,
)
from dashboard.ingest.problems import WARNING, Problem


def computed_table(headers: list[str], mapping: dict[str, str | None]) -> list[Problem]:
    """One problem when the file is a table Kernmonitor itself made (its downloads, its report):
    more of its columns are figures Kernmonitor computes than data a file can bring."""
    used = {c for c in mapping.values() if c} - {*PLACE_COLUMNS, "observed_on", "edition"}
    computed = [header for header in headers if mapping.get(header) is None and computed_label(header)]
    if len(computed) < 2 or len(computed) < len(used):
        return []
    shown = ", ".join(f"'{header}'" for header in computed[:4]) + (", …" if len(computed) > 4 else "")
    return [Problem(None, None, ", ".join(map(str, headers)), (
        f"dit is een tabel met cijfers die Kernmonitor zelf berekent ({shown}), geen inventaris, campagnecijfers "
        "of stemmen: importeer het bestand waaruit ze berekend zijn."))]


def header_problems(headers: list[str], mapping: dict[str, str | None], kind: str, *,
                     workbook: bool = False) -> list[Problem]:
    used = {c for c in mapping.values() if c}
    problems = []
    if not used:
        check = "de kopregel van het werkblad" if workbook else "het scheidingsteken en de kopregel"
        problems.append(Problem(None, None, ", ".join(headers), (
            f"geen enkele kolom herkend voor {KIND_LABELS[kind]}. Controleer {check} "
            "(bv. gemeente, straat, huisnummer, status, peildatum); download een sjabloon op de pagina Gegevens.")))
        return problems
    targets = [c for c in mapping.values() if c]
    for twice in sorted({c for c in targets if targets.count(c) > 1}):
        headers_of = [h for h, c in mapping.items() if c == twice]
        problems.append(Problem(None, None, ", ".join(headers_of), f"meer dan één kolom gekoppeld aan "
                                f"'{specs(kind)[twice].label}': kies er één"))
    if not used & set(PLACE_COLUMNS):
        problems.append(Problem(None, None, None, "geen kolom met de gemeente: voeg een kolom NIS-code, postcode "
                                                  "of gemeente toe."))
    for name in REQUIRED[kind]:
        if name not in used and name != "observed_on":  # a date may also come with the import
            problems.append(Problem(None, None, None, f"de kolom '{specs(kind)[name].label}' ontbreekt: voeg ze toe "
                                                      f"(kopregel bv. {specs(kind)[name].headers[1]})."))
    problems += [Problem(None, header, None, unused(header, kind), WARNING)
                 for header in headers if mapping.get(header) is None]
    return problems


def unused(header: str, kind: str) -> str:
    """Why a column is not used, and how to use it: another column brings the same, or the
    nearest known column (`dashboard.ingest.columns.nearest_column`), or nothing is known like it."""
    if computed_label(header):
        return f"kolom niet gebruikt: Kernmonitor berekent '{computed_label(header)}' zelf"
    if map_headers([header], kind)[header] is not None:
        return "kolom niet gebruikt: een andere kolom levert hetzelfde gegeven"
    how = f"Koppel ze bij 'Kolommen koppelen' of met --map \"{header}=<kolom>\""
    nearest = nearest_column(header, kind)
    if nearest is not None:
        spec = specs(kind)[nearest]
        return (f"kolom niet gebruikt — bedoel je {spec.label} ({nearest})? Koppel ze bij 'Kolommen koppelen' of "
                f"met --map \"{header}={nearest}\"")
    return f"kolom niet gebruikt: geen gegeven dat Kernmonitor kent. {how} als ze iets bevat dat meetelt"
