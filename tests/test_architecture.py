"""The layers a newcomer can see, checked on the source: rooms, their order, no cycles.

Rooms, lowest first (a room may import only rooms below it and the shared floor):

    floor (settings, vocab, _errors, _io, _text, _redact, _style, _frames)
    → area → survey → camera (catalogue and costs) → geometry → optimise → export → plan
    → check → campaign → batch → widgets → the public API (``covplan/__init__.py``)
    → cli (cli.py and every room's ``_cli.py``)

and: no room imports another room's private module; no import cycle between modules;
imports of covplan itself are at module top (a function-level import hides the real
dependency graph); function-level imports of third-party packages only for the heavy
optional ones named here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "covplan"

ORDER = [
    "floor",
    "datasets",
    "area",
    "survey",
    "camera",
    "geometry",
    "optimise",
    "export",
    "plan",
    "check",
    "campaign",
    "watch",
    "batch",
    "widgets",
    "api",
    "cli",
]
FLOOR = {"settings", "vocab", "_errors", "_io", "_text", "_redact", "_style", "_frames", "__init__"}
# heavy or optional third-party packages a function may import lazily (each with its reason
# in a comment at the import): downloads, plotting back-ends, video, notebooks, keyring
LAZY_OK = {
    "osmnx",
    "matplotlib",
    "cv2",
    "folium",
    "ipywidgets",
    "IPython",
    "keyring",
    "gi",
    "papermill",
    "tqdm",
    "pyxform",
    "pulp",
    "highspy",
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _room(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "api"  # covplan/__init__.py: the public API gathers every room
    if parts[-1] == "_cli" or parts[1] in {"cli", "_plan_cli"}:
        return "cli"
    if (len(parts) == 2 and parts[1] in FLOOR) or parts[1] == "vocab":
        return "floor"  # the vocabulary is a package: a table module per room, all floor
    return parts[1]


def _imports(path: Path) -> list[tuple[str, bool, bool]]:
    """(imported module, at module top, under TYPE_CHECKING) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool, bool]] = []

    def visit(node: ast.AST, top: bool, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((a.name, top, typing_only) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                base = child.module
                for a in child.names:
                    full = f"{base}.{a.name}"
                    found.append((full if full in MODULES else base, top, typing_only))
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                visit(child, top, True)
            elif isinstance(child, ast.If) and "__main__" in ast.unparse(child.test):
                continue  # `python -m` entry points may import the CLI
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, False, typing_only)
            else:
                visit(child, top, typing_only)

    visit(tree, True, False)
    return found


GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def test_the_rooms_are_known() -> None:
    rooms = {_room(m) for m in MODULES}
    assert rooms <= set(ORDER), rooms - set(ORDER)


def test_lower_rooms_never_import_higher_ones() -> None:
    rank = {r: i for i, r in enumerate(ORDER)}
    bad = [
        f"{m} ({_room(m)}) imports {dep} ({_room(dep)})"
        for m, deps in GRAPH.items()
        for dep, _, _ in deps
        if dep.startswith("covplan") and rank[_room(dep)] > rank[_room(m)]
    ]
    assert not bad, "\n".join(bad)


def test_no_room_imports_another_rooms_private_module() -> None:
    bad = []
    for m, deps in GRAPH.items():
        for dep, _, _ in deps:
            if not dep.startswith("covplan.") or _room(dep) in {"floor", _room(m)}:
                continue
            if any(part.startswith("_") for part in dep.split(".")[1:]):
                if not (_room(m) == "cli" and dep.endswith("._cli")):
                    bad.append(f"{m} imports {dep}")
    assert not bad, "\n".join(bad)


def test_no_import_cycle() -> None:
    edges = {
        m: {d for d, _, typing_only in deps if d in MODULES and not typing_only and d != m}
        for m, deps in GRAPH.items()
    }
    # a package's __init__ importing its own modules is how packages export; skip those edges
    for m in edges:
        edges[m] = {d for d in edges[m] if not d.startswith(f"{m}.")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def strongconnect(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in edges:
        if v not in index:
            strongconnect(v)
    assert not cycles, cycles


def test_covplan_imports_are_at_module_top() -> None:
    inner = [
        f"{m} imports {dep} inside a function"
        for m, deps in GRAPH.items()
        for dep, top, _ in deps
        if dep.startswith("covplan") and not top and _room(m) != "cli"
    ]
    assert not inner, "\n".join(inner)


def test_lazy_imports_are_only_heavy_optional_packages() -> None:
    lazy = sorted(
        {
            f"{m}: {dep}"
            for m, deps in GRAPH.items()
            for dep, top, _ in deps
            if not top and not dep.startswith("covplan") and dep.split(".")[0] not in LAZY_OK
        }
    )
    assert not lazy, "\n".join(lazy)


@pytest.mark.parametrize("module", ["covplan.geometry", "covplan.optimise", "covplan.plan"])
def test_planning_never_loads_opencv(module: str) -> None:
    import subprocess
    import sys

    code = f"import sys, {module}; assert 'cv2' not in sys.modules, 'cv2 loaded'"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
