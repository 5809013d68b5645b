"""Exports of a plan: a calendar file (.ics), a CSV, and a printable page.

Every function takes a plan in its JSON shape (``Plan.to_dict()``, which is
also what the page keeps in ``st.session_state["plan"]``) or a `Plan`, so the
page, the command line and other pages can all export the same way. Nothing
here reaches the network: the printable page has no external fonts, images or
scripts.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Iterator, Mapping
from typing import Any

import icalendar

from backcare.engine.wording import triage_text
from backcare.planner.model import Plan, planner_text

PRODID = "-//BackCare//Exercise plan//EN"
UID_DOMAIN = "backcare.local"
CATEGORY_ORDER = ("aerobic", "strength", "balance", "flexibility", "relaxation")
CSV_COLUMNS = ("week", "date", "exercise_id", "name", "category", "dose", "minutes", "minimum_day")


def _as_dict(plan: Plan | Mapping[str, Any]) -> Mapping[str, Any]:
    return plan.to_dict() if isinstance(plan, Plan) else plan


def _words(key: str, **values: Any) -> str:
    return str(planner_text()["export"][key]).format(**values)


def sessions(plan: Plan | Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Every session of the plan with its week number, in date order."""
    for week in _as_dict(plan).get("weeks", []):
        for session in week["sessions"]:
            yield week["week"], session


def _line(ex: Mapping[str, Any]) -> str:
    return f"{ex['name']}: {ex['dose']}"


def session_description(session: Mapping[str, Any]) -> str:
    """Plain text for a calendar event: the exercises, then the bad-day version."""
    lines = [f"- {_line(ex)}" for ex in session["exercises"]]
    minimum = session.get("minimum_day", {}).get("exercises", [])
    if minimum:
        lines += ["", _words("bad_day"), *(f"- {_line(ex)}" for ex in minimum)]
    return "\n".join(lines)


def to_ics(plan: Plan | Mapping[str, Any], stamp: dt.datetime | None = None) -> bytes:
    """A calendar with one all-day event per session (RFC 5545, via icalendar).

    ``stamp`` is the DTSTAMP of every event (now, in UTC, unless given).
    """
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _words("title"))
    for number, (week, session) in enumerate(sessions(plan), start=1):
        day = dt.date.fromisoformat(session["date"])
        event = icalendar.Event()
        event.add("uid", f"{day.isoformat()}-{number}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", _words("event_summary", minutes=session["minutes"]))
        event.add("description", f"{_words('week', week=week)}\n{session_description(session)}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def to_csv(plan: Plan | Mapping[str, Any]) -> str:
    """One row per exercise of every session; ``minimum_day`` marks the bad-day rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for week, session in sessions(plan):
        rows = [(ex, "no") for ex in session["exercises"]]
        rows += [(ex, "yes") for ex in session.get("minimum_day", {}).get("exercises", [])]
        for ex, minimum in rows:
            writer.writerow(
                (
                    week,
                    session["date"],
                    ex["id"],
                    ex["name"],
                    ex["category"],
                    ex["dose"],
                    ex["minutes"],
                    minimum,
                )
            )
    return out.getvalue()


def weekly_minutes(plan: Plan | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Minutes per week per category (long format), for the page's chart."""
    totals: dict[tuple[int, str], int] = {}
    for week, session in sessions(plan):
        for ex in session["exercises"]:
            key = (week, ex["category"])
            totals[key] = totals.get(key, 0) + ex["minutes"]
    weeks = sorted({w for w, _ in totals})
    return [
        {"week": w, "category": c, "minutes": totals.get((w, c), 0)}
        for w in weeks
        for c in CATEGORY_ORDER
    ]


def to_markdown(plan: Plan | Mapping[str, Any]) -> str:
    """The plan as Markdown: notes, each week's sessions, and what was left out."""
    data = _as_dict(plan)
    lines = [f"# {_words('title')}", "", f"*{triage_text().not_a_diagnosis}*", ""]
    for week in data.get("weeks", []):
        lines += [f"## {_words('week', week=week['week'])}", ""]
        for session in week["sessions"]:
            lines.append(f"**{session['date']}** ({session['minutes']} min)")
            lines += [f"- {_line(ex)}" for ex in session["exercises"]]
            lines.append("")
    if data.get("left_out"):
        lines += [f"## {_words('left_out_title')}", ""]
        lines += [f"- **{x.get('name', x['id'])}**: {x['why']}" for x in data["left_out"]]
        lines.append("")
    if data.get("notes"):
        lines += [f"## {_words('notes_title')}", "", *(f"- {n}" for n in data["notes"]), ""]
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 1rem auto; padding: 0 1rem;
       color: #111; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #999; }
.session { break-inside: avoid; margin: 0.5rem 0 1rem; }
.bad-day { color: #444; font-size: 0.9rem; }
.note { border-left: 4px solid #c60; padding-left: 0.6rem; }
@media print { body { margin: 0; } h2 { break-after: avoid; } }
"""


def _li(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _session_html(session: Mapping[str, Any]) -> str:
    minimum = session.get("minimum_day", {}).get("exercises", [])
    return (
        f'<div class="session"><strong>{html.escape(session["date"])}</strong> '
        f"({int(session['minutes'])} min)"
        + _li([_line(ex) for ex in session["exercises"]])
        + (
            f'<div class="bad-day">{html.escape(_words("bad_day"))}'
            + _li([_line(ex) for ex in minimum])
            + "</div>"
            if minimum
            else ""
        )
        + "</div>"
    )


def to_html(plan: Plan | Mapping[str, Any]) -> str:
    """A self-contained printable page (no external files). All text is escaped."""
    data = _as_dict(plan)
    title = html.escape(_words("title"))
    parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>',
        f"<style>{_CSS}</style></head><body><h1>{title}</h1>",
        f'<p class="note">{html.escape(triage_text().not_a_diagnosis)}</p>',
    ]
    if data.get("notes"):
        parts.append(f"<h2>{html.escape(_words('notes_title'))}</h2>" + _li(list(data["notes"])))
    for week in data.get("weeks", []):
        parts.append(f"<h2>{html.escape(_words('week', week=week['week']))}</h2>")
        parts += [_session_html(s) for s in week["sessions"]]
    if data.get("left_out"):
        parts.append(f"<h2>{html.escape(_words('left_out_title'))}</h2>")
        parts.append(_li([f"{x.get('name', x['id'])}: {x['why']}" for x in data["left_out"]]))
    parts.append("</body></html>")
    return "\n".join(parts)
