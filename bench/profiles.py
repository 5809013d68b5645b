"""``python -m bench --profile DIR``: pyinstrument profiles of the pure-Python figures.

Writes an HTML and a text profile of `assess()` over the vignettes and of one
batch scoring run, so the analysis in docs/performance.md can be redone. Pages
have their own command (``--profile-page``, `bench.page_profile`): AppTest runs
them in another thread, which a profiler started here would not see.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from backcare import assess
from bench.assess_bench import valid_answer_sets
from bench.batch_bench import _score
from bench.gen import write_csv


def _assess_loop() -> None:
    sets = valid_answer_sets()
    for _ in range(500):
        for answers in sets:
            assess(answers)


def write(out_dir: Path, rows: int = 20_000) -> list[Path]:
    """Profile both and write ``assess.html``/``.txt`` and ``batch.html``/``.txt``."""
    from pyinstrument import Profiler

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="backcare-bench-") as tmp:
        src = write_csv(Path(tmp) / "forms.csv", rows)
        jobs = {"assess": _assess_loop, "batch": lambda: _score(src, Path(tmp) / "out.csv")}
        for name, job in jobs.items():
            profiler = Profiler(interval=0.0005)
            profiler.start()
            job()
            profiler.stop()
            html, text = out_dir / f"{name}.html", out_dir / f"{name}.txt"
            html.write_text(profiler.output_html(), encoding="utf-8")
            text.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
            written += [html, text]
    return written
