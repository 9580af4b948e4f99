"""A GeoJSON FeatureCollection file read as a table, as a list of shopping areas comes from a GIS:
one row per feature, its properties as columns and its geometry as GeoJSON text (the shapes are
read by `dashboard.ingest.geometry`)."""

from __future__ import annotations

import json

import pandas as pd

from dashboard import settings
from dashboard.ingest import limits
from dashboard.ingest.problems import FileRejected
from dashboard.ingest.reading import Read, unique_headers


def is_geojson(raw: bytes) -> bool:
    """Whether a file is JSON (its first character, after a BOM and blanks, is ``{``)."""
    return raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def read_geojson(raw: bytes) -> Read:
    """A GeoJSON FeatureCollection (or one Feature) as a table: one row per feature (numbered from 1),
    its properties as columns and its geometry as GeoJSON text in the column ``geometry``.

    >>> read = read_geojson(b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
    ...     b'"properties": {"naam": "Centrum"}, "geometry": {"type": "Point", "coordinates": [3.26, 50.82]}}]}')
    >>> read.cells.reset_index().values.tolist(), read.description
    ([[1, 'Centrum', '{"type": "Point", "coordinates": [3.26, 50.82]}']], 'GeoJSON, 1 object(en); rij = volgnummer')
    """
    limits.check_size(raw)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FileRejected("Dit lijkt een JSON-bestand (het begint met {), maar het is niet in UTF-8 geschreven. "
                           "Bewaar het opnieuw als GeoJSON in UTF-8, of als CSV of .xlsx.") from error
    except json.JSONDecodeError as error:
        raise FileRejected(f"Dit lijkt een JSON-bestand (het begint met {{), maar het is geen geldige JSON: de fout "
                           f"staat op regel {error.lineno}, teken {error.colno}. Bewaar het opnieuw als GeoJSON, of "
                           "als CSV of .xlsx.") from error
    kind = document.get("type") if isinstance(document, dict) else None
    features = document.get("features") if kind == "FeatureCollection" else [document] if kind == "Feature" else None
    if not isinstance(features, list) or not features:
        raise FileRejected("Dit JSON-bestand is geen GeoJSON met objecten (een FeatureCollection): Kernmonitor leest "
                           "er winkelgebieden uit, elk met zijn eigenschappen en een punt of veelhoek.")
    if len(features) > settings.max_rows():
        raise limits.too_many_rows()
    rows = [_feature_cells(feature) for feature in features]
    headers = list(dict.fromkeys(key for row in rows for key in row))
    cells = pd.DataFrame([[row.get(key) for key in headers] for row in rows], dtype=object,
                         index=pd.RangeIndex(1, len(rows) + 1, name="row_number"))
    cells.columns = unique_headers([str(header) for header in headers])
    limits.check_columns(cells.shape[1])
    return Read(cells, f"GeoJSON, {len(rows)} object(en); rij = volgnummer", {}, 0)


def _feature_cells(feature) -> dict:
    """A feature's properties (a nested value as JSON text) and its geometry as GeoJSON text."""
    if not isinstance(feature, dict):
        return {}
    properties = feature.get("properties") or {}
    cells = {str(key): json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
             for key, value in (properties.items() if isinstance(properties, dict) else [])}
    geometry = feature.get("geometry")
    cells["geometry"] = json.dumps(geometry, ensure_ascii=False) if geometry else None
    return cells
