"""The questionnaire as data: wording from `data/questionnaire.yaml`, checked
against the answers contract (`answers.FIELDS`).

The pages and the docs render from `load()`; the contract decides what is
valid. `check()` lists every way the file disagrees with the contract, so a
clinician who edits the wording gets a clear message, and the tests fail,
before a person ever sees a broken question.

Two ways of asking exist on top of one question per answer key:

* a **checklist** ("Do any of these apply?") shows several yes/no keys, and the
  values of list keys, as tick boxes on one screen, so that the rarer signs
  cost one tap on the common path instead of one tap each;
* a list (multi-choice) question with a ``none`` label lets a person say
  "none of these", which records an empty list.

In both, a box left unticked is "no" only when the person also ticks "None of
these" (or "None of the others"); otherwise it stays unanswered, so a missing
answer never turns into "no" on its own (spec section 1). `checklist_answers`
and `checklist_ticked` are the pure mapping a page uses both ways.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from backcare.engine.answers import FIELD_BY_KEY, FIELDS, Kind
from backcare.engine.triage import SAFETY_KEYS
from backcare.engine.wording import ContentError, load_yaml

QUESTION_FIELDS = {"text", "help", "choices", "yes", "no", "unit", "show_if", "tick", "none"}
CHECKLIST_FIELDS = {"text", "help", "none", "others", "items"}
CHECKLIST_NEEDS = ("text", "none", "others", "items")

#: show_if tests written as ``key: {op: limit}``. Unlike the list form
#: (``key: [values]``, a follow-up that waits for its parent answer), these
#: exclude a question only once the answer is known: while the answer is
#: missing the question is asked, because asking too much is safer than
#: skipping a question that may apply (e.g. pregnancy before sex is given).
NUMBER_TESTS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "at_most": (operator.le, "{limit:g} or less"),
    "at_least": (operator.ge, "{limit:g} or more"),
    "more_than": (operator.gt, "more than {limit:g}"),
    "less_than": (operator.lt, "less than {limit:g}"),
}
SHOW_IF_OPS = ("in", "not", *NUMBER_TESTS)

Answer = bool | tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """One show_if test on an earlier answer."""

    key: str
    op: str
    values: tuple[str, ...] = ()
    limit: float = 0

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the test passes; a missing answer passes every test but ``in``.

        A number test on something that is not a number (answers not yet
        validated) counts as missing, so the question is asked, never crashed on.
        """
        value = answers.get(self.key)
        if self.op in NUMBER_TESTS and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            value = None
        if value is None:
            return self.op != "in"
        if self.op == "in":
            return value in self.values
        if self.op == "not":
            return value not in self.values
        return NUMBER_TESTS[self.op][0](value, self.limit)

    def describe(self) -> str:
        """The test in words, for the generated docs."""
        if self.op == "in":
            return f"`{self.key}` is {' or '.join(self.values)}"
        if self.op == "not":
            said = f"`{self.key}` is not {' or '.join(self.values)}"
        else:
            said = f"`{self.key}` is " + NUMBER_TESTS[self.op][1].format(limit=self.limit)
        return f"{said} (or not answered yet)"


@dataclass(frozen=True)
class Question:
    """One question: the contract's field plus our wording for it."""

    key: str
    kind: Kind
    text: str
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    yes: str = "Yes"
    no: str = "No"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    show_if: tuple[Condition, ...] = ()
    #: Used by an emergency or urgent rule (derived from the rules, not the file).
    safety: bool = False
    required: bool = False
    #: The tick-box label when this yes/no question is shown in a checklist.
    tick: str = ""
    #: For a list question: the label of the "None of these" box ("" = not offered).
    none: str = ""
    #: The id of the checklist that shows this question ("" = asked on its own).
    checklist: str = ""

    def label(self, value: Any) -> str:
        """The plain label for one answer value (lists joined with commas)."""
        if value is None:
            return "Not answered"
        if self.kind is Kind.BOOL:
            return self.yes if value else self.no
        labels = dict(self.choices)
        if self.kind is Kind.MULTI:
            return ", ".join(labels.get(v, v) for v in value) or self.none or "None of these"
        if self.kind is Kind.CHOICE:
            return labels.get(value, str(value))
        return f"{value:g} {self.unit}".strip()

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Whether to ask this question, given the answers so far."""
        return all(c.holds(answers) for c in self.show_if)


@dataclass(frozen=True)
class Tick:
    """One tick box of a checklist or list question.

    ``id`` is the answer key for a yes/no key, and ``key.value`` for one value
    of a list key (e.g. ``urine_symptoms.blood``): unique within a checklist.
    """

    id: str
    key: str
    value: str | None
    label: str
    #: Shown in small print under the box (the yes/no question's help).
    note: str = ""


@dataclass(frozen=True)
class Checklist:
    """Several yes/no keys (and list-key values) as tick boxes on one screen."""

    id: str
    text: str
    help: str
    #: The confirming box while nothing is ticked ("None of these").
    none_label: str
    #: The same box once something is ticked ("None of the others").
    others_label: str
    members: tuple[Question, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(q.key for q in self.members)

    def shown(self, answers: Mapping[str, Any] | None) -> tuple[Question, ...]:
        """The members to show given the answers so far (all when answers is None)."""
        if answers is None:
            return self.members
        return tuple(q for q in self.members if q.applies(answers))

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Show the checklist while at least one of its members applies."""
        return bool(self.shown(answers))


#: What a page shows, in order: a question on its own, or a checklist.
Item = Question | Checklist


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    intro: str
    #: Every question of the step in order, checklist members in place. Use
    #: this for answers (required, prune, quotes); use `items` to draw the page.
    questions: tuple[Question, ...]
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    steps: tuple[Step, ...]

    @property
    def questions(self) -> dict[str, Question]:
        return {q.key: q for s in self.steps for q in s.questions}

    @property
    def checklists(self) -> dict[str, Checklist]:
        return {i.id: i for s in self.steps for i in s.items if isinstance(i, Checklist)}

    def item_of(self, key: str) -> Item:
        """What a page draws to ask ``key`` in its step: its checklist, or the question."""
        question = self.questions[key]
        return self.checklists[question.checklist] if question.checklist else question

    def items_for(self, keys: Collection[str]) -> tuple[Item, ...]:
        """What to draw to ask just these keys (e.g. the open safety questions).

        Keys keep the questionnaire's order. Keys of one checklist stay together
        as that checklist narrowed to them, so the gate after the last step costs
        one tap per checklist, not one per key; a lone key is asked on its own.
        """
        asked = set(keys)
        wanted = [k for k in self.questions if k in asked]
        items: list[Item] = []
        for key in wanted:
            item = self.item_of(key)
            if isinstance(item, Checklist):
                members = tuple(q for q in item.members if q.key in wanted)
                if len(members) == 1:
                    item = members[0]
                elif item.id in {i.id for i in items if isinstance(i, Checklist)}:
                    continue
                else:
                    item = replace(item, members=members)
            items.append(item)
        return tuple(items)

    def step_of(self, key: str) -> Step:
        return next(s for s in self.steps if any(q.key == key for q in s.questions))

    def applicable(self, answers: Mapping[str, Any]) -> tuple[str, ...]:
        """The keys to ask, in order, given the answers so far."""
        return tuple(k for k, q in self.questions.items() if q.applies(answers))

    def prune(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Drop answers to questions that no longer apply (e.g. leg details after "no leg pain")."""
        questions = self.questions
        return {
            k: v for k, v in answers.items() if k not in questions or questions[k].applies(answers)
        }


# --- tick boxes: the pure mapping between boxes and answers --------------------


def _members(item: Item, answers: Mapping[str, Any] | None) -> tuple[Question, ...]:
    if isinstance(item, Checklist):
        return item.shown(answers)
    if item.kind is not Kind.MULTI:
        raise ValueError(f"{item.key}: only a checklist or a list question has tick boxes")
    return (item,)


def _ticks_of(q: Question) -> tuple[Tick, ...]:
    if q.kind is Kind.BOOL:
        return (Tick(q.key, q.key, None, q.tick or q.text, q.help),)
    return tuple(Tick(f"{q.key}.{v}", q.key, v, label) for v, label in q.choices)


def ticks(item: Item, answers: Mapping[str, Any] | None = None) -> tuple[Tick, ...]:
    """The boxes to show, in order (members that do not apply are left out)."""
    return tuple(t for q in _members(item, answers) for t in _ticks_of(q))


def none_text(item: Item, ticked: Collection[str]) -> str:
    """The label of the confirming box: "None of these", or "None of the others"."""
    if isinstance(item, Checklist):
        return item.others_label if ticked else item.none_label
    return item.none or "None of these"


def checklist_answers(
    item: Item,
    ticked: Collection[str],
    none_apply: bool,
    answers: Mapping[str, Any] | None = None,
) -> dict[str, Answer]:
    """Turn ticked boxes into answers.

    A ticked yes/no key is True; an unticked one is False only when
    ``none_apply`` (the person ticked "None of these / of the others"),
    otherwise it is left out: not answered. A list key holds its ticked
    values; with none ticked it is ``()`` only when ``none_apply``. Keys of
    the item missing from the result are unanswered: the page removes them.
    Pass the answers so far so members that do not apply are left out.
    """
    known = {t.id for t in ticks(item)}
    unknown = sorted(set(ticked) - known)
    if unknown:
        raise ValueError(f"{_item_id(item)}: unknown tick boxes {unknown}")
    result: dict[str, Answer] = {}
    for q in _members(item, answers):
        if q.kind is Kind.BOOL:
            if q.key in ticked or none_apply:
                result[q.key] = q.key in ticked
            continue
        values = tuple(v for v, _ in q.choices if f"{q.key}.{v}" in ticked)
        if values or none_apply:
            result[q.key] = values
    return result


def checklist_ticked(item: Item, answers: Mapping[str, Any]) -> tuple[frozenset[str], bool]:
    """The inverse of `checklist_answers`: which boxes to show ticked, and the "none" box.

    The "none" box is ticked only when every shown member is answered and at
    least one answer is a recorded "no" (False or an empty list). A partial
    set of "no" answers (e.g. one given alone, later) cannot be shown as
    ticks, so it is shown unticked; the page then drops it and asks it again,
    which is safe (a missing answer is never read as "no").
    """
    members = _members(item, answers)
    ticked = frozenset(t.id for q in members for t in _ticks_of(q) if _is_ticked(t, answers))
    said_no = any(_is_no(answers.get(q.key)) for q in members)
    decided = all(answers.get(q.key) is not None for q in members)
    return ticked, decided and said_no


def _is_ticked(tick: Tick, answers: Mapping[str, Any]) -> bool:
    value = answers.get(tick.key)
    if tick.value is None:
        return value is True
    return isinstance(value, list | tuple) and tick.value in value


def _is_no(value: Any) -> bool:
    """A recorded "no": False, or an empty list (pages may store lists, not tuples)."""
    return value is False or (isinstance(value, list | tuple) and not value)


def _item_id(item: Item) -> str:
    return item.id if isinstance(item, Checklist) else item.key


# --- checking the file against the contract -----------------------------------


def _entries(raw: dict[str, Any]) -> list[str]:
    return [
        e
        for s in raw["steps"]
        if isinstance(s, dict) and isinstance(s.get("questions"), list)
        for e in s["questions"]
    ]


def _checklists(raw: dict[str, Any]) -> dict[str, Any]:
    found = raw.get("checklists") or {}
    return found if isinstance(found, dict) else {}


def _listed(raw: dict[str, Any]) -> list[str]:
    """Every answer key in the order asked, checklist ids expanded into their items."""
    checklists = _checklists(raw)
    listed: list[str] = []
    for entry in _entries(raw):
        spec = checklists.get(entry) if isinstance(entry, str) else None
        items = spec.get("items") if isinstance(spec, dict) else None
        listed += [str(k) for k in items] if isinstance(items, list) else [str(entry)]
    return listed


def _check_show_if(key: str, spec: dict[str, Any], listed: list[str]) -> list[str]:
    show_if = spec.get("show_if") or {}
    if not isinstance(show_if, dict):
        return [f"{key}: show_if must map answer keys to tests"]
    problems = []
    for dep, test in show_if.items():
        problem = _show_if_problem(dep, test)
        if problem:
            problems.append(f"{key}: show_if {dep}: {problem}")
        elif key in listed and dep in listed and listed.index(dep) > listed.index(key):
            problems.append(f"{key}: show_if depends on {dep}, which is asked later")
    return problems


def _show_if_problem(dep: str, test: Any) -> str:
    """What is wrong with one show_if test ("" when it is fine)."""
    field = FIELD_BY_KEY.get(dep)
    if field is None:
        return "is not an answer key"
    if isinstance(test, list):
        test = {"in": test}
    if not isinstance(test, dict) or len(test) != 1:
        return f"needs a list of values or one of {list(SHOW_IF_OPS)}"
    ((op, arg),) = test.items()
    if op in ("in", "not"):
        if field.kind is not Kind.CHOICE:
            return f"'{op}' needs a single-choice key"
        if not isinstance(arg, list) or not arg or not set(arg) <= set(field.choices):
            return f"unknown value in {arg}; allowed: {list(field.choices)}"
        return ""
    if op not in NUMBER_TESTS:
        return f"unknown test '{op}'; use a list of values or one of {list(SHOW_IF_OPS)}"
    if field.kind not in (Kind.INTEGER, Kind.NUMBER):
        return f"'{op}' needs a number key"
    if isinstance(arg, bool) or not isinstance(arg, int | float):
        return f"'{op}' needs a number, got {arg!r}"
    return ""


def _check_question(key: str, spec: Any, members: dict[str, str]) -> list[str]:
    field = FIELD_BY_KEY.get(key)
    if field is None:
        return [f"{key}: is not an answer key of the contract"]
    if not isinstance(spec, dict) or not spec.get("text"):
        return [f"{key}: needs a 'text'"]
    problems = []
    extra = set(spec) - QUESTION_FIELDS
    if extra:
        problems.append(f"{key}: unknown fields {sorted(extra)}")
    if field.kind in (Kind.CHOICE, Kind.MULTI):
        choices = spec.get("choices")
        given = tuple(choices.keys()) if isinstance(choices, dict) else ()
        if set(given) != set(field.choices):
            problems.append(f"{key}: choices must be exactly {list(field.choices)}")
    elif "choices" in spec:
        problems.append(f"{key}: a {field.kind.value} question takes no choices")
    in_list = key in members
    if "tick" in spec and not (in_list and field.kind is Kind.BOOL):
        problems.append(f"{key}: 'tick' is only for a yes/no question in a checklist")
    if in_list and field.kind is Kind.BOOL and not spec.get("tick"):
        problems.append(f"{key}: is in checklist {members[key]}, so it needs a 'tick' label")
    if "none" in spec and field.kind is not Kind.MULTI:
        problems.append(f"{key}: 'none' is only for a list (multi-choice) question")
    if in_list and field.kind is Kind.MULTI and not spec.get("none"):
        problems.append(f"{key}: is in checklist {members[key]}, so it needs a 'none' label")
    return problems


def _check_checklist(cid: str, spec: Any, entries: list[str]) -> list[str]:
    if cid in FIELD_BY_KEY:
        return [f"{cid}: a checklist id must not be an answer key"]
    if not isinstance(spec, dict):
        return [f"{cid}: a checklist needs {list(CHECKLIST_NEEDS)}"]
    problems = [f"{cid}: checklist needs a '{f}'" for f in CHECKLIST_NEEDS if not spec.get(f)]
    extra = set(spec) - CHECKLIST_FIELDS
    if extra:
        problems.append(f"{cid}: unknown fields {sorted(extra)}")
    if entries.count(cid) != 1:
        problems.append(
            f"{cid}: checklist must appear in exactly one step (found {entries.count(cid)})"
        )
    items = spec.get("items")
    if not isinstance(items, list) or len(items) < 2:
        return [*problems, f"{cid}: checklist needs 'items', a list of 2 or more answer keys"]
    for key in items:
        field = FIELD_BY_KEY.get(key)
        if field is None or field.kind not in (Kind.BOOL, Kind.MULTI):
            problems.append(f"{cid}: item {key} must be a yes/no or list answer key")
    return problems


def _members_of(raw: dict[str, Any]) -> dict[str, str]:
    """Answer key -> the checklist that lists it."""
    return {
        key: cid
        for cid, spec in _checklists(raw).items()
        if isinstance(spec, dict) and isinstance(spec.get("items"), list)
        for key in spec["items"]
        if isinstance(key, str)
    }


def check(raw: Any) -> list[str]:
    """Every disagreement between a questionnaire file and the contract."""
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        return ["the file needs 'steps' (a list) and 'questions' (a mapping)"]
    questions = raw.get("questions") or {}
    if not isinstance(questions, dict):
        return ["'questions' must map answer keys to their wording"]
    if not isinstance(raw.get("checklists") or {}, dict):
        return ["'checklists' must map checklist ids to their wording"]
    problems = [
        f"step {n}: needs an 'id', a 'title' and 'questions' (a list)"
        for n, s in enumerate(raw["steps"], start=1)
        if not isinstance(s, dict)
        or not s.get("id")
        or not s.get("title")
        or not isinstance(s.get("questions"), list)
    ]
    entries = _entries(raw)
    listed = _listed(raw)
    for entry in entries:
        if not isinstance(entry, str) or (
            entry not in FIELD_BY_KEY and entry not in _checklists(raw)
        ):
            problems.append(f"{entry}: a step lists it, but it is no answer key or checklist")
    for key in FIELD_BY_KEY:
        if listed.count(key) != 1:
            problems.append(f"{key}: must appear in exactly one step (found {listed.count(key)})")
        if key not in questions:
            problems.append(f"{key}: has no wording in 'questions'")
    for cid, spec in _checklists(raw).items():
        problems += _check_checklist(str(cid), spec, entries)
    members = _members_of(raw)
    for key, spec in questions.items():
        found = _check_question(key, spec, members)
        problems += found or _check_show_if(key, spec, listed)
    return problems


# --- loading ------------------------------------------------------------------


def _condition(key: str, test: Any) -> Condition:
    if isinstance(test, list):
        return Condition(key, "in", values=tuple(test))
    ((op, arg),) = test.items()
    if op == "not":
        return Condition(key, "not", values=tuple(arg))
    return Condition(key, op, limit=arg)


def _question(key: str, spec: dict[str, Any], checklist: str) -> Question:
    field = FIELD_BY_KEY[key]
    labels = spec.get("choices") or {}
    return Question(
        key=key,
        kind=field.kind,
        text=spec["text"].strip(),
        help=(spec.get("help") or "").strip(),
        choices=tuple((c, str(labels[c])) for c in field.choices) if labels else (),
        yes=spec.get("yes", "Yes"),
        no=spec.get("no", "No"),
        unit=spec.get("unit", ""),
        minimum=field.minimum,
        maximum=field.maximum,
        show_if=tuple(_condition(k, t) for k, t in (spec.get("show_if") or {}).items()),
        safety=key in SAFETY_KEYS,
        required=field.required,
        tick=(spec.get("tick") or "").strip(),
        none=(spec.get("none") or "").strip(),
        checklist=checklist,
    )


def _item(entry: str, raw: dict[str, Any]) -> Item:
    questions = raw["questions"]
    spec = _checklists(raw).get(entry)
    if spec is None:
        return _question(entry, questions[entry], "")
    return Checklist(
        id=entry,
        text=spec["text"].strip(),
        help=(spec.get("help") or "").strip(),
        none_label=spec["none"].strip(),
        others_label=spec["others"].strip(),
        members=tuple(_question(k, questions[k], entry) for k in spec["items"]),
    )


def _step(spec: dict[str, Any], raw: dict[str, Any]) -> Step:
    items = tuple(_item(e, raw) for e in spec["questions"])
    flat = tuple(q for i in items for q in (i.members if isinstance(i, Checklist) else (i,)))
    return Step(
        id=spec["id"],
        title=spec["title"],
        intro=(spec.get("intro") or "").strip(),
        questions=flat,
        items=items,
    )


@cache
def load() -> Questionnaire:
    """Load and check `data/questionnaire.yaml`; raise `ContentError` listing every problem."""
    raw = load_yaml("questionnaire.yaml")
    problems = check(raw)
    if problems:
        raise ContentError("data/questionnaire.yaml: " + "; ".join(problems))
    return Questionnaire(tuple(_step(s, raw) for s in raw["steps"]))


__all__ = [
    "FIELDS",
    "Checklist",
    "Condition",
    "Item",
    "Question",
    "Questionnaire",
    "Step",
    "Tick",
    "check",
    "checklist_answers",
    "checklist_ticked",
    "load",
    "none_text",
    "ticks",
]
