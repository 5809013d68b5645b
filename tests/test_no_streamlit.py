"""The assessment package stays pure Python: it never imports streamlit."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys

import backcare
from tests.helpers import ROOT

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(backcare.__path__, prefix="backcare.")
    if m.name != "backcare.__main__"
)


def test_no_module_names_streamlit_in_its_imports():
    offenders = []
    for path in (ROOT / "backcare").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_importing_every_module_loads_no_streamlit():
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert len(MODULES) > 5
