"""The report for a clinician: a two-page PDF, and the same facts as plain text.

Page 1 is read in about a minute: the level on its first line, the reasons and
the red-flag screen in clinical words, the patterns under the app's own names,
the presentation, the medicines and conditions that matter, the psychosocial
screen (labelled as not validated) and the plan's status. Page 2 holds the
diary table, the pain chart and the plan. `clinician_summary` gives page 1 as
text for pasting into a record.

Both are rendered from one pure `ReportContent` (`report_content`), so the PDF
and the text can never disagree. Every word comes from `data/report.yaml`,
except the level titles and pattern names, which come from the same files as
the app (`data/triage.yaml`, `data/patterns.yaml`).

Made with fpdf2's built-in Helvetica, so no font is fetched or shipped. Those
core fonts only hold Latin-1 characters, so every string goes through `latin1`:
curly quotes and dashes become plain ones and emoji are dropped. The chart is
Altair rendered offline by vl-convert. The PDF is tagged as far as fpdf2 goes:
title and language in its metadata, an outline of its sections, and alt text
on the chart.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from statistics import fmean
from typing import Any

import altair as alt
import pandas as pd
from fpdf import FPDF, FontFace, ViewerPreferences
from fpdf.enums import XPos, YPos

from backcare.content.questionnaire import load as load_questionnaire
from backcare.diary.entries import DiaryEntry
from backcare.diary.trends import (
    AVERAGE_DAYS,
    REPORT_CHART_DAYS,
    TREND_WINDOW_DAYS,
    Direction,
    chart_png,
    pain_frame,
    summarise,
)
from backcare.engine.answers import FIELD_BY_KEY, Kind
from backcare.engine.patterns import SERIOUS_ORDER, display_rows
from backcare.engine.results import PatternMatch, Strength
from backcare.engine.scores import (
    MEANINGFUL_PAIN_CHANGE,
    PSYCHOSOCIAL_ITEMS,
    psychosocial_items,
)
from backcare.engine.wording import ContentError, level_text, load_yaml, pattern_text, triage_text
from backcare.planner.model import planner_text

#: Page sizes the report can be printed on (fpdf2 format names by our label).
PAGE_SIZES = {"A4": "A4", "Letter": "letter"}
#: Diary notes on page 2: the latest few, shortened, to keep it to two pages.
NOTES_SHOWN = 3
NOTE_CHARS = 160
MAX_PLAN_EXERCISES = 10
#: The psychosocial screen's items, bothersomeness last (engine.scores).
PSYCHOSOCIAL_KEYS = (*PSYCHOSOCIAL_ITEMS, "bothersomeness")
#: The medicines and conditions page 1 always lists.
CONDITION_KEYS = (
    "anticoagulant",
    "long_term_steroids",
    "osteoporosis",
    "diabetes",
    "cancer_history",
    "immunosuppressed",
)

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2212": "-",
    "\u00a0": " ",
}


def latin1(text: Any) -> str:
    """Text the core PDF fonts can show: common symbols mapped, anything else dropped."""
    out = []
    for ch in str(text):
        ch = _REPLACEMENTS.get(ch, ch)
        try:
            ch.encode("latin-1")
        except UnicodeEncodeError:
            ch = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        out.append(ch)
    return "".join(c for c in "".join(out) if c in "\n\t" or unicodedata.category(c)[0] != "C")


# ---------------------------------------------------------------- wording


@cache
def report_text() -> dict[str, Any]:
    """`data/report.yaml`, with its red-flag screen checked against the answers contract."""
    raw = load_yaml("report.yaml")
    if not isinstance(raw, dict):
        raise ContentError("data/report.yaml must be a mapping")
    problems = [
        f"red_flags: {key}={value!r}"
        for group in raw.get("red_flags") or []
        for item in group.get("items") or []
        for key, value in (item.get("when") or {}).items()
        if not _valid_match(key, value)
    ]
    if problems:
        raise ContentError(
            "data/report.yaml has unknown answer keys or values: " + "; ".join(problems)
        )
    return raw


def _valid_match(key: str, value: Any) -> bool:
    field = FIELD_BY_KEY.get(key)
    if field is None:
        return False
    if field.kind is Kind.BOOL:
        return value is True
    return isinstance(value, list) and bool(value) and set(value) <= set(field.choices)


def count(number: float, unit: str) -> str:
    """``1 day``, ``2 days``, ``0.5 weeks``: the one place plurals are made."""
    one, many = report_text()["units"][unit]
    shown = f"{number:g}"
    return f"{shown} {one if shown == '1' else many}"


def term(key: str) -> str:
    """The clinical word for an answer key."""
    return str(report_text()["terms"].get(key, key.replace("_", " ")))


def value_term(group: str, value: Any) -> str:
    """The clinical word for one answer value (from ``values.<group>``)."""
    return str(report_text()["values"].get(group, {}).get(value, str(value).replace("_", " ")))


# ---------------------------------------------------------------- content


class FlagStatus(StrEnum):
    """What the patient said to one screened red flag."""

    POSITIVE = "positive"
    DENIED = "denied"
    NOT_ANSWERED = "not_answered"


@dataclass(frozen=True)
class FlagRow:
    """One screened red flag: its group, its wording for that status, and the status."""

    group: str
    text: str
    status: FlagStatus


@dataclass(frozen=True)
class Fact:
    """A label and its value, as one line of page 1."""

    label: str
    value: str

    def line(self) -> str:
        return f"{self.label}: {self.value}"


@dataclass(frozen=True)
class ReportContent:
    """Everything on page 1, in order, as plain strings (no PDF here)."""

    first_line: str
    level: str | None
    dates: tuple[Fact, ...]
    reasons: tuple[str, ...]
    red_flags: tuple[FlagRow, ...]
    patterns: tuple[str, ...]
    presentation: tuple[Fact, ...]
    conditions: tuple[Fact, ...]
    psychosocial_result: str
    psychosocial: tuple[Fact, ...]
    plan_status: tuple[str, ...]


def _matches(value: Any, wanted: Any) -> bool:
    if wanted is True:
        return value is True
    if isinstance(value, list | tuple):
        return any(v in wanted for v in value)
    return value in wanted


def _applies(key: str, answers: Mapping[str, Any]) -> bool:
    """Whether the questionnaire asks this key, given the other answers (its show_if)."""
    question = load_questionnaire().questions.get(key)
    return question is None or question.applies(answers)


def flag_status(when: Mapping[str, Any], answers: Mapping[str, Any]) -> FlagStatus | None:
    """Positive if any key matches; denied if every asked key is answered; None if none asked.

    A missing answer is never read as "no": one unanswered key, and no match,
    makes the item "not answered".
    """
    asked = [k for k in when if _applies(k, answers)]
    if not asked:
        return None
    if any(answers.get(k) is not None and _matches(answers[k], when[k]) for k in asked):
        return FlagStatus.POSITIVE
    if all(answers.get(k) is not None for k in asked):
        return FlagStatus.DENIED
    return FlagStatus.NOT_ANSWERED


def red_flag_rows(answers: Mapping[str, Any]) -> tuple[FlagRow, ...]:
    """Every screened red flag, grouped as in `data/report.yaml`, with its status."""
    rows = []
    for group in report_text()["red_flags"]:
        for item in group["items"]:
            status = flag_status(item["when"], answers)
            if status is None:
                continue
            words = item["denied"] if status is FlagStatus.DENIED else item["positive"]
            rows.append(FlagRow(group["group"], words, status))
    return tuple(rows)


def _pattern_matches(patterns: Sequence[Mapping[str, Any]]) -> tuple[PatternMatch, ...]:
    return tuple(
        PatternMatch(
            str(p["id"]),
            Strength(p["strength"]),
            tuple(p.get("because") or ()),
            serious=p["id"] in SERIOUS_ORDER,
        )
        for p in patterns
    )


def pattern_rows(patterns: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """One row per condition, named as in the app (`engine.patterns.display_rows`)."""
    text = report_text()
    names = pattern_text()

    def name(pid: str) -> str:
        return names[pid].name if pid in names else pid

    rows = []
    for row in display_rows(_pattern_matches(patterns)):
        line = f"{name(row.id)}: {text['pattern_strength'][row.strength.value]}"
        if row.ruled_out_first:
            serious = ", ".join(name(s) for s in row.ruled_out_first)
            line += f"; {text['pattern_after'].format(serious=serious)}"
        rows.append(line)
    return tuple(rows)


def reason_lines(result: Mapping[str, Any]) -> tuple[str, ...]:
    """The reasons at the result's level in full, with the answers behind each.

    Reasons at lower levels follow on one line, by name only: as in the app
    (spec section 2, v2), what decided the level comes first and alone.
    """
    text = report_text()
    reasons = list(result.get("reasons") or [])
    if not reasons:
        return (text["no_reasons"],)
    top = [r for r in reasons if r["level"] == result.get("triage")] or reasons[:1]
    lines = []
    for reason in top:
        terms = ", ".join(dict.fromkeys(term(k) for k in reason.get("because") or ()))
        evidence = f" ({text['reason_evidence'].format(terms=terms)})" if terms else ""
        lines.append(f"{_reason_words(reason)}{evidence}")
    rest = [r for r in reasons if r not in top]
    if rest:
        items = "; ".join(f"{_reason_words(r)} [{level_text(r['level']).title}]" for r in rest)
        lines.append(text["also_met"].format(items=items))
    return tuple(lines)


def _reason_words(reason: Mapping[str, Any]) -> str:
    return str(report_text()["reasons"].get(reason["id"], reason.get("text", reason["id"])))


def _answer_word(value: Any) -> str:
    words = report_text()["answer"]
    if value is None:
        return words["not_answered"]
    return words["yes"] if value is True else words["no"] if value is False else str(value)


def _leg_line(answers: Mapping[str, Any]) -> str:
    text = report_text()
    parts = []
    for key, label in text["leg_parts"].items():
        value = answers.get(key)
        shown = value_term("sides", value) if value is not None else _answer_word(None)
        if key == "leg_pain" and answers.get("leg_pain_below_knee") is True:
            shown += f" ({text['below_knee']})"
        parts.append(f"{label} {shown}")
    return "; ".join(parts)


def _age_sex(answers: Mapping[str, Any]) -> str:
    sex = answers.get("sex")
    age = answers.get("age")
    bits = [str(age) if age is not None else _answer_word(None)]
    if sex is not None:
        bits.append(value_term("sex", sex))
    return ", ".join(bits)


def _duration(result: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    weeks = answers.get("duration_weeks")
    if weeks is None:
        return _answer_word(None)
    category = report_text()["duration_category"].get(result.get("duration_category"), "")
    return f"{count(weeks, 'week')}: {category}".rstrip(": ")


def _onset(answers: Mapping[str, Any]) -> str:
    parts = [value_term(k, answers[k]) for k in ("onset", "trauma") if answers.get(k) is not None]
    return "; ".join(parts) or _answer_word(None)


def _pain(answers: Mapping[str, Any]) -> str:
    def score(key: str) -> str:
        value = answers.get(key)
        return f"{value}/10" if value is not None else _answer_word(None)

    return report_text()["presentation"]["pain_value"].format(
        now=score("pain_now"), worst=score("pain_week_worst")
    )


def trend_line(
    entries: Sequence[DiaryEntry], today: dt.date, reported: tuple[float, dt.date] | None
) -> str:
    """The diary trend in the third person, by the 2-point rule of `trends.summarise`."""
    words = report_text()["trend"]
    if not entries:
        return words["no_data"]
    trend = summarise(entries, today=today, reported=reported)
    if trend.direction is Direction.TOO_FEW:
        recent = {e.date for e in entries if e.date > today - dt.timedelta(TREND_WINDOW_DAYS)}
        line = words["too_few"].format(days=count(len(recent), "day"))
    else:
        line = words[trend.direction.value].format(
            points=count(abs(trend.change or 0), "point"),
            span=_span(trend.days),
            meaningful=MEANINGFUL_PAIN_CHANGE,
        )
    if trend.see_gp and trend.direction is not Direction.WORSE and trend.weeks_with_pain:
        line += " " + words["not_better"].format(weeks=count(int(trend.weeks_with_pain), "week"))
    return line


def _span(days: int) -> str:
    return count(days, "day") if days < 14 else count(round(days / 7), "week")


def presentation_facts(
    result: Mapping[str, Any],
    answers: Mapping[str, Any],
    entries: Sequence[DiaryEntry],
    today: dt.date,
    reported: tuple[float, dt.date] | None,
) -> tuple[Fact, ...]:
    labels = report_text()["presentation"]
    areas = answers.get("areas")
    located = ", ".join(value_term("areas", a) for a in areas) if areas else _answer_word(None)
    return (
        Fact(labels["age_sex"], _age_sex(answers)),
        Fact(labels["duration"], _duration(result, answers)),
        Fact(labels["onset"], _onset(answers)),
        Fact(labels["areas"], located),
        Fact(labels["legs"], _leg_line(answers)),
        Fact(labels["pain"], _pain(answers)),
        Fact(labels["diary"], trend_line(entries, today, reported)),
    )


def condition_facts(answers: Mapping[str, Any]) -> tuple[Fact, ...]:
    """The medicines and conditions that matter, each yes, no or not answered."""
    labels = report_text()["conditions"]
    return tuple(Fact(labels[k], _answer_word(answers.get(k))) for k in CONDITION_KEYS)


def psychosocial_facts(
    result: Mapping[str, Any], answers: Mapping[str, Any]
) -> tuple[str, tuple[Fact, ...]]:
    """The screen's result line, and each item with its answer."""
    words = report_text()["psychosocial"]
    points = len(psychosocial_items(answers))
    band = (result.get("scores") or {}).get("psychosocial_risk", "")
    summary = words["result"].format(
        band=words["bands"].get(band, band), points=points, most=len(PSYCHOSOCIAL_KEYS)
    )
    facts = []
    for key in PSYCHOSOCIAL_KEYS:
        value = answers.get(key)
        shown = value_term(key, value) if key == "bothersomeness" and value else None
        facts.append(Fact(words["items"][key], shown or _answer_word(value)))
    return summary, tuple(facts)


def _cleared(profile: Mapping[str, Any]) -> tuple[bool, str | None]:
    """Whether the person said a clinician cleared them (``cleared``), and when (``cleared_on``)."""
    return profile.get("cleared") is True, profile.get("cleared_on")


def _left_out(plan: Mapping[str, Any]) -> str | None:
    """What the plan left out, grouped by the reason, in clinical words."""
    why_key = {v: k for k, v in planner_text().get("left_out", {}).items()}
    clinical = report_text()["left_out_why"]
    grouped: dict[str, list[str]] = {}
    for item in plan.get("left_out") or []:
        why = str(item.get("why", ""))
        reason = clinical.get(why_key.get(why, ""), why)
        grouped.setdefault(reason, []).append(str(item.get("name", item.get("id", ""))))
    if not grouped:
        return None
    return "; ".join(f"{', '.join(names)} ({why})" for why, names in grouped.items())


def plan_status(plan: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The plan in a few lines: made or withheld, clearance, and what it left out."""
    words = report_text()["plan"]
    if not plan:
        return (words["none"],)
    if plan.get("refused") or not plan.get("weeks"):
        return (words["refused"] if plan.get("refused") else words["none"],)
    profile = plan.get("profile") or {}
    weeks = plan["weeks"]
    per_week = len(profile.get("days") or weeks[0].get("sessions") or [])
    minutes = profile.get("minutes_per_session")
    start = profile.get("start_date") or (weeks[0].get("sessions") or [{}])[0].get("date", "")
    made = words["made"].format(
        weeks=count(len(weeks), "week"),
        start=start,
        sessions=count(per_week, "session"),
        minutes=count(minutes, "minute") if minutes else "-",
    )
    cleared, when = _cleared(profile)
    if cleared:
        clearance = words["cleared"].format(when=when) if when else words["cleared_no_date"]
    else:
        clearance = words["not_cleared"]
    left = _left_out(plan)
    left_line = words["left_out"].format(items=left) if left else words["nothing_left_out"]
    return (made, clearance, left_line)


def _date(value: dt.datetime | dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def report_content(
    *,
    result: Mapping[str, Any] | None,
    answers: Mapping[str, Any] | None,
    entries: Sequence[DiaryEntry] = (),
    plan: Mapping[str, Any] | None = None,
    taken_at: dt.datetime | dt.date | None = None,
    today: dt.date | None = None,
) -> ReportContent:
    """Page 1 as plain values: the one source of the PDF and of `clinician_summary`."""
    text = report_text()
    today = today or dt.date.today()
    answers = dict(answers or {})
    result = dict(result or {})
    entries = sorted(entries, key=lambda e: e.date)
    taken = _date(taken_at) or (today if result else None)
    who = text["who"]
    dates = (
        Fact(who["report_date"], today.isoformat()),
        Fact(who["assessment_date"], taken.isoformat() if taken else who["none"]),
    )
    reported = None
    if result and answers.get("duration_weeks") is not None and taken is not None:
        reported = (float(answers["duration_weeks"]), taken)
    level = result.get("triage")
    if level:
        summary = text["level_summary"][level]
        first = text["first_line"].format(title=level_text(level).title, summary=summary)
    else:
        first = text["first_line_none"]
    psych_result, psych = psychosocial_facts(result, answers) if result else ("", ())
    return ReportContent(
        first_line=first,
        level=level,
        dates=dates,
        reasons=reason_lines(result) if result else (),
        red_flags=red_flag_rows(answers) if result else (),
        patterns=(pattern_rows(result.get("patterns") or ()) or (text["no_patterns"],))
        if result
        else (),
        presentation=presentation_facts(result, answers, entries, today, reported)
        if result
        else (Fact(text["presentation"]["diary"], trend_line(entries, today, None)),),
        conditions=condition_facts(answers) if result else (),
        psychosocial_result=psych_result,
        psychosocial=psych,
        plan_status=plan_status(plan),
    )


def clinician_summary(
    *,
    result: Mapping[str, Any] | None,
    answers: Mapping[str, Any] | None,
    entries: Sequence[DiaryEntry] = (),
    plan: Mapping[str, Any] | None = None,
    taken_at: dt.datetime | dt.date | None = None,
    today: dt.date | None = None,
) -> str:
    """Page 1 as plain text, for pasting into a clinical record. No name or birth date."""
    content = report_content(
        result=result, answers=answers, entries=entries, plan=plan, taken_at=taken_at, today=today
    )
    words = report_text()["summary"]
    none = words["none"]

    def listed(status: FlagStatus) -> str:
        return "; ".join(r.text for r in content.red_flags if r.status is status) or none

    lines = [words["header"], content.first_line]
    lines.append(f"{words['dates']}: " + "; ".join(f.line() for f in content.dates))
    if content.reasons:
        lines += [f"{words['reasons']}:", *(f"- {r}" for r in content.reasons)]
        lines.append(f"{words['positive']}: {listed(FlagStatus.POSITIVE)}")
        lines.append(f"{words['denied']}: {listed(FlagStatus.DENIED)}")
        lines.append(f"{words['not_answered']}: {listed(FlagStatus.NOT_ANSWERED)}")
        lines.append(f"{words['patterns']}: " + "; ".join(content.patterns))
    lines += [f"{words['presentation']}:", *(f"- {f.line()}" for f in content.presentation)]
    if content.conditions:
        lines.append(f"{words['conditions']}: " + "; ".join(f.line() for f in content.conditions))
        lines.append(f"{words['psychosocial']}: {content.psychosocial_result}")
        lines += [f"- {f.line()}" for f in content.psychosocial]
    lines.append(f"{words['plan']}: " + " ".join(content.plan_status))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- diary data (page 2)


@dataclass(frozen=True)
class WeekRow:
    """One week of the diary table on page 2."""

    start: dt.date
    days: int
    pain_now: float | None
    pain_worst: float | None
    active_minutes: int
    leg_pain_days: int
    poor_sleep: int

    def cells(self) -> tuple[str, ...]:
        def mean(x: float | None) -> str:
            return "-" if x is None else f"{x:.1f}"

        return (
            self.start.isoformat(),
            f"{self.days} of {AVERAGE_DAYS}",
            mean(self.pain_now),
            mean(self.pain_worst),
            str(self.active_minutes),
            str(self.leg_pain_days),
            str(self.poor_sleep),
        )


def week_rows(entries: Sequence[DiaryEntry], today: dt.date) -> tuple[WeekRow, ...]:
    """The last 4 weeks of the diary, one row per 7 days ending today."""
    first = today - dt.timedelta(days=TREND_WINDOW_DAYS - 1)
    rows = []
    for start in (first + dt.timedelta(days=7 * n) for n in range(TREND_WINDOW_DAYS // 7)):
        week = [e for e in entries if start <= e.date < start + dt.timedelta(days=7)]
        rows.append(
            WeekRow(
                start=start,
                days=len(week),
                pain_now=fmean(e.pain_now for e in week) if week else None,
                pain_worst=fmean(e.pain_worst for e in week) if week else None,
                active_minutes=sum(e.active_minutes for e in week),
                leg_pain_days=sum(bool(e.leg_pain) for e in week),
                poor_sleep=sum(e.sleep == "poor" for e in week),
            )
        )
    return tuple(rows)


def chart_frame(entries: Sequence[DiaryEntry]) -> Any:
    """Long-format chart data: pain now, worst, 7-day mean and the dashed target line.

    The target (first week's mean minus 2 points, the smallest change that
    matters) is drawn as a series of its own, so the legend names it too.
    """
    words = report_text()["chart"]
    frame = pain_frame(entries)
    if not len(frame):
        return pd.DataFrame(columns=["date", "series", "value"])
    start = dt.date.fromisoformat(frame["date"].iloc[-1]) - dt.timedelta(REPORT_CHART_DAYS - 1)
    frame = frame[frame["date"] >= start.isoformat()].copy()
    first_week = frame[frame["date"] < (start + dt.timedelta(AVERAGE_DAYS)).isoformat()]
    first_dates = first_week if len(first_week) else frame.head(1)
    target = round(float(first_dates["pain_now"].mean()) - MEANINGFUL_PAIN_CHANGE, 1)
    if target >= 0:
        frame["target"] = target
    names = {k: words[k] for k in ("pain_now", "pain_worst", "average", "target") if k in frame}
    long = frame.melt(id_vars="date", value_vars=list(names), var_name="series")
    long["series"] = long["series"].map(names)
    return long


def report_chart(entries: Sequence[DiaryEntry]) -> Any:
    """The report's pain chart: every line, dashed ones too, named in the legend."""
    words = report_text()["chart"]
    long = chart_frame(entries)
    order = [words[k] for k in ("pain_now", "pain_worst", "average", "target")]
    dashes = [[1, 0], [1, 0], [6, 3], [2, 2]]
    colours = ["#1f4e9c", "#b3261e", "#444444", "#2e7d32"]
    x = alt.X("date:T", timeUnit="utcyearmonthdate", title=None, axis=alt.Axis(format="%b %d"))
    y = alt.Y("value:Q", title=words["axis"], scale=alt.Scale(domain=[0, 10]))
    legend = alt.Legend(
        orient="bottom",
        title=None,
        columns=2,
        labelLimit=0,
        symbolType="stroke",
        symbolStrokeWidth=2.5,
        symbolSize=500,
    )
    color = alt.Color("series:N", scale=alt.Scale(domain=order, range=colours), legend=legend)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=order, range=dashes), legend=legend)
    lines = alt.Chart(long).mark_line(point=False).encode(x=x, y=y, color=color, strokeDash=dash)
    daily = order[:2]
    points = (
        alt.Chart(long)
        .transform_filter(alt.FieldOneOfPredicate(field="series", oneOf=daily))
        .mark_point(filled=True, size=18)
        .encode(x=x, y=y, color=color)
    )
    return alt.layer(lines, points).properties(title=words["title"], width=560, height=170)


def chart_alt_text(entries: Sequence[DiaryEntry]) -> str:
    """What the chart shows, in words, for a screen reader (the image's /Alt)."""
    words = report_text()["chart"]
    frame = pain_frame(entries)
    start = dt.date.fromisoformat(frame["date"].iloc[-1]) - dt.timedelta(REPORT_CHART_DAYS - 1)
    frame = frame[frame["date"] >= start.isoformat()]
    text = words["alt"].format(
        start=frame["date"].iloc[0],
        end=frame["date"].iloc[-1],
        days=count(len(frame), "day"),
        first=frame["pain_now"].iloc[0],
        last=frame["pain_now"].iloc[-1],
        mean_first=f"{frame['average'].iloc[0]:.1f}",
        mean_last=f"{frame['average'].iloc[-1]:.1f}",
    )
    long = chart_frame(entries)
    target = long[long["series"] == words["target"]]
    if len(target):
        text += words["alt_target"].format(target=f"{target['value'].iloc[0]:g}")
    return " ".join(text.split())


# ---------------------------------------------------------------- PDF

LEVEL_COLOURS = {"emergency": (170, 0, 0), "urgent": (150, 70, 0)}
BODY = 9
SMALL = 8
LINE = 4.4


class _Doc(FPDF):
    """The report's pages, with a footer that repeats the not-a-diagnosis point."""

    footer_template = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", SMALL)
        self.set_text_color(90, 90, 90)
        text = self.footer_template.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, latin1(text), align="C")
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str, level: int = 1) -> None:
    """A bold heading that is also an entry in the PDF's outline."""
    pdf.start_section(latin1(text), level=level)
    pdf.ln(1.5)
    pdf.set_font("Helvetica", "B", 10.5 if level else 12)
    pdf.cell(0, 6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", BODY)


def _para(pdf: FPDF, text: str, style: str = "", size: float = BODY) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font("Helvetica", "", BODY)


def _bullet(pdf: FPDF, text: str, size: float = BODY) -> None:
    pdf.set_font("Helvetica", "", size)
    pdf.set_x(pdf.l_margin + 2)
    pdf.multi_cell(0, LINE, latin1(f"- {text}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _fact(pdf: FPDF, fact: Fact, width: float = 0, size: float = BODY) -> None:
    """``Label: value`` with the label in bold; ``width`` 0 runs to the margin and wraps."""
    pdf.set_font("Helvetica", "B", size)
    label = latin1(f"{fact.label}: ")
    label_w = pdf.get_string_width(label) + 0.5
    pdf.cell(label_w, LINE, label)
    pdf.set_font("Helvetica", "", size)
    if width:
        room = max(width - label_w - 2, 1)
        pdf.cell(room + 2, LINE, _fit(pdf, latin1(fact.value), room))
    else:
        value = latin1(fact.value)
        pdf.multi_cell(0, LINE, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text cut to fit on one line of ``width`` (with "..." when cut)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text + "..."


def _facts_in_two_columns(pdf: FPDF, facts: Sequence[Fact]) -> None:
    half = pdf.epw / 2
    for n in range(0, len(facts), 2):
        _fact(pdf, facts[n], width=half)
        if n + 1 < len(facts):
            _fact(pdf, facts[n + 1], width=half)
        pdf.ln(LINE + 0.6)


def _flag_widths(rows: Sequence[FlagRow]) -> tuple[float, ...]:
    """Column widths that follow how much each status column holds (within limits)."""
    chars = [sum(len(r.text) for r in rows if r.status is s) for s in FlagStatus]
    total = sum(chars) or 1
    return (16, *(min(max(84 * c / total, 20), 52) for c in chars))


def _red_flag_table(pdf: FPDF, rows: Sequence[FlagRow]) -> None:
    """One row per group: positive, denied and not answered side by side."""
    text = report_text()
    groups = list(dict.fromkeys(r.group for r in rows))
    pdf.set_font("Helvetica", "", SMALL)
    with pdf.table(
        col_widths=_flag_widths(rows),
        line_height=3.7,
        text_align="LEFT",
        padding=(0.6, 1),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        heading = table.row()
        for title in text["red_flag_columns"]:
            heading.cell(latin1(title))
        for group in groups:
            row = table.row()
            row.cell(latin1(group), style=FontFace(emphasis="BOLD"))
            for status in FlagStatus:
                found = "; ".join(r.text for r in rows if r.group == group and r.status is status)
                bold = status is FlagStatus.POSITIVE and found
                row.cell(latin1(found or "-"), style=FontFace(emphasis="BOLD") if bold else None)
    pdf.set_font("Helvetica", "", BODY)


def _first_line(pdf: FPDF, content: ReportContent) -> None:
    pdf.set_text_color(*LEVEL_COLOURS.get(content.level or "", (0, 0, 0)))
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 6.5, latin1(content.first_line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    _para(pdf, report_text()["subtitle"], "I", SMALL)


def _who(pdf: FPDF, content: ReportContent, name: str | None, born: str | None) -> None:
    who = report_text()["who"]
    _heading(pdf, report_text()["headings"]["who"])
    person = (
        Fact(who["name"], name or who["blank"]),
        Fact(who["date_of_birth"], born or who["blank"]),
    )
    _facts_in_two_columns(pdf, (*person, *content.dates))


def _page_one(pdf: FPDF, content: ReportContent, name: str | None, born: str | None) -> None:
    text = report_text()
    heads = text["headings"]
    pdf.start_section(latin1(text["outline"]["page1"]), level=0)
    _first_line(pdf, content)
    _who(pdf, content, name, born)
    if content.level is None:
        _para(pdf, text["no_assessment"])
        _heading(pdf, heads["presentation"])
        for fact in content.presentation:
            _fact(pdf, fact)
    else:
        _heading(pdf, heads["reasons"])
        for line in content.reasons:
            _bullet(pdf, line)
        _heading(pdf, heads["red_flags"])
        _red_flag_table(pdf, content.red_flags)
        _heading(pdf, heads["patterns"])
        for line in content.patterns:
            _bullet(pdf, line)
        _heading(pdf, heads["presentation"])
        for fact in content.presentation:
            _fact(pdf, fact)
        _heading(pdf, heads["conditions"])
        _para(pdf, "; ".join(f.line() for f in content.conditions))
        _heading(pdf, heads["psychosocial"])
        _para(pdf, content.psychosocial_result, "B")
        _para(pdf, "; ".join(f.line() for f in content.psychosocial))
    _heading(pdf, heads["plan_status"])
    for line in content.plan_status:
        _para(pdf, line)


def _week_table(pdf: FPDF, rows: Sequence[WeekRow]) -> None:
    pdf.set_font("Helvetica", "", SMALL)
    with pdf.table(
        line_height=4,
        text_align="CENTER",
        padding=(0.6, 1),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        heading = table.row()
        for title in report_text()["diary"]["columns"]:
            heading.cell(latin1(title))
        for week in rows:
            row = table.row()
            for cell in week.cells():
                row.cell(latin1(cell))
    pdf.set_font("Helvetica", "", BODY)


def _diary(pdf: FPDF, entries: Sequence[DiaryEntry], today: dt.date) -> None:
    text = report_text()
    _heading(pdf, text["headings"]["diary"])
    start = today - dt.timedelta(days=TREND_WINDOW_DAYS - 1)
    recent = [e for e in entries if start <= e.date <= today]
    period = text["diary"]["period"].format(
        start=start.isoformat(),
        end=today.isoformat(),
        days=count(len(recent), "day"),
        window=count(TREND_WINDOW_DAYS, "day"),
    )
    _para(pdf, period)
    if not entries:
        _para(pdf, text["trend"]["no_data"])
        return
    _heading(pdf, text["headings"]["weekly"], level=2)
    _week_table(pdf, week_rows(entries, today))
    _heading(pdf, text["headings"]["chart"], level=2)
    png = chart_png(report_chart(entries), scale=2)
    pdf.image(io.BytesIO(png), w=pdf.epw, alt_text=latin1(chart_alt_text(entries)))
    noted = [e for e in reversed(recent) if e.notes.strip()][:NOTES_SHOWN]
    if noted:
        _heading(pdf, text["headings"]["notes"], level=2)
        for e in noted:
            note = " ".join(e.notes.split())
            note = note if len(note) <= NOTE_CHARS else note[: NOTE_CHARS - 3] + "..."
            _bullet(pdf, f"{e.date.isoformat()}: {note}", size=SMALL)


def _plan_summary(pdf: FPDF, plan: Mapping[str, Any] | None) -> None:
    words = report_text()["plan"]
    _heading(pdf, report_text()["headings"]["plan"])
    if not plan or not plan.get("weeks"):
        _para(pdf, plan_status(plan)[0])
        return
    seen: dict[str, str] = {}
    for week in plan["weeks"]:
        for session in week.get("sessions") or []:
            for ex in session.get("exercises") or []:
                key = str(ex.get("id", ex.get("name", "")))
                if key and key not in seen:
                    seen[key] = f"{ex.get('name', key)}: {ex.get('dose', '')}".rstrip(": ")
    totals = plan["weeks"][0].get("totals") or {}
    _para(
        pdf,
        words["week_totals"].format(
            aerobic=count(totals.get("aerobic_minutes", 0), "minute"),
            strength=count(totals.get("strength_days", 0), "day"),
        ),
    )
    for line in list(seen.values())[:MAX_PLAN_EXERCISES]:
        _bullet(pdf, line, size=SMALL)


def _page_two(
    pdf: FPDF, entries: Sequence[DiaryEntry], plan: Mapping[str, Any] | None, today: dt.date
) -> None:
    text = report_text()
    pdf.add_page()
    pdf.start_section(latin1(text["outline"]["page2"]), level=0)
    _diary(pdf, entries, today)
    _plan_summary(pdf, plan)
    _heading(pdf, text["headings"]["safety_net"])
    for line in triage_text().safety_net:
        _bullet(pdf, line, size=SMALL)
    _heading(pdf, text["headings"]["not_a_diagnosis"])
    _para(pdf, text["about"], size=SMALL)


def _new_doc(page_size: str) -> _Doc:
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size: got {page_size!r}; allowed: {', '.join(PAGE_SIZES)}")
    text = report_text()
    pdf = _Doc(format=PAGE_SIZES[page_size])
    pdf.footer_template = text["footer"]
    pdf.set_title(latin1(text["title"]))
    pdf.set_lang(text["lang"])
    pdf.set_subject(latin1(text["subtitle"]))
    pdf.set_creator("BackCare")
    pdf.set_author("BackCare")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 12, 15)
    pdf.add_page()
    return pdf


def build_report(
    *,
    result: Mapping[str, Any] | None,
    answers: Mapping[str, Any] | None,
    entries: Sequence[DiaryEntry],
    plan: Mapping[str, Any] | None = None,
    taken_at: dt.datetime | dt.date | None = None,
    today: dt.date | None = None,
    patient_name: str | None = None,
    date_of_birth: str | dt.date | None = None,
    page_size: str = "A4",
) -> bytes:
    """The whole report as PDF bytes: page 1 for a one-minute read, page 2 the diary and plan.

    ``result`` is ``Assessment.to_dict()`` (or None before any symptom check);
    ``entries`` the diary (any order); ``plan`` the plan dict. ``patient_name``
    and ``date_of_birth`` are typed in at print time and only printed, never
    kept. ``page_size`` is ``"A4"`` or ``"Letter"``.
    """
    today = today or dt.date.today()
    entries = sorted(entries, key=lambda e: e.date)
    pdf = _new_doc(page_size)
    content = report_content(
        result=result, answers=answers, entries=entries, plan=plan, taken_at=taken_at, today=today
    )
    born = date_of_birth.isoformat() if isinstance(date_of_birth, dt.date) else date_of_birth
    _page_one(pdf, content, (patient_name or "").strip() or None, (born or "").strip() or None)
    _page_two(pdf, entries, plan, today)
    return bytes(pdf.output())
