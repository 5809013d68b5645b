"""``python -m bench --profile-page pages/x.py``: where a page's rerun time goes.

AppTest runs a page in a script thread of its own, which a profiler started
in the main thread does not see. So we wrap Streamlit's
``ScriptRunner._run_script`` to switch cProfile on inside that thread for each
run. (Sampling the thread's stack from outside crashed CPython 3.11 now and
then, so we do not.) Runs are set up as figure 3 does: shared script cache,
warm session. cProfile adds a cost to every call, so read the shares.
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
from unittest import mock

from bench.pages_bench import _shared_script_cache, _state
from bench.stats import ROOT

RERUNS = 200


def profile(page: str, with_result: bool = False, top: int = 45) -> str:
    from streamlit import logger as st_logger
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    st_logger.set_log_level(logging.ERROR)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    profiler = cProfile.Profile()
    original = script_runner.ScriptRunner._run_script
    active = {"on": False}

    def run_script(self, *args, **kwargs):
        if not active["on"]:
            return original(self, *args, **kwargs)
        profiler.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profiler.disable()

    with (
        _shared_script_cache(),
        mock.patch.object(script_runner.ScriptRunner, "_run_script", run_script),
    ):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page(page)
        for key, value in (_state() if with_result else {}).items():
            at.session_state[key] = value
        at.run()
        active["on"] = True
        for _ in range(RERUNS):
            at.run()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    head = f"{page}{' (with a result)' if with_result else ''}: {RERUNS} reruns under cProfile"
    return head + "\n" + out.getvalue()
