"""Figure 3: server-side run time of each page (AppTest), as a ratio to "hello".

Information only, with no budget: what a person feels after a click is timed
in the browser instead (figure 7, `bench.paint_bench`), and that carries the
budget. A page's server time is one part of it.

Each repeat runs a one-line "hello" page and then every page of ``app.py`` in
this same process, back to back, so both sides share the machine's mood. Two
runs are timed per page: the first run of a fresh session (what a new visitor
costs the server) and a rerun of that session (what every click costs). Pages
are run twice: with an empty session, and with a finished assessment in
session state (the results and plan pages do their real work only then).

By default AppTest is made to run pages as one server process does: it keeps
compiled scripts (`_shared_script_cache`) and the component registry between
runs instead of rebuilding them on every ``run()``. ``raw=True`` measures
AppTest as it comes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from backcare import assess
from bench.assess_bench import valid_answer_sets
from bench.stats import ROOT, Figure, ratios, timed

HELLO = 'import streamlit as st\nst.write("hello")\n'
RERUNS = 5


def app_pages() -> list[str]:
    """The page files wired in app.py, in menu order."""
    return re.findall(r'st\.Page\(\s*"([^"]+\.py)"', (ROOT / "app.py").read_text("utf-8"))


def _state() -> dict:
    answers = valid_answer_sets()[8]  # a soon-level sciatica vignette (P09)
    return {"answers": dict(answers), "assessment": assess(answers)}


def _nodes(node) -> int:
    """Elements and containers in an AppTest tree: what the page draws."""
    kids = getattr(node, "children", None)
    return 1 + (sum(_nodes(c) for c in kids.values()) if isinstance(kids, dict) else 0)


@contextlib.contextmanager
def _shared_script_cache() -> Iterator[None]:
    """Make AppTest keep compiled scripts between runs, as a server process does.

    A server compiles each script once (its ``ScriptCache`` lives as long as
    the process). AppTest makes a new ScriptCache on every ``run()``, so every
    run re-reads and recompiles app.py and the page, which would count against
    each page in proportion to its length (0.2 to 7 ms here). These are AppTest
    internals (streamlit 1.67); the patch fails loudly if they move.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    with (
        mock.patch.object(app_test, "ScriptCache", lambda: shared),
        mock.patch.object(local_script_runner, "ScriptCache", lambda: shared),
    ):
        yield


def _measure(make, page: str | None, state: dict | None) -> tuple[float, float, int, int, Any]:
    """First run of a fresh session, median rerun, exceptions, elements, the AppTest."""
    at = make()
    if page:
        at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    first = timed(at.run)
    rerun = statistics.median(timed(at.run) for _ in range(RERUNS))
    return first, rerun, len(at.exception), _nodes(at._tree), at


def run(repeats: int, raw: bool = False) -> list[Figure]:
    from streamlit import logger as st_logger
    from streamlit.testing.v1 import AppTest

    # AppTest runs pages outside a server, and Streamlit warns about that on
    # every call; the warnings would bury the table.
    st_logger.set_log_level(logging.ERROR)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    pages = app_pages()
    state = _state()
    cases = [(p, None) for p in pages] + [(p, state) for p in pages]
    mode = contextlib.nullcontext() if raw else _shared_script_cache()
    with tempfile.TemporaryDirectory(prefix="backcare-bench-") as tmp, mode:
        os.environ.setdefault("BACKCARE_DB_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        components: dict[str, Any] = {}

        def fresh(path: Path) -> Any:
            """A new session. Unless raw, it reuses the component registry that
            AppTest would otherwise rebuild on each first run (about 95 ms),
            as a server builds it once."""
            at = AppTest.from_file(str(path), default_timeout=60)
            if components.get("manager") is not None:
                at._bidi_component_manager = components["manager"]
            return at

        *_, warm = _measure(lambda: fresh(hello), None, None)  # imports, caches
        if not raw:
            components["manager"] = getattr(warm, "_bidi_component_manager", None)
        for page, st_state in cases:
            _measure(lambda: fresh(ROOT / "app.py"), page, st_state)
        hello_first, hello_rerun, hello_nodes = [], [], 0
        first: list[list[float]] = [[] for _ in cases]
        rerun: list[list[float]] = [[] for _ in cases]
        errors = [0] * len(cases)
        nodes = [0] * len(cases)
        for _ in range(repeats):
            f, r, _e, hello_nodes, _at = _measure(lambda: fresh(hello), None, None)
            hello_first.append(f)
            hello_rerun.append(r)
            for i, (page, st_state) in enumerate(cases):
                f, r, e, nodes[i], _at = _measure(lambda: fresh(ROOT / "app.py"), page, st_state)
                first[i].append(f)
                rerun[i].append(r)
                errors[i] += e
    how = "plain AppTest" if raw else "AppTest run as one server process (see docs)"
    figures = [
        Figure(
            "3. hello page, first run",
            "ms",
            tuple(x * 1e3 for x in hello_first),
            note=f"CPU time, as every figure 3; {how}",
        ),
        Figure(
            "3. hello page, rerun",
            "ms",
            tuple(x * 1e3 for x in hello_rerun),
            note=f"{hello_nodes} elements and containers",
        ),
    ]
    for i, (page, st_state) in enumerate(cases):
        name = Path(page).stem + (" (with a result)" if st_state else "")
        note = (
            f"{statistics.median(first[i]) * 1e3:.1f} ms first run, "
            f"{statistics.median(rerun[i]) * 1e3:.1f} ms rerun, "
            f"{nodes[i]} elements and containers"
        )
        if errors[i]:
            note += f"; the page raised an exception ({errors[i]} runs)"
        figures.append(
            Figure(
                f"3. {name}: first run / hello",
                "x",
                ratios(first[i], hello_first),
                note=note,
            )
        )
        figures.append(Figure(f"3. {name}: rerun / hello", "x", ratios(rerun[i], hello_rerun)))
    return figures
