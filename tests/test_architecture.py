"""The layout holds: no import cycle between modules, and every import points down the layers.

Layers, top to bottom (../shared/DESIGN.md, "Architecture"): a module may import its own layer and any
layer below it, never one above. Function-local imports count like any other: an import moved
into a function to dodge a cycle is still a cycle.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: From the top. A module's layer is that of the longest name that is the module or a package
#: holding it; ``dashboard`` itself (its ``__init__``) is only the package, not everything in it.
LAYERS = [
    ("entry", ("pages", "dashboard.app", "dashboard.__main__", "dashboard.cli")),
    ("ui", ("dashboard.ui",)),
    ("builders", ("dashboard.report", "dashboard.tables", "dashboard.figures")),
    ("sample", ("dashboard.sample",)),
    ("ingest", ("dashboard.ingest",)),
    ("store", ("dashboard.store", "dashboard.auth")),
    ("base", ("dashboard.settings", "dashboard.reference", "dashboard.regions", "dashboard.i18n", "dashboard.registry",
              "dashboard.indicator_entries", "dashboard")),
    ("analysis", ("analysis",)),
]
#: Names that stand for themselves only, not for the modules inside them.
ROOTS = {"dashboard"}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(root: Path = ROOT) -> dict[str, str]:
    """Module name → source of every module of the application (not the tests or benchmarks)."""
    paths = [*root.glob("analysis/**/*.py"), *root.glob("dashboard/**/*.py"), *root.glob("pages/*.py")]
    return {module_name(path, root): path.read_text(encoding="utf-8") for path in paths}


def imports(name: str, source: str, known: set[str]) -> set[str]:
    """The known modules ``name`` imports anywhere in its source (functions included).

    ``from package import submodule`` imports the submodule; ``from package import name`` the package.
    """
    package = name if _is_package(name, known) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names)
    return {_known(module, known) for module in found} - {None, name}


def _is_package(name: str, known: set[str]) -> bool:
    return any(other.startswith(name + ".") for other in known)


def _known(module: str, known: set[str]) -> str | None:
    while module and module not in known:
        module = module.rpartition(".")[0]
    return module or None


def layer(module: str) -> int:
    matches = [(len(prefix), rank) for rank, (_, prefixes) in enumerate(LAYERS) for prefix in prefixes
               if module == prefix or (prefix not in ROOTS and module.startswith(prefix + "."))]
    if not matches:
        raise LookupError(f"{module} is in no layer: add it to LAYERS (and to DESIGN.md)")
    return max(matches)[1]


def graph(modules: dict[str, str]) -> dict[str, set[str]]:
    known = set(modules)
    return {name: imports(name, source, known) for name, source in modules.items()}


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    return sorted(f"{importer} ({LAYERS[layer(importer)][0]}) imports {imported} ({LAYERS[layer(imported)][0]})"
                  for importer, targets in edges.items() for imported in targets if layer(imported) < layer(importer))


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    try:
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as found:
        return found.args[1]
    return None


def test_no_module_imports_a_layer_above_its_own():
    assert upward_imports(graph(sources())) == []


def test_no_import_cycle_between_modules():
    assert cycle(graph(sources())) is None


def test_every_module_has_a_layer():
    for name in sources():
        layer(name)


# The checks themselves, on tiny trees: they must be able to fail.

def test_the_checks_find_an_upward_import_and_a_cycle_held_apart_in_a_function():
    modules = {
        "analysis": "",
        "analysis.vacancy": "from analysis.tallies import tally\n",
        "analysis.tallies": "def tally():\n    from analysis.vacancy import days_between\n",
        "dashboard": "",
        "dashboard.ui": "",
        "dashboard.ui.loaders": "from dashboard.ui import shell\n",
        "dashboard.ui.shell": "import streamlit\n",
        "dashboard.store": "",
        "dashboard.store.database": "def f():\n    from dashboard.ui.loaders import store\n",
        "pages.overzicht": "from dashboard.ui import loaders, shell\nfrom dashboard import ui\n",
    }
    edges = graph(modules)
    assert edges["pages.overzicht"] == {"dashboard.ui.loaders", "dashboard.ui.shell", "dashboard.ui"}
    assert edges["dashboard.ui.shell"] == set()  # other packages are not ours
    assert upward_imports(edges) == ["dashboard.store.database (store) imports dashboard.ui.loaders (ui)"]
    found = cycle(edges)
    assert found is not None and set(found) == {"analysis.vacancy", "analysis.tallies"}


def test_relative_imports_and_unknown_modules():
    modules = {"dashboard": "", "dashboard.ingest": "from . import pipeline\n",
               "dashboard.ingest.pipeline": "from .values import parse\nfrom ..store import schema\n",
               "dashboard.ingest.values": "", "dashboard.store": "", "dashboard.store.schema": ""}
    edges = graph(modules)
    assert edges["dashboard.ingest"] == {"dashboard.ingest.pipeline"}
    assert edges["dashboard.ingest.pipeline"] == {"dashboard.ingest.values", "dashboard.store.schema"}
    with pytest.raises(LookupError, match="no layer"):
        layer("benchmarks.cases")
    with pytest.raises(LookupError, match="no layer"):
        layer("dashboard.newcomer")  # a new module of dashboard/ must be given its layer
