"""Storage figures: 10 years of diary through export, checked import, one-transaction
save, and the doctor's report.

Run: ``python3 -m bench.storage_bench`` (not wired into ``python -m bench``).
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from backcare import assess
from backcare.diary.entries import DiaryEntry, parse_csv, to_csv
from backcare.diary.report import build_report
from backcare.diary.storage import open_store

DAYS = 3650
REPEATS = 5


def _median(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    today = dt.date.today()
    entries = [
        DiaryEntry(today - dt.timedelta(days=i), 3, 5, 20, ("walk_easy",), False, "good", "n " * 50)
        for i in range(DAYS)
    ]
    text = to_csv(entries)
    result = assess({"age": 45, "pain_now": 5, "duration_weeks": 3})
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        rows = [
            (f"export {DAYS} days to CSV", _median(lambda: to_csv(entries))),
            (f"parse and check {DAYS} CSV rows", _median(lambda: parse_csv(text))),
            (f"save {DAYS} days in one transaction", _median(lambda: store.save_entries(entries))),
            ("save one day", _median(lambda: store.save_entry(entries[0]))),
            (f"read {DAYS} days", _median(store.entries)),
            (
                "report PDF (with chart)",
                _median(
                    lambda: build_report(
                        result=result.to_dict(), answers=result.answers, entries=entries
                    )
                ),
            ),
        ]
        store.close()
    print(f"| figure | median of {REPEATS} (ms) |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.1f} |")


if __name__ == "__main__":
    main()
