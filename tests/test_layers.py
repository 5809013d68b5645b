"""The import layers of `backcare/` stay as docs/architecture.md draws them.

engine -> nothing else of backcare; content -> engine; planner and diary ->
engine and content (the report may read the plan model); interop (exports to
other systems) -> the layers below it; present, batch and answers_io -> any
layer below; cli -> anything; nothing imports cli except ``__main__``.
A new import arrow in the wrong direction fails here, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "backcare"

#: Layer of each part of backcare -> the parts it may import (besides itself).
ALLOWED: dict[str, frozenset[str]] = {
    "engine": frozenset(),
    "content": frozenset({"engine"}),
    "planner": frozenset({"engine", "content"}),
    "diary": frozenset({"engine", "content", "planner"}),
    "interop": frozenset({"engine", "content", "planner", "diary"}),
    "answers_io": frozenset({"engine", "content"}),
    "present": frozenset({"engine", "content", "planner", "diary", "answers_io"}),
    "batch": frozenset({"engine", "content", "answers_io"}),
    "batch_dask": frozenset({"engine", "content", "answers_io", "batch"}),
    "cli": frozenset(
        {
            "engine",
            "content",
            "planner",
            "diary",
            "interop",
            "answers_io",
            "present",
            "batch",
            "batch_dask",
        }
    ),
    "__init__": frozenset({"engine"}),
    "__main__": frozenset({"cli"}),
}
#: `safe_io` (the one strict reader and the CSV formula guard) imports nothing of
#: backcare, so every layer may use it.
ALLOWED = {part: allowed | {"safe_io"} for part, allowed in ALLOWED.items()} | {
    "safe_io": frozenset()
}


def part_of(path: Path, root: Path = PACKAGE) -> str:
    """The layer a file belongs to: its subpackage, or its module name at the top."""
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_parts(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, part of backcare) for every import of backcare in a file, relative ones too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["backcare", *path.relative_to(root).parts[:-1]]
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "backcare" and len(bits) > 1:
                found.append((node.lineno, bits[1]))
    return found


def wrong_arrows(root: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        part = part_of(path, root)
        name = path.relative_to(root.parent)
        allowed = ALLOWED.get(part)
        if allowed is None:
            problems.append(f"{name}: '{part}' has no layer in ALLOWED")
            continue
        for line, target in imported_parts(path, root):
            if target != part and target not in allowed:
                problems.append(f"{name}:{line}: {part} -> {target}")
    return problems


def test_no_import_runs_against_the_layers() -> None:
    assert wrong_arrows() == []


def test_nothing_but_main_imports_cli() -> None:
    users = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in PACKAGE.rglob("*.py")
        if part_of(p) not in ("cli", "__main__")
        for line, target in imported_parts(p)
        if target == "cli"
    ]
    assert users == []


@pytest.mark.parametrize(
    ("where", "source", "arrow"),
    [
        ("engine/x.py", "from backcare.diary import storage\n", "engine -> diary"),
        ("engine/x.py", "from ..planner import build\n", "engine -> planner"),
        ("content/x.py", "import backcare.present\n", "content -> present"),
        ("diary/x.py", "from backcare.cli.main import main\n", "diary -> cli"),
    ],
)
def test_a_new_wrong_arrow_is_caught(tmp_path: Path, where: str, source: str, arrow: str) -> None:
    """The checker itself: a wrong arrow in a copy of the tree is reported."""
    fake = tmp_path / "backcare"
    (fake / where).parent.mkdir(parents=True)
    (fake / where).write_text(source, encoding="utf-8")
    problems = wrong_arrows(fake)
    assert any(p.endswith(arrow) for p in problems), problems


def test_at_most_six_top_level_modules() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 6, modules
