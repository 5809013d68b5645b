"""The column interpreter: the same rule data as `assess`, over whole columns at once.

`assess` reads the triage rules (`triage.RULES`) and the pattern rules
(`patterns.PATTERN_RULES`) one answer set at a time. This module reads the very
same objects, but evaluates each condition once for a whole block of answer
sets, as numpy arrays. No rule is written here: only what each kind of
condition of `logic` means for a column (one function per kind below), and the
steps `patterns.match_all` and `triage.decide` take, done column-wise. The tests
(tests/test_engine_columns.py) check row by row that both give the same
triage, reasons (with their answers), patterns (ids, strengths, order and
answers), unanswered and open safety questions.

How answers are held (`Frame`): one array per answer key, with a third state
for "not answered" that never reads as "no":

* yes/no: int8, 1 yes, 0 no, -1 not answered;
* one choice: int16, the index of the choice in the contract, -1 not answered;
* a list: int64, one bit per choice in contract order, -1 not answered
  (0 is an answered empty list);
* numbers: float64, NaN not answered.

A condition's truth over a frame is a pair of boolean arrays (true, false);
where neither holds the answer is "cannot tell", as in `logic`.

Unlike the rest of the engine this module needs numpy (and pandas for
`assess_frame`), which the app has anyway; nothing in `assess` imports it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from backcare.engine import logic, signs
from backcare.engine.answers import (
    FIELD_BY_KEY,
    FIELDS,
    REQUIRED,
    Field,
    FieldError,
    Kind,
    ValidationError,
    validate,
)
from backcare.engine.patterns import ALIASES, PATTERN_RULES, SERIOUS_ORDER, PatternRule, rank
from backcare.engine.results import Level, PatternMatch, Strength
from backcare.engine.triage import RULES, SAFETY_KEYS

Mask = np.ndarray  # a boolean array, one item per row
Tri = tuple[Mask, Mask]  # (true, false); neither: cannot tell
Entries = list[tuple[str, Mask]]  # answer keys, each with the rows where it counts

#: Array type and "not answered" marker for each kind of answer.
DTYPES: dict[Kind, tuple[type, Any]] = {
    Kind.BOOL: (np.int8, -1),
    Kind.CHOICE: (np.int16, -1),
    Kind.MULTI: (np.int64, -1),
    Kind.INTEGER: (np.float64, math.nan),
    Kind.NUMBER: (np.float64, math.nan),
}
LEVELS: tuple[Level, ...] = tuple(sorted(Level, key=lambda lv: lv.rank))
STRENGTHS: tuple[Strength, ...] = tuple(sorted(Strength, key=lambda s: s.rank))
#: Strength codes in the pattern arrays: 0 is "does not fit".
NO_PATTERN = 0


class ColumnRuleError(TypeError):
    """A rule uses something the column interpreter cannot read (a programming error)."""


# ---- answers as columns --------------------------------------------------------------


def encode(field: Field, value: Any) -> Any:
    """One clean answer (as `validate` returns it) in its column form."""
    if field.kind is Kind.BOOL:
        return 1 if value else 0
    if field.kind is Kind.CHOICE:
        return field.choices.index(value)
    if field.kind is Kind.MULTI:
        return sum(1 << field.choices.index(v) for v in value)
    return float(value)


def _stand_in(field: Field) -> Any:
    """Some valid answer for ``field``."""
    if field.kind in (Kind.INTEGER, Kind.NUMBER):
        return field.minimum
    if field.kind is Kind.BOOL:
        return False
    return field.choices[0] if field.kind is Kind.CHOICE else []


#: A valid stand-in for each required answer, so one key can be validated alone.
_PROBE = {f.key: _stand_in(f) for f in REQUIRED}


def clean_value(field: Field, value: Any) -> tuple[Any, FieldError | None]:
    """Validate one answer exactly as `validate` would in a whole set.

    Returns (column form, None), or (None, the error `validate` names for this
    key). ``None`` is "not answered": (the missing marker, None).
    """
    if value is None:
        return DTYPES[field.kind][1], None
    try:
        clean = validate({**_PROBE, field.key: value})
    except ValidationError as exc:
        mine = [e for e in exc.errors if e.key == field.key]
        if mine:
            return None, mine[0]
        raise  # pragma: no cover - the probe itself is valid
    return encode(field, clean[field.key]), None


@dataclass(frozen=True)
class Frame:
    """A block of answer sets as columns (see the module docstring for the forms)."""

    size: int
    columns: Mapping[str, np.ndarray]

    def column(self, key: str) -> np.ndarray:
        found = self.columns.get(key)
        if found is not None:
            return found
        dtype, missing = DTYPES[FIELD_BY_KEY[key].kind]
        return np.full(self.size, missing, dtype=dtype)

    def known(self, key: str) -> Mask:
        """Rows where ``key`` was answered."""
        col = self.column(key)
        return ~np.isnan(col) if col.dtype.kind == "f" else col != -1


def _is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA (checked by name: pandas is not needed to get here)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ == "NAType"


def _cache_key(value: Any) -> Any:
    """A dict key that keeps True, 1 and 1.0 apart and accepts lists."""
    if isinstance(value, list | tuple):
        return (type(value), tuple(value))
    return (type(value), value)


def frame_from_values(
    columns: Mapping[str, Sequence[Any]], size: int
) -> tuple[Frame, list[list[FieldError]]]:
    """Answers given column by column (Python values, as in an answer set) -> a frame.

    Each distinct value of a column is validated once, exactly as `validate`
    would; ``None``, NaN and pd.NA are "not answered". Returns the frame and, per
    row, the errors `validate` would raise for that row's answer set (empty: valid).
    An unknown column name is one error for every row, as `validate` gives it.
    """
    arrays: dict[str, np.ndarray] = {}
    errors: list[list[FieldError]] = [[] for _ in range(size)]
    for key, values in columns.items():
        field = FIELD_BY_KEY.get(key)
        if field is None:
            for i, value in enumerate(values):
                if not _is_missing(value):
                    errors[i].append(FieldError(key, value, "is not a known answer key"))
            continue
        dtype, missing = DTYPES[field.kind]
        out = np.full(size, missing, dtype=dtype)
        seen: dict[Any, tuple[Any, FieldError | None]] = {}
        for i, value in enumerate(values):
            if _is_missing(value):
                continue
            try:
                cache = _cache_key(value)
                done = seen.get(cache)
            except TypeError:  # unhashable (a dict): validate it on its own
                cache, done = None, None
            if done is None:
                done = clean_value(field, value)
                if cache is not None:
                    seen[cache] = done
            encoded, error = done
            if error is None:
                out[i] = encoded
            else:
                errors[i].append(FieldError(error.key, value, error.problem))
        arrays[key] = out
    frame = Frame(size, arrays)
    for field in REQUIRED:
        absent = ~frame.known(field.key)
        for i in np.flatnonzero(absent):
            if not any(e.key == field.key for e in errors[i]):
                errors[i].append(
                    FieldError(field.key, None, f"is required; allowed: {field.allowed()}")
                )
    return frame, errors


# ---- one function per kind of condition ----------------------------------------------


def _leaf(op: logic.Op, arg: Any, field: Field, col: np.ndarray) -> Mask:
    """Where an answered value passes the test (the column form of `logic.Op`)."""
    kind = field.kind
    Op = logic.Op
    if kind is Kind.BOOL and op in (Op.TRUE, Op.NOT_TRUE):
        return (col == 1) if op is Op.TRUE else (col != 1)
    if kind is Kind.CHOICE and op in (Op.IN, Op.NOT_IN):
        codes = [i for i, c in enumerate(field.choices) if c in arg]
        inside = np.isin(col, codes)
        return inside if op is Op.IN else ~inside
    if kind is Kind.MULTI and op in (Op.HAS, Op.LACKS, Op.COUNT_AT_LEAST):
        if op is Op.COUNT_AT_LEAST:
            return np.bitwise_count(np.where(col < 0, 0, col)) >= arg
        bits = sum(1 << i for i, c in enumerate(field.choices) if c in arg)
        hit = (col & bits) != 0
        return hit if op is Op.HAS else ~hit
    if kind in (Kind.INTEGER, Kind.NUMBER):
        compare = {
            Op.AT_LEAST: np.greater_equal,
            Op.AT_MOST: np.less_equal,
            Op.ABOVE: np.greater,
            Op.BELOW: np.less,
        }.get(op)
        if compare is not None:
            with np.errstate(invalid="ignore"):
                return compare(col, arg)
    raise ColumnRuleError(f"no column form for {op.value!r} on {field.key} ({kind.value})")


class Evaluator:
    """Truth, support and open keys of conditions over one frame, each worked out once.

    ``fits`` holds the pattern columns that `logic.PatternFits` reads (set by
    `evaluate` after the patterns are matched).
    """

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.size = frame.size
        self._tri: dict[int, tuple[logic.Cond, Tri]] = {}
        self._known: dict[str, Mask] = {}
        self.fits: dict[str, Mask] = {}
        self.because: dict[str, Entries] = {}
        self.true = np.ones(self.size, dtype=bool)
        self.false = np.zeros(self.size, dtype=bool)

    def known(self, key: str) -> Mask:
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self.frame.known(key)
        return found

    # -- truth --
    def tri(self, cond: logic.Cond) -> Tri:
        done = self._tri.get(id(cond))
        if done is None:
            reader = _TRUTH.get(type(cond))
            if reader is None:
                raise ColumnRuleError(f"the column interpreter cannot read {type(cond).__name__}")
            done = self._tri[id(cond)] = (cond, reader(self, cond))
        return done[1]

    def t(self, cond: logic.Cond) -> Mask:
        return self.tri(cond)[0]

    def unknown(self, cond: logic.Cond) -> Mask:
        true, false = self.tri(cond)
        return ~(true | false)

    def _test(self, c: logic.Test) -> Tri:
        field = FIELD_BY_KEY[c.key]
        known = self.known(c.key)
        passed = _leaf(c.op, c.arg, field, self.frame.column(c.key))
        true, false = known & passed, known & ~passed
        if c.missing is True:
            true = true | ~known
        elif c.missing is False:
            false = false | ~known
        return true, false

    def _all(self, c: logic.All) -> Tri:
        parts = [self.tri(p) for p in c.parts]
        return np.logical_and.reduce([p[0] for p in parts]), np.logical_or.reduce(
            [p[1] for p in parts]
        )

    def _any(self, c: logic.Any_) -> Tri:
        parts = [self.tri(p) for p in c.parts]
        return np.logical_or.reduce([p[0] for p in parts]), np.logical_and.reduce(
            [p[1] for p in parts]
        )

    def _at_least(self, c: logic.AtLeast) -> Tri:
        parts = [self.tri(p) for p in c.parts]
        true = np.sum([p[0] for p in parts], axis=0, dtype=np.int16)
        unknown = np.sum([~(p[0] | p[1]) for p in parts], axis=0, dtype=np.int16)
        return true >= c.n, true + unknown < c.n

    def _derived(self, c: logic.Derived) -> Tri:
        known = np.logical_and.reduce([self.known(k) for k in c.inputs])
        with np.errstate(invalid="ignore"):
            passed = np.asarray(c.predicate(c.compute(*(self.frame.column(k) for k in c.inputs))))
        return known & passed, known & ~passed

    def _asked_when(self, c: logic.AskedWhen) -> Tri:
        read = self.known(c.test.key) | ~self.tri(c.when)[1]
        true, false = self.tri(c.test)
        return read & true, ~read | (read & false)

    def _quiet(self, c: logic.Quiet) -> Tri:
        return self.tri(c.cond)

    def _always(self, c: logic.Always) -> Tri:
        return self.true, self.false

    def _pattern_fits(self, c: logic.PatternFits) -> Tri:
        fits = self.fits[c.pid]
        return fits, ~fits

    # -- support: the answers that make a true condition true --
    def support(self, cond: logic.Cond) -> Entries:
        if isinstance(cond, logic.Test):
            return [(cond.key, self.known(cond.key))]
        if isinstance(cond, logic.FirstOf):
            taken = self.false
            out: Entries = []
            for p in cond.parts:
                first = self.t(p) & ~taken
                out += [(k, m & first) for k, m in self.support(p)]
                taken = taken | self.t(p)
            return out
        if isinstance(cond, logic.All):
            return [e for p in cond.parts for e in self.support(p)]
        if isinstance(cond, logic.Any_ | logic.AtLeast):
            return [(k, m & self.t(p)) for p in cond.parts for k, m in self.support(p)]
        if isinstance(cond, logic.Quiet | logic.Always):
            return []
        if isinstance(cond, logic.PatternFits):
            fits = self.fits[cond.pid]
            return [(k, m & fits) for k, m in self.because[cond.pid]]
        return [(k, self.known(k)) for k in cond.keys]

    # -- open keys: the missing answers that keep a condition undecided --
    def open_keys(self, cond: logic.Cond) -> Entries:
        if isinstance(cond, logic.Test):
            return [(cond.key, ~self.known(cond.key))] if cond.missing is None else []
        if isinstance(cond, logic.AtLeast):
            undecided = self.unknown(cond)
            return [
                (k, m & undecided & self.unknown(p))
                for p in cond.parts
                for k, m in self.open_keys(p)
            ]
        if isinstance(cond, logic.All | logic.Any_):
            undecided = self.unknown(cond)
            return [(k, m & undecided) for p in cond.parts for k, m in self.open_keys(p)]
        if isinstance(cond, logic.AskedWhen):
            return [(cond.test.key, self.unknown(cond))]
        if isinstance(cond, logic.Quiet):
            return self.open_keys(cond.cond)
        if isinstance(cond, logic.Always | logic.PatternFits):
            return []
        undecided = self.unknown(cond)
        return [(k, undecided & ~self.known(k)) for k in cond.keys]


_TRUTH: dict[type, Callable[[Evaluator, Any], Tri]] = {
    logic.Test: Evaluator._test,
    logic.All: Evaluator._all,
    logic.Any_: Evaluator._any,
    logic.FirstOf: Evaluator._any,
    logic.AtLeast: Evaluator._at_least,
    logic.Derived: Evaluator._derived,
    logic.AskedWhen: Evaluator._asked_when,
    logic.Quiet: Evaluator._quiet,
    logic.Always: Evaluator._always,
    logic.PatternFits: Evaluator._pattern_fits,
}


# ---- patterns and triage, column-wise --------------------------------------------------


def _match(ev: Evaluator, rule: PatternRule, explain: bool) -> tuple[np.ndarray, Entries]:
    """The column form of `PatternRule.match`: strength codes (0: no fit) and answers."""
    when = ev.t(rule.when)
    strength = np.zeros(ev.size, dtype=np.int8)
    tier_of = np.full(ev.size, -1, dtype=np.int8)
    for i, (cond, level) in enumerate(rule.tiers):
        chosen = when & ev.t(cond) & (strength == NO_PATTERN)
        strength[chosen] = level.rank + 1
        tier_of[chosen] = i
    for lift in rule.raises:
        up = (strength != NO_PATTERN) & ev.t(lift)
        strength[up] = np.minimum(strength[up] + 1, len(STRENGTHS))
    entries: Entries = []
    if explain:
        if rule.because is None:
            for i, (cond, _) in enumerate(rule.tiers):
                entries += [(k, m & (tier_of == i)) for k, m in ev.support(cond)]
        else:
            entries = [(k, m & ev.t(c)) for c in rule.because for k, m in ev.support(c)]
    return strength, entries


def _patterns(ev: Evaluator, explain: bool) -> dict[str, np.ndarray]:
    """The column form of `patterns.match_all` (before ranking)."""
    hits: dict[str, np.ndarray] = {}
    because: dict[str, Entries] = {}
    for rule in PATTERN_RULES:
        if not rule.fallback:
            hits[rule.id], because[rule.id] = _match(ev, rule, explain)
    found: dict[str, np.ndarray] = {}
    for rule in PATTERN_RULES:
        if rule.fallback:
            continue
        blocked = [hits[u] != NO_PATTERN for u in rule.unless if u in hits]
        keep = ~np.logical_or.reduce(blocked) if blocked else ev.true
        found[rule.id] = np.where(keep, hits[rule.id], NO_PATTERN).astype(np.int8)
    for alias in ALIASES:
        shown = (hits[alias.of] != NO_PATTERN) & ev.t(alias.when)
        found[alias.id] = np.where(shown, hits[alias.of], NO_PATTERN).astype(np.int8)
        because[alias.id] = because[alias.of]
    plain = [s != NO_PATTERN for pid, s in found.items() if pid not in SERIOUS_ORDER]
    none_plain = ~np.logical_or.reduce(plain) if plain else ev.true
    for rule in PATTERN_RULES:
        if rule.fallback:
            strength, because[rule.id] = _match(ev, rule, explain)
            found[rule.id] = np.where(none_plain, strength, NO_PATTERN).astype(np.int8)
    ev.fits = {pid: s != NO_PATTERN for pid, s in found.items()}
    ev.because = because
    return found


@dataclass(frozen=True)
class ColumnResults:
    """What `assess` concludes, for every row of a frame at once.

    ``level``: the triage level's rank per row. ``reasons``: per triage rule, the
    rows where it is listed. ``strength``: per pattern id, 0 where it does not
    fit, else the strength's rank + 1. ``unanswered`` and ``open``: per safety
    key, the rows where it is an unanswered / open safety question. With
    ``explain`` the answers behind each reason and pattern are kept as well.
    """

    size: int
    level: np.ndarray
    reasons: dict[str, Mask]
    strength: dict[str, np.ndarray]
    unanswered: dict[str, Mask]
    open: dict[str, Mask]
    reason_because: dict[str, Entries] | None = None
    pattern_because: dict[str, Entries] | None = None

    def triage(self) -> np.ndarray:
        """The triage level of each row, as its id (``emergency`` ...), an object array."""
        names = np.array([lv.value for lv in LEVELS], dtype=object)
        return names[self.level]

    def pattern_signature(self) -> np.ndarray:
        """One number per row that says which patterns fit and how strongly
        (`decode_patterns` turns it back): rows with the same patterns share it."""
        signature = np.zeros(self.size, dtype=np.int64)
        for place, pid in enumerate(PATTERN_IDS):
            signature += self.strength[pid].astype(np.int64) << (2 * place)
        return signature

    def reason_signature(self) -> np.ndarray:
        """One number per row that says which reasons are listed (see `decode_reasons`)."""
        signature = np.zeros(self.size, dtype=np.int64)
        for place, rule in enumerate(REASON_ORDER):
            signature |= self.reasons[rule.id].astype(np.int64) << place
        return signature

    def ranked_pairs(self) -> np.ndarray:
        """Rows x `RANKED_PAIRS`: True where the row has that pattern at that strength."""
        return np.stack([self.strength[pid] == s.rank + 1 for pid, s in RANKED_PAIRS], axis=1)

    def pattern_groups(self) -> tuple[list[tuple[PatternMatch, ...]], np.ndarray]:
        """The distinct ranked pattern lists (without answers; see `row`), and for
        each row the index of its list. Work per distinct list, not per row."""
        unique, inverse = np.unique(self.pattern_signature(), return_inverse=True)
        return [decode_patterns(int(u)) for u in unique], inverse.reshape(-1)

    def reason_groups(self) -> tuple[list[tuple[str, ...]], np.ndarray]:
        """The distinct lists of reason ids (most urgent first), and each row's index."""
        unique, inverse = np.unique(self.reason_signature(), return_inverse=True)
        return [decode_reasons(int(u)) for u in unique], inverse.reshape(-1)

    def pattern_lists(self) -> list[tuple[PatternMatch, ...]]:
        """Per row, the ranked patterns (without their answers; see `row`)."""
        groups, index = self.pattern_groups()
        return [groups[i] for i in index]

    def row(self, i: int) -> RowResult:
        """Everything for one row, answers included (needs ``explain``)."""
        if self.reason_because is None or self.pattern_because is None:
            raise ValueError("evaluate(..., explain=True) keeps the answers behind each result")

        def because(entries: Entries) -> tuple[str, ...]:
            return tuple(dict.fromkeys(k for k, m in entries if m[i]))

        patterns = tuple(
            sorted(
                (
                    PatternMatch(
                        pid,
                        STRENGTHS[s[i] - 1],
                        because(self.pattern_because[pid]),
                        pid in SERIOUS_ORDER,
                    )
                    for pid, s in self.strength.items()
                    if s[i] != NO_PATTERN
                ),
                key=rank,
            )
        )
        reasons = tuple(
            (r.id, r.level, because(self.reason_because[r.id]))
            for r in REASON_ORDER
            if self.reasons[r.id][i]
        )
        return RowResult(
            triage=LEVELS[self.level[i]],
            reasons=reasons,
            patterns=patterns,
            unanswered=tuple(k for k in SAFETY_KEYS if self.unanswered[k][i]),
            open=tuple(k for k in SAFETY_KEYS if self.open[k][i]),
        )


@dataclass(frozen=True)
class RowResult:
    """One row of `ColumnResults`, in the terms of `Assessment` (for comparing)."""

    triage: Level
    reasons: tuple[tuple[str, Level, tuple[str, ...]], ...]
    patterns: tuple[PatternMatch, ...]
    unanswered: tuple[str, ...]
    open: tuple[str, ...]


#: Reasons are listed most urgent first, then in rule order (as `triage.decide` sorts).
REASON_ORDER = tuple(sorted(RULES, key=lambda r: -r.level.rank))
#: Every pattern id a result may hold: the rules' and the aliases'.
PATTERN_IDS = tuple(r.id for r in PATTERN_RULES) + tuple(a.id for a in ALIASES)
#: Every (pattern, strength) a result may hold, in the order `patterns.rank` lists
#: them: a row's ranked patterns are its pairs in this order.
RANKED_PAIRS: tuple[tuple[str, Strength], ...] = tuple(
    sorted(
        ((pid, s) for pid in PATTERN_IDS for s in STRENGTHS),
        key=lambda pair: rank(PatternMatch(pair[0], pair[1], (), pair[0] in SERIOUS_ORDER)),
    )
)
#: Signatures are 64-bit numbers: one bit per rule, two per pattern.
assert len(REASON_ORDER) < 63 and 2 * len(PATTERN_IDS) < 63, "signatures need 64 bits"


def decode_patterns(signature: int) -> tuple[PatternMatch, ...]:
    """The ranked patterns (without answers) that a pattern signature stands for."""
    found = []
    for place, pid in enumerate(PATTERN_IDS):
        code = (signature >> (2 * place)) & 3
        if code != NO_PATTERN:
            found.append(PatternMatch(pid, STRENGTHS[code - 1], (), pid in SERIOUS_ORDER))
    return tuple(sorted(found, key=rank))


def decode_reasons(signature: int) -> tuple[str, ...]:
    """The reason ids, most urgent first, that a reason signature stands for."""
    return tuple(r.id for place, r in enumerate(REASON_ORDER) if signature >> place & 1)


def evaluate(frame: Frame, explain: bool = False) -> ColumnResults:
    """Triage and patterns for every row of ``frame`` (the column form of `assess`).

    Rows whose answers were invalid should be left out by the caller (or their
    results ignored): the frame holds only what was valid.
    """
    ev = Evaluator(frame)
    strength = _patterns(ev, explain)
    hits = {r.id: ev.t(r.cond) for r in RULES}
    reasons = {}
    level = np.zeros(frame.size, dtype=np.int8)
    for r in RULES:
        blocked = [hits[u] for u in r.unless if u in hits]
        listed = hits[r.id] & ~np.logical_or.reduce(blocked) if blocked else hits[r.id]
        reasons[r.id] = listed
        level = np.where(listed & (level < r.level.rank), np.int8(r.level.rank), level)
    could_raise = {k: ev.false for k in SAFETY_KEYS}
    for r in RULES:
        higher = (level < r.level.rank) & ~hits[r.id]
        if not higher.any():
            continue
        for k, m in ev.open_keys(r.cond):
            if k in could_raise:
                could_raise[k] = could_raise[k] | (m & higher)
    unanswered = {}
    for k in SAFETY_KEYS:
        when = signs.ASKED_WHEN.get(k)
        asked = ev.true if when is None else ~ev.tri(when)[1]
        unanswered[k] = ~ev.known(k) & asked
    return ColumnResults(
        size=frame.size,
        level=level,
        reasons=reasons,
        strength=strength,
        unanswered=unanswered,
        open={k: unanswered[k] & could_raise[k] for k in SAFETY_KEYS},
        reason_because={r.id: ev.support(r.cond) for r in RULES} if explain else None,
        pattern_because=ev.because if explain else None,
    )


def answers_to_columns(answer_sets: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Answer sets (dicts) as columns, one per contract key (missing: None)."""
    sets = list(answer_sets)
    keys = [f.key for f in FIELDS]
    extra = [k for a in sets for k in a if k not in FIELD_BY_KEY]
    return {k: [a.get(k) for a in sets] for k in [*keys, *dict.fromkeys(extra)]}
