"""What the diary shows over time: the pain trend in plain words, and the charts.

Two rules, both from the clinical spec and its sources:

* A change of 2 points on the 0-10 scale is the smallest that matters to a
  person (Childs et al., Spine 2005; `backcare.engine.scores.MEANINGFUL_PAIN_CHANGE`).
  Smaller moves are called "about the same".
* Pain that is not better after about 6 weeks should be seen by a GP (spec
  section 2, ``duration_weeks >= 6``; NICE CKS Back pain - low), and so should
  pain that gets worse (spec section 2, safety net).

The charts are Altair specs built here, so the Progress page and the PDF
report show the same picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from statistics import fmean
from typing import Any

import altair as alt
import pandas as pd

from backcare.diary.entries import DiaryEntry
from backcare.engine.scores import ACUTE_BELOW_WEEKS, MEANINGFUL_PAIN_CHANGE
from backcare.engine.wording import Texts, level_text, load_texts

#: The trend looks at the last 4 weeks of the diary (the report's summary period too).
TREND_WINDOW_DAYS = 28
#: Averages are over 7 calendar days: a week smooths out good and bad days.
AVERAGE_DAYS = 7
#: Fewer days than this in a week-long span give no trend: one day is not a trend.
MIN_DAYS_FOR_TREND = 3
#: "Not better after 6 weeks" (spec section 2: duration_weeks >= 6 -> see a GP).
GP_AFTER_WEEKS = ACUTE_BELOW_WEEKS
#: How many weeks the calendar shows.
CALENDAR_WEEKS = 8
#: The charts show the latest 26 weeks: long enough for a recovery, small enough to read.
CHART_DAYS = 26 * 7
#: The report's chart: the latest 12 weeks, so it fits half a page.
REPORT_CHART_DAYS = 12 * 7


class Direction(StrEnum):
    """Where the pain is heading, by the 2-point rule."""

    NO_DATA = "no_data"
    TOO_FEW = "too_few"
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


@dataclass(frozen=True)
class Trend:
    """The plain-words trend: the sentence, and GP advice when a rule says so."""

    direction: Direction
    change: float | None  # latest week's average minus the first week's (points)
    days: int  # the span the trend covers, in days
    weeks_with_pain: float | None
    see_gp: bool
    text: str
    advice: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction.value,
            "change": self.change,
            "days": self.days,
            "weeks_with_pain": self.weeks_with_pain,
            "see_gp": self.see_gp,
            "text": self.text,
            "advice": self.advice,
        }


@cache
def wording() -> Texts:
    """data/progress.yaml: the sentences of the Progress page and the report."""
    return load_texts("progress.yaml", ("trend", "advice", "chart", "report", "page"))


MAX_DATE_LABELS = 8


def day_axis(dates: Sequence[Any]) -> alt.Axis:
    """Date ticks on whole days only, about 8 at most.

    Left alone, Vega-Lite puts a tick at midday when there are only a few days,
    and the axis prints the same date twice.
    """
    days = pd.to_datetime(pd.Series(list(dates)))
    span = int((days.max() - days.min()).days) + 1 if len(days) else 1
    step = max(1, -(-span // MAX_DATE_LABELS))
    return alt.Axis(format="%b %d", tickCount={"interval": "day", "step": step})


def _points(value: float) -> str:
    value = abs(round(value, 1))
    shown = f"{value:g}"
    return f"{shown} point" if shown == "1" else f"{shown} points"


def _span(days: int) -> str:
    if days < 14:
        return f"{days} days"
    weeks = round(days / 7)
    return f"{weeks} weeks"


def _mean_pain(entries: Sequence[DiaryEntry]) -> float:
    return fmean(e.pain_now for e in entries)


def direction_of(change: float) -> Direction:
    """Better or worse only when the change reaches the 2 points that matter."""
    if change <= -MEANINGFUL_PAIN_CHANGE:
        return Direction.BETTER
    if change >= MEANINGFUL_PAIN_CHANGE:
        return Direction.WORSE
    return Direction.SAME


def _first_last_weeks(entries: Sequence[DiaryEntry]) -> tuple[list[DiaryEntry], list[DiaryEntry]]:
    first, last = entries[0].date, entries[-1].date
    week = dt.timedelta(days=AVERAGE_DAYS - 1)
    return (
        [e for e in entries if e.date <= first + week],
        [e for e in entries if e.date >= last - week],
    )


def weeks_with_pain(
    entries: Sequence[DiaryEntry],
    today: dt.date,
    reported: tuple[float, dt.date] | None = None,
) -> float | None:
    """How long the pain has lasted: the longer of the diary and the last symptom check.

    ``reported`` is (duration_weeks answered, date of that check): the answer
    keeps counting up from the day it was given.
    """
    found: list[float] = []
    if reported is not None and reported[0] is not None:
        found.append(reported[0] + (today - reported[1]).days / 7)
    painful = [e for e in entries if e.pain_now > 0]
    if painful:
        found.append((today - painful[0].date).days / 7)
    return round(max(found), 1) if found else None


def summarise(
    entries: Sequence[DiaryEntry],
    *,
    today: dt.date | None = None,
    reported: tuple[float, dt.date] | None = None,
) -> Trend:
    """The trend of the last 4 weeks in plain words, plus GP advice when it applies.

    ``reported``: (duration_weeks, date) from the latest symptom check, if any.
    """
    text = wording()
    today = today or dt.date.today()
    entries = sorted(entries, key=lambda e: e.date)
    if not entries:
        return Trend(Direction.NO_DATA, None, 0, None, False, text["trend"]["no_data"], None)
    start = entries[-1].date - dt.timedelta(days=TREND_WINDOW_DAYS - 1)
    recent = [e for e in entries if e.date >= start]
    days = (recent[-1].date - recent[0].date).days + 1
    weeks = weeks_with_pain(entries, today, reported)
    latest_pain = _mean_pain(_first_last_weeks(entries)[1])
    if len(recent) < MIN_DAYS_FOR_TREND or days < AVERAGE_DAYS:
        direction, change = Direction.TOO_FEW, None
        sentence = text["trend"]["too_few"]
    else:
        first, last = _first_last_weeks(recent)
        change = round(_mean_pain(last) - _mean_pain(first), 1)
        direction = direction_of(change)
        sentence = text["trend"][direction.value].format(
            points=_points(change), span=_span(days), meaningful=MEANINGFUL_PAIN_CHANGE
        )
    advice = _gp_advice(entries, direction, weeks, latest_pain)
    return Trend(direction, change, days, weeks, advice is not None, sentence, advice)


def _gp_advice(
    entries: Sequence[DiaryEntry], direction: Direction, weeks: float | None, latest_pain: float
) -> str | None:
    """Spec section 2 and the safety net: worse pain, or no real change after 6 weeks."""
    text = wording()["advice"]
    if direction is Direction.WORSE:
        return text["worse"]
    if weeks is None or weeks < GP_AFTER_WEEKS or latest_pain <= 0:
        return None
    first, last = _first_last_weeks(entries)
    overall = _mean_pain(last) - _mean_pain(first)
    if direction_of(overall) is Direction.BETTER and len(entries) >= MIN_DAYS_FOR_TREND:
        return None
    return text["not_better"].format(weeks=int(weeks))


# ---------------------------------------------------------------- chart data


def latest_days(entries: Sequence[DiaryEntry], days: int) -> list[DiaryEntry]:
    """The entries of the last ``days`` days of the diary, oldest first."""
    rows = sorted(entries, key=lambda e: e.date)
    if not rows:
        return rows
    start = rows[-1].date - dt.timedelta(days=days - 1)
    return [e for e in rows if e.date >= start]


def pain_frame(entries: Sequence[DiaryEntry]) -> pd.DataFrame:
    """One row per logged day: pain now, worst pain and the 7-day average of pain now.

    The average is over the 7 calendar days ending that day (days not logged are skipped).
    """
    rows = sorted(entries, key=lambda e: e.date)
    frame = pd.DataFrame(
        {
            "date": [e.date.isoformat() for e in rows],
            "pain_now": [e.pain_now for e in rows],
            "pain_worst": [e.pain_worst for e in rows],
        }
    )
    if rows:
        series = pd.Series(
            [float(e.pain_now) for e in rows], index=pd.DatetimeIndex([e.date for e in rows])
        )
        frame["average"] = series.rolling(f"{AVERAGE_DAYS}D").mean().round(2).to_numpy()
    else:
        frame["average"] = pd.Series(dtype=float)
    return frame


def planned_minutes(plan: Mapping[str, Any] | None) -> dict[dt.date, int]:
    """Minutes per date from an exercise plan (the `python -m backcare plan` JSON)."""
    found: dict[dt.date, int] = {}
    if not plan or "weeks" not in plan:
        return found
    for week in plan.get("weeks") or []:
        for session in week.get("sessions") or []:
            try:
                day = dt.date.fromisoformat(str(session["date"]))
                found[day] = found.get(day, 0) + int(session.get("minutes") or 0)
            except (KeyError, TypeError, ValueError):
                continue  # a plan we cannot read is left out of the chart, not fatal
    return found


def activity_frame(entries: Sequence[DiaryEntry], plan: Mapping[str, Any] | None) -> pd.DataFrame:
    """Long format: date, minutes and whether it was done or planned."""
    label = wording()["chart"]
    rows = [
        {"date": e.date.isoformat(), "minutes": e.active_minutes, "kind": label["done"]}
        for e in entries
    ]
    if entries:
        first = min(e.date for e in entries)
        last = max(e.date for e in entries)
        rows += [
            {"date": d.isoformat(), "minutes": m, "kind": label["planned"]}
            for d, m in sorted(planned_minutes(plan).items())
            if first <= d <= last
        ]
    return pd.DataFrame(rows, columns=["date", "minutes", "kind"])


def calendar_frame(entries: Sequence[DiaryEntry], today: dt.date) -> pd.DataFrame:
    """The last 8 weeks, one row per day: week start, weekday and active minutes."""
    label = wording()["chart"]
    by_day = {e.date: e.active_minutes for e in entries}
    monday = today - dt.timedelta(days=today.weekday())
    start = monday - dt.timedelta(weeks=CALENDAR_WEEKS - 1)
    rows = []
    for offset in range((today - start).days + 1):
        day = start + dt.timedelta(days=offset)
        minutes = by_day.get(day)
        rows.append(
            {
                "date": day.isoformat(),
                "week": (day - dt.timedelta(days=day.weekday())).isoformat(),
                "weekday": day.strftime("%a"),
                "minutes": minutes if minutes is not None else 0,
                "status": label["active"] if minutes else label["rest"],
                "logged": minutes is not None,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- charts


def pain_chart(
    entries: Sequence[DiaryEntry], *, width: int = 600, height: int = 260, days: int = CHART_DAYS
) -> alt.LayerChart:
    """Pain each day, its 7-day average, and a dashed line 2 points under the first week.

    Only the last ``days`` days are drawn (the average still uses the days before).
    """
    label = wording()["chart"]
    frame = pain_frame(entries)
    if len(frame):
        start = dt.date.fromisoformat(frame["date"].iloc[-1]) - dt.timedelta(days=days - 1)
        frame = frame[frame["date"] >= start.isoformat()]
    long = frame.melt(
        id_vars="date", value_vars=["pain_now", "pain_worst", "average"], var_name="series"
    )
    names = {
        "pain_now": label["pain_now"],
        "pain_worst": label["pain_worst"],
        "average": label["average"],
    }
    long["series"] = long["series"].map(names)
    x = alt.X("date:T", timeUnit="utcyearmonthdate", title=None, axis=day_axis(long["date"]))
    y = alt.Y("value:Q", title=label["pain_axis"], scale=alt.Scale(domain=[0, 10]))
    color = alt.Color(
        "series:N", title=None, sort=list(names.values()), legend=alt.Legend(orient="bottom")
    )
    lines = alt.Chart(long).mark_line(point=True).encode(x=x, y=y, color=color)
    layers: list[Any] = [lines]
    ordered = latest_days(entries, days)
    if ordered:
        first_week, _ = _first_last_weeks(ordered)
        target = _mean_pain(first_week) - MEANINGFUL_PAIN_CHANGE
        if target >= 0:
            rule = pd.DataFrame({"value": [round(target, 1)], "what": [label["target"]]})
            layers.append(
                alt.Chart(rule)
                .mark_rule(strokeDash=[6, 4], color="#2e7d32")
                .encode(y="value:Q", tooltip=["what:N", "value:Q"])
            )
    return alt.layer(*layers).properties(title=label["pain_title"], width=width, height=height)


def activity_chart(
    entries: Sequence[DiaryEntry], plan: Mapping[str, Any] | None, *, width: int = 600
) -> alt.Chart:
    label = wording()["chart"]
    frame = activity_frame(latest_days(entries, CHART_DAYS), plan)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "date:T", timeUnit="utcyearmonthdate", title=None, axis=day_axis(frame["date"])
            ),
            xOffset="kind:N",
            y=alt.Y("minutes:Q", title=label["activity_axis"]),
            color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["date:N", "kind:N", "minutes:Q"],
        )
        .properties(title=label["activity_title"], width=width, height=220)
    )


def calendar_chart(entries: Sequence[DiaryEntry], today: dt.date | None = None) -> alt.Chart:
    label = wording()["chart"]
    frame = calendar_frame(entries, today or dt.date.today())
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return (
        alt.Chart(frame)
        .mark_rect(cornerRadius=3, stroke="white")
        .encode(
            x=alt.X("week:O", title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("weekday:O", sort=days, title=None),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=[label["active"], label["rest"]], range=["#2e7d32", "#e0e0e0"]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["date:N", "minutes:Q"],
        )
        .properties(title=label["calendar_title"])
    )


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render a chart to PNG offline with vl-convert (no browser, nothing fetched)."""
    # Loaded only here: vl-convert brings a JavaScript engine that only PNG charts need.
    import vl_convert as vlc  # noqa: PLC0415

    return vlc.vegalite_to_png(vl_spec=chart.to_json(), scale=scale)


# ---------------------------------------------------------------- tables


def diary_rows(entries: Sequence[DiaryEntry], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The diary as table rows, newest first.

    Notes stay plain text: pages show them in a table, never as Markdown or HTML.
    """
    return [
        {
            "date": e.date.isoformat(),
            "pain_now": e.pain_now,
            "pain_worst": e.pain_worst,
            "active_minutes": e.active_minutes,
            "exercises": ", ".join(names.get(x, x) for x in e.exercises),
            "leg_pain": "yes" if e.leg_pain else "no",
            "sleep": e.sleep or "",
            "notes": e.notes,
        }
        for e in sorted(entries, key=lambda e: e.date, reverse=True)
    ]


def history_rows(stored: Sequence[Any]) -> list[dict[str, str]]:
    """Past symptom checks (`storage.StoredAssessment`), newest first, with their level titles."""
    return [
        {"when": a.taken_at.strftime("%Y-%m-%d %H:%M UTC"), "level": level_text(a.level).title}
        for a in reversed(stored)
    ]


def reported_duration(stored: Any) -> tuple[float, dt.date] | None:
    """(duration_weeks, date) from a saved symptom check, for `summarise`."""
    if stored is None or stored.answers.get("duration_weeks") is None:
        return None
    return float(stored.answers["duration_weeks"]), stored.taken_at.date()
