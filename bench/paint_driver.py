"""The browser side of figure 7: walk the symptom check and time clicks in the page.

The driver walks the questionnaire generically, because the steps change as
the app grows: on each step it answers every shown question with a safe
self-care answer ("No", a "none" choice, else the first option of a radio; a
fixed age and duration; the "None of these" box of a checklist or list; the
first choice of a list without one; other boxes and sliders are left alone),
then presses the step's forward button (a button whose key says next, finish or
result; else one whose label is in ``data/pages.yaml``; else the one primary
button). It knows questions by their text in ``data/questionnaire.yaml``, the
result banner by the level titles in ``data/triage.yaml``, and widgets by the
``data-testid`` attributes and ``st-key-<key>`` classes Streamlit renders.

Timing happens in the page (``bench/paint_probe.js``) with the browser's clock.
When the app cannot be walked, `WalkError` says where and why, with the last
error line of the server's log.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench import servers
from bench.stats import ROOT

PROBE = Path(__file__).with_name("paint_probe.js")
#: The reference: one button; each click adds a new element ("hello 1", "hello 2"...).
HELLO = """import streamlit as st

if "clicks" not in st.session_state:
    st.session_state.clicks = 0


def _click():
    st.session_state.clicks += 1


st.button("Next", type="primary", on_click=_click)
for i in range(st.session_state.clicks):
    st.write(f"hello {i + 1}")
"""
MAIN = '[data-testid="stMain"]'
#: Where question texts show: a Markdown block or a widget label.
QUESTION_SELECTOR = (
    f'{MAIN} [data-testid="stMarkdownContainer"], {MAIN} [data-testid="stWidgetLabel"]'
)
#: The level banner: a heading inside an alert of the main area.
BANNER_SELECTOR = ", ".join(f'{MAIN} [data-testid="stAlert"] {h}' for h in ("h1", "h2", "h3", "h4"))
HELLO_SELECTOR = f'{MAIN} [data-testid="stMarkdownContainer"]'
#: A page is ready (or broken): no script running, and a question and a primary button
#: shown; or an exception box.
OPENED_JS = """([selector, texts]) => {
  if (document.querySelector('[data-testid="stException"]')) return true;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const shown = [...document.querySelectorAll(selector)].some(
    (e) => texts.includes(e.textContent.trim()) && e.checkVisibility());
  return shown && !!document.querySelector(
    '[data-testid="stMain"] [data-testid="stBaseButton-primary"]');
}"""
#: Safe answers to number questions by answer key; other numbers get their smallest value.
SAFE_NUMBERS = {"age": 40, "duration_weeks": 2}
#: Choice values read as "nothing wrong", best first; otherwise the first option.
SAFE_VALUES = ("none", "no", "never", "not_at_all")
#: Bounds on waits; nothing is judged by them.
WAIT_MS = 60_000
RUN_START_MS = 1_000
GIVE_UP_MS = 3_000
#: How long no script may run before the page counts as settled.
QUIET_MS = 300
QUIET_AFTER_OPEN_MS = 1_000


class WalkError(RuntimeError):
    """The driver could not walk the symptom check; the message says where and why."""


@dataclass(frozen=True)
class Wording:
    """The words the driver looks for, read from the app's ``data/`` folder."""

    step_titles: tuple[str, ...]
    questions: dict[str, dict[str, Any]]  # answer key -> its YAML entry
    step_of_text: dict[str, int]  # question text -> index of its step
    banner_titles: tuple[str, ...]
    gate_title: str
    emergency_title: str
    button_labels: tuple[str, ...]  # labels of the check's buttons, when data has them
    none_labels: frozenset[str]  # "None of these" boxes of list questions and checklists

    @property
    def question_texts(self) -> tuple[str, ...]:
        return tuple(self.step_of_text)

    def question_for(self, key: str, label: str) -> dict[str, Any] | None:
        """The question behind a widget: by its label text, else by its widget key."""
        for entry in self.questions.values():
            if entry.get("text") == label:
                return entry
        matches = [k for k in self.questions if key == k or key.endswith("_" + k)]
        return self.questions[max(matches, key=len)] if matches else None


def _yaml(root: Path, name: str) -> dict[str, Any]:
    path = root / "data" / name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WalkError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise WalkError(f"{path} is not a mapping")
    return raw


def load_wording(root: Path = ROOT) -> Wording:
    """Question texts, level titles and page words from ``root/data``."""
    quest, triage, pages = (
        _yaml(root, n) for n in ("questionnaire.yaml", "triage.yaml", "pages.yaml")
    )
    questions = {
        k: {"key": k, **v} for k, v in (quest.get("questions") or {}).items() if isinstance(v, dict)
    }
    checklists = {k: v for k, v in (quest.get("checklists") or {}).items() if isinstance(v, dict)}
    steps = [s for s in quest.get("steps") or [] if isinstance(s, dict)]
    step_of_text: dict[str, int] = {}
    for i, step in enumerate(steps):
        for key in step.get("questions") or []:
            text = (questions.get(key) or checklists.get(key) or {}).get("text")
            if isinstance(text, str):
                step_of_text[text] = i
    none_labels = frozenset(
        str(entry["none"])
        for entry in [*questions.values(), *checklists.values()]
        if isinstance(entry, dict) and isinstance(entry.get("none"), str)
    )
    check = pages.get("check") or {}
    labels = tuple(
        str(v)
        for k, v in check.items()
        if re.search(r"next|finish|result|button", k) and isinstance(v, str) and len(v) < 40
    )
    return Wording(
        step_titles=tuple(str(s.get("title", "")) for s in steps),
        questions=questions,
        step_of_text=step_of_text,
        banner_titles=tuple(
            str(v.get("title"))
            for v in (triage.get("levels") or {}).values()
            if isinstance(v, dict)
        ),
        gate_title=str(check.get("gate_title", "")),
        emergency_title=str((pages.get("emergency") or {}).get("title", "")),
        button_labels=labels,
        none_labels=none_labels,
    )


def safe_option(options: list[str], question: dict[str, Any] | None) -> int:
    """Which option to pick: the question's "no" or "none"-like answer, else the first."""
    preferred: list[str] = []
    if question:
        choices = question.get("choices") or {}
        preferred += [str(choices[v]) for v in SAFE_VALUES if v in choices]
        if not choices:
            preferred.append(str(question.get("no", "No")))
    preferred += ["No", "None"]
    for label in preferred:
        if label in options:
            return options.index(label)
    return 0


@dataclass(frozen=True)
class Click:
    """One timed click: ms to the element seen and to it painted, and what showed."""

    seen_ms: float
    painted_ms: float
    tag: str
    text: str


@dataclass
class Walk:
    """What one walk through the symptom check measured."""

    nexts: list[tuple[str, str, Click]] = field(default_factory=list)  # from, to, click
    result: Click | None = None
    gates: int = 0
    log: list[str] = field(default_factory=list)  # each click, for error messages


def wait_idle(page, quiet_ms: int = QUIET_MS) -> None:
    """Wait until the run an action started has finished and no other run follows.

    As tests/e2e do, first wait briefly for the run to start; then for
    ``quiet_ms`` with no script running (a component may start a run of its own).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    state = "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
    page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT_MS)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"{state} === 'running'", polling="raf", timeout=RUN_START_MS)
    page.wait_for_function(
        "ms => window.__bench.quiet(ms)", arg=quiet_ms, polling=50, timeout=WAIT_MS
    )


def timed_click(page, button, targets: list[dict[str, Any]]) -> Click | None:
    """Click ``button``; the browser's time to the first target painted (None: none showed)."""
    problem = page.evaluate("spec => window.__bench.arm(spec)", {"targets": targets})
    if problem:
        raise WalkError(f"cannot time this click: the awaited element was {problem}")
    button.click()
    page.wait_for_function(
        "ms => window.__bench ? window.__bench.settled(ms) : true",
        arg=GIVE_UP_MS,
        polling=50,
        timeout=WAIT_MS,
    )
    state = page.evaluate("() => window.__benchPaint || null")
    wait_idle(page)
    if state is None:
        raise WalkError("the page reloaded after the click: the bench cannot time it")
    if state["painted"] is None:
        return None
    hit = state["hit"]
    return Click(state["seen"], state["painted"], hit["tag"], hit["text"])


class AppDriver:
    """Walks the symptom check with safe answers, timing Next and the result."""

    def __init__(self, page, wording: Wording, server: servers.Server):
        self.page = page
        self.words = wording
        self.server = server

    # --- what is on screen ------------------------------------------------

    def summary(self) -> dict[str, list[str]]:
        """Headings, alerts and exception boxes shown (empty if the page cannot say)."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            return self.page.evaluate("() => window.__bench.summary()")
        except PlaywrightError:
            return {"headings": [], "alerts": [], "exceptions": []}

    def where(self) -> str:
        """A short description of the page, for error messages."""
        s = self.summary()
        parts = [f"headings {s['headings'][:4]}"]
        if s["alerts"]:
            parts.append(f"alerts {[a[:160] for a in s['alerts'][:3]]}")
        if s["exceptions"]:
            parts.append(f"exception box {s['exceptions'][0][:100]!r}")
        return "; ".join(parts) + self.server_error()

    def server_error(self) -> str:
        """The last error line of the server's log, if the app raised one."""
        with contextlib.suppress(OSError):
            lines = self.server.log.read_text(encoding="utf-8", errors="replace").splitlines()
            errors = [ln for ln in lines if re.match(r"^[\w.]+(Error|Exception)\b", ln)]
            if errors:
                return f"; server log: {errors[-1][:400]}"
        return ""

    def shown_heading(self, text: str) -> bool:
        return bool(text) and text in self.summary()["headings"]

    def step_title(self) -> str:
        titles = [h for h in self.summary()["headings"] if h in self.words.step_titles]
        return titles[0] if titles else "?"

    # --- answering ----------------------------------------------------------

    def answer_all(self) -> None:
        """Answer every shown, unanswered question (follow-ups may appear); two tries each."""
        tries: dict[str, int] = {}
        for _ in range(200):  # a bound, far above any step's questions
            todo = [
                w
                for w in self.page.evaluate("() => window.__bench.scan()")
                if not w["answered"] and tries.get(w["key"] or w["label"], 0) < 2
            ]
            if not todo:
                return
            widget = todo[0]
            name = widget["key"] or widget["label"]
            tries[name] = tries.get(name, 0) + 1
            self.answer(widget)
        raise WalkError(f"kept finding new questions to answer; {self.where()}")

    def answer(self, widget: dict[str, Any]) -> None:
        question = self.words.question_for(widget["key"], widget["label"])
        box = self.page.locator(f'[data-bench-widget="{widget["n"]}"]')
        kind = widget["type"]
        if kind == "stRadio" and widget["options"]:
            pick = safe_option(widget["options"], question)
            box.locator('[data-testid="stRadioOption"]').nth(pick).click()
        elif kind == "stButtonGroup" and widget["options"]:
            box.locator("button").nth(safe_option(widget["options"], question)).click()
        elif kind == "stCheckbox" and widget["label"] in self.words.none_labels:
            box.locator("label").first.click()  # "None of these": a safe, complete answer
        elif kind == "stMultiSelect" and not (question or {}).get("none"):
            self.pick_first(box, question)  # a list with no "None of these" box: its first option
        elif kind == "stNumberInput":
            value = SAFE_NUMBERS.get((question or {}).get("key", ""), widget["min"])
            if value is None:
                return
            field_ = box.locator("input")
            field_.fill(f"{value:g}")
            field_.press("Enter")
        else:
            return  # other boxes, sliders, lists with a "None" box: left as they are
        wait_idle(self.page)

    def pick_first(self, box, question: dict[str, Any] | None) -> None:
        """Pick a list question's first choice in the data, as tests/e2e do: type it, Enter."""
        choices = list(((question or {}).get("choices") or {}).values())
        if not choices:
            return
        combo = box.get_by_role("combobox").first
        combo.click()
        self.page.keyboard.type(str(choices[0]))
        self.page.get_by_role("option", name=str(choices[0]), exact=True).wait_for(timeout=WAIT_MS)
        self.page.keyboard.press("Enter")
        wait_idle(self.page)
        self.page.keyboard.press("Escape")

    # --- moving on ----------------------------------------------------------

    def forward_button(self):
        """The step's forward button: by key, by its label in data, else the one primary button."""
        main = self.page.locator(MAIN)
        keyed = main.locator(
            "[class*='st-key-'][class*='next'] button, [class*='st-key-'][class*='finish'] button,"
            " [class*='st-key-'][class*='result'] button"
        ).filter(visible=True)
        if keyed.count() == 1:
            return keyed
        buttons = main.locator('[data-testid="stBaseButton-primary"]:not([disabled])').filter(
            visible=True
        )
        for label in self.words.button_labels:
            labelled = buttons.filter(has_text=label)
            if labelled.count() == 1:
                return labelled
        if buttons.count() == 1:
            return buttons
        texts = [t.strip() for t in buttons.all_inner_texts()]
        raise WalkError(f"no single forward button (primary buttons: {texts}); {self.where()}")

    def targets(self) -> list[dict[str, Any]]:
        return [
            {"tag": "banner", "selector": BANNER_SELECTOR, "texts": list(self.words.banner_titles)},
            {
                "tag": "question",
                "selector": QUESTION_SELECTOR,
                "texts": list(self.words.question_texts),
                "onlyNew": True,
            },
        ]

    def open(self, url: str) -> None:
        """Open the check; wait until a question from the data and a primary button show."""
        self.page.goto(url, wait_until="commit")
        try:
            self.page.wait_for_function(
                OPENED_JS, arg=[QUESTION_SELECTOR, list(self.words.question_texts)], timeout=WAIT_MS
            )
        except Exception as exc:
            raise WalkError(
                f"the symptom check did not show a question from the data; {self.where()}"
            ) from exc
        if self.summary()["exceptions"]:
            raise WalkError(f"the symptom check shows an error; {self.where()}")
        wait_idle(self.page, QUIET_AFTER_OPEN_MS)

    def walk(self, url: str) -> Walk:
        """Open the check, answer each step, press its button; time each click."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            return self._walk(url)
        except PlaywrightError as exc:  # a wait ran out, or the page went away
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise WalkError(f"{first_line}; {self.where()}") from exc

    def _walk(self, url: str) -> Walk:
        self.open(url)
        walk = Walk()
        stuck = 0
        for _ in range(len(self.words.step_titles) + 6):
            self.answer_all()
            before = self.step_title()
            click = timed_click(self.page, self.forward_button(), self.targets())
            shown = f"{click.tag} {click.text[:60]!r}" if click else "nothing new"
            walk.log.append(f"{before} -> {self.step_title()}: {shown}")
            if self.shown_heading(self.words.emergency_title):
                raise WalkError(f"safe answers led to the emergency screen; {self.where()}")
            if click is None:
                stuck += 1
                if stuck > 1:
                    raise WalkError(
                        f"pressing the forward button showed nothing new; {self.where()}"
                    )
                continue
            stuck = 0
            if click.tag == "banner":
                walk.result = click
                return walk
            if self.shown_heading(self.words.gate_title):
                walk.gates += 1
                continue
            walk.nexts.append((before, self.step_title(), click))
        raise WalkError(f"the walk never reached a result; {self.where()}")


def hello_clicks(page, url: str, clicks: int) -> list[Click]:
    """Open the hello app, click once untimed, then time ``clicks`` clicks."""
    page.goto(url, wait_until="commit")
    wait_idle(page)
    page.get_by_text("Next", exact=True).wait_for(timeout=WAIT_MS)
    button = page.locator(f'{MAIN} [data-testid="stBaseButton-primary"]')
    timed: list[Click] = []
    for n in range(1, clicks + 2):
        target = [{"tag": "hello", "selector": HELLO_SELECTOR, "texts": [f"hello {n}"]}]
        click = timed_click(page, button, target)
        if click is None:
            raise WalkError(f"the hello app did not show 'hello {n}'")
        if n > 1:
            timed.append(click)
    return timed
