"""Small three-valued conditions that the triage and pattern rules are written in.

Each condition answers True, False or None ("cannot tell: a needed answer is
missing"). A rule fires only on True, so a missing answer is never read as
"no"; a rule that comes out None is still open, and its missing keys are the
questions worth asking next. The And/Or below follow Kleene's logic: one False
settles an And, one True settles an Or, whatever is missing.

The conditions are data, not code: a leaf names one answer key, an operation
from `Op` and its argument. That is what lets two interpreters read the same
rules. The methods here (`truth`, `support`, `open_keys`) are the row
interpreter, one answer set at a time (`assess`). `backcare.engine.columns`
is the column interpreter: it reads the same objects and works on whole
columns of answers at once (batch scoring). No rule is written twice.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Truth = bool | None
Answers = Mapping[str, Any]


class Op(StrEnum):
    """What a `Test` checks in one answer. Each has a row form here and a column
    form in `columns`; a new operation needs both (a test checks they agree)."""

    TRUE = "true"  # a yes/no answer that is yes
    NOT_TRUE = "not_true"  # a yes/no answer that is not yes
    IN = "in"  # a single choice that is one of the values
    NOT_IN = "not_in"  # a single choice that is none of the values
    HAS = "has"  # a list that holds any of the values
    LACKS = "lacks"  # a list that holds none of the values
    COUNT_AT_LEAST = "count_at_least"  # a list with at least ``arg`` items
    AT_LEAST = "at_least"  # a number >= arg
    AT_MOST = "at_most"  # a number <= arg
    ABOVE = "above"  # a number > arg
    BELOW = "below"  # a number < arg


def _row_predicate(op: Op, arg: Any) -> Callable[[Any], bool]:
    """The row form of an operation: a predicate on one answered value."""
    if op is Op.TRUE:
        return lambda v: v is True
    if op is Op.NOT_TRUE:
        return lambda v: v is not True
    if op is Op.IN:
        return arg.__contains__
    if op is Op.NOT_IN:
        return lambda v: v not in arg
    if op is Op.HAS:
        return lambda v: any(x in v for x in arg)
    if op is Op.LACKS:
        return lambda v: not any(x in v for x in arg)
    if op is Op.COUNT_AT_LEAST:
        return lambda v: len(v) >= arg
    compare = {
        Op.AT_LEAST: operator.ge,
        Op.AT_MOST: operator.le,
        Op.ABOVE: operator.gt,
        Op.BELOW: operator.lt,
    }[op]
    return lambda v: compare(v, arg)


def _unique(keys: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


class Cond:
    """A condition over a clean answer set (see `answers.validate`)."""

    keys: tuple[str, ...] = ()

    def truth(self, a: Answers) -> Truth:
        raise NotImplementedError

    def support(self, a: Answers) -> tuple[str, ...]:
        """The answered keys that make this condition true (call when it is)."""
        return tuple(k for k in self.keys if k in a)

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        """The missing keys that keep this condition undecided."""
        if self.truth(a) is not None:
            return ()
        return tuple(k for k in self.keys if k not in a)


@dataclass(frozen=True)
class Test(Cond):
    """One answer checked by an operation; ``missing`` is the result when it is absent.

    ``missing`` is None (cannot tell) except where every possible answer would
    lead to at least the same level (see `triage`), or where a pattern reads an
    absent answer as "not this" (see `patterns`).
    """

    key: str
    op: Op
    arg: Any = None
    missing: Truth = None
    _test: Callable[[Any], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        test = _row_predicate(self.op, self.arg)
        object.__setattr__(self, "_test", test)
        key, missing = self.key, self.missing
        get = dict.get

        # The hottest call of `assess` (about 180 a run): one closure, no attribute lookups.
        def truth(a: Answers) -> Truth:
            value = get(a, key) if type(a) is dict else a.get(key)
            return missing if value is None else test(value)

        object.__setattr__(self, "truth", truth)

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.key,)

    def truth(self, a: Answers) -> Truth:
        value = a.get(self.key)
        return self.missing if value is None else self._test(value)

    def support(self, a: Answers) -> tuple[str, ...]:
        return (self.key,) if self.key in a else ()

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        return (self.key,) if self.missing is None and a.get(self.key) is None else ()


class _Parts(Cond):
    """Shared by the conditions made of parts: their keys, worked out once."""

    parts: tuple[Cond, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", _unique(k for p in self.parts for k in p.keys))

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return self._keys  # type: ignore[attr-defined]


@dataclass(frozen=True)
class All(_Parts):
    parts: tuple[Cond, ...]

    def truth(self, a: Answers) -> Truth:
        result: Truth = True
        for part in self.parts:
            t = part.truth(a)
            if t is False:
                return False
            if t is None:
                result = None
        return result

    def support(self, a: Answers) -> tuple[str, ...]:
        return _unique(k for p in self.parts for k in p.support(a))

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        if self.truth(a) is not None:
            return ()
        return _unique(k for p in self.parts for k in p.open_keys(a))


@dataclass(frozen=True)
class Any_(_Parts):
    parts: tuple[Cond, ...]

    def truth(self, a: Answers) -> Truth:
        result: Truth = False
        for part in self.parts:
            t = part.truth(a)
            if t is True:
                return True
            if t is None:
                result = None
        return result

    def support(self, a: Answers) -> tuple[str, ...]:
        return _unique(k for p in self.parts if p.truth(a) is True for k in p.support(a))

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        if self.truth(a) is not None:
            return ()
        return _unique(k for p in self.parts for k in p.open_keys(a))


@dataclass(frozen=True)
class FirstOf(Any_):
    """True like `Any_`; only the first true part supports it ("one point for
    either": the answer named is the first that scored)."""

    parts: tuple[Cond, ...]

    def support(self, a: Answers) -> tuple[str, ...]:
        first = next((p for p in self.parts if p.truth(a) is True), None)
        return first.support(a) if first is not None else ()


@dataclass(frozen=True)
class AtLeast(_Parts):
    """True when ``n`` or more parts are true ("two or more of ...", "4 of 5 items").

    Three-valued like `All` and `Any_`: false only when even every undecided
    part turning true could not reach ``n``; otherwise undecided, and the
    missing keys of the undecided parts are the ones worth asking.
    """

    n: int
    parts: tuple[Cond, ...]

    def _counts(self, a: Answers) -> tuple[int, int]:
        truths = [p.truth(a) for p in self.parts]
        return truths.count(True), truths.count(None)

    def truth(self, a: Answers) -> Truth:
        true, unknown = self._counts(a)
        if true >= self.n:
            return True
        return None if true + unknown >= self.n else False

    def support(self, a: Answers) -> tuple[str, ...]:
        return _unique(k for p in self.parts if p.truth(a) is True for k in p.support(a))

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        if self.truth(a) is not None:
            return ()
        return _unique(k for p in self.parts if p.truth(a) is None for k in p.open_keys(a))


@dataclass(frozen=True)
class Derived(Cond):
    """A test on a number worked out from several answers (e.g. the age the pain began).

    Cannot tell while any input is missing; ``compute`` receives the inputs in
    the order of ``inputs``. Both ``compute`` and ``predicate`` must be plain
    arithmetic and comparison, so that the column interpreter can run them on
    whole numpy columns unchanged (``age - weeks / 52``, ``started < 45``).
    """

    name: str
    inputs: tuple[str, ...]
    compute: Callable[..., Any]
    predicate: Callable[[Any], Any]

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.inputs

    def truth(self, a: Answers) -> Truth:
        if any(a.get(k) is None for k in self.inputs):
            return None
        return bool(self.predicate(self.compute(*(a[k] for k in self.inputs))))


@dataclass(frozen=True)
class AskedWhen(Cond):
    """A test on a question the questionnaire asks only when ``when`` holds.

    Answered: the test decides, whatever ``when`` says (an answer given is never
    ignored). Unanswered and not asked (``when`` is false): false, so the
    question is neither open nor listed. Unanswered otherwise: cannot tell.
    Only the tested key counts as read; ``when`` just decides whether to ask.
    """

    test: Test
    when: Cond

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.test.keys

    def asked(self, a: Answers) -> bool:
        return self.when.truth(a) is not False

    def truth(self, a: Answers) -> Truth:
        if self.test.key in a or self.asked(a):
            return self.test.truth(a)
        return False

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        return self.test.keys if self.truth(a) is None else ()


@dataclass(frozen=True)
class Quiet(Cond):
    """``cond``'s truth, but no support: a gate a pattern needs whose answers it
    does not list as its reasons (e.g. "no leg symptoms" for a muscle strain)."""

    cond: Cond

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.cond.keys

    def truth(self, a: Answers) -> Truth:
        return self.cond.truth(a)

    def support(self, a: Answers) -> tuple[str, ...]:
        return ()

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        return self.cond.open_keys(a)


@dataclass(frozen=True)
class Always(Cond):
    """True whatever the answers: the "otherwise" step of a strength ladder."""

    def truth(self, a: Answers) -> Truth:
        return True


ALWAYS = Always()


@dataclass(frozen=True)
class PatternFits(Cond):
    """True when the pattern ``pid`` fits; its answers are the pattern's own.

    Read by triage rules (``stenosis_pattern``...). It is never undecided, so it
    opens no question. The row interpreter reads the matches from the context
    (`triage.Context.patterns`); the column interpreter from its pattern columns.
    """

    pid: str

    def truth(self, a: Answers) -> Truth:
        return self.pid in a.patterns  # type: ignore[attr-defined]

    def support(self, a: Answers) -> tuple[str, ...]:
        match = a.patterns.get(self.pid)  # type: ignore[attr-defined]
        return match.because if match is not None else ()

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        return ()


# ---- building blocks the rules are written with ---------------------------------------


def all_of(*parts: Cond) -> All:
    return All(parts)


def any_of(*parts: Cond) -> Any_:
    return Any_(parts)


def first_of(*parts: Cond) -> FirstOf:
    return FirstOf(parts)


def at_least_n(n: int, *parts: Cond) -> AtLeast:
    return AtLeast(n, parts)


def quiet(cond: Cond) -> Quiet:
    return Quiet(cond)


def yes(key: str) -> Test:
    """A yes/no answer that is yes."""
    return Test(key, Op.TRUE)


def not_yes(key: str) -> Test:
    """A yes/no answer that is not yes; absent counts as "not yes" (it only raises urgency)."""
    return Test(key, Op.NOT_TRUE, missing=True)


def is_(key: str, *values: str) -> Test:
    """A single choice that is one of ``values``."""
    return Test(key, Op.IN, frozenset(values))


def is_not(key: str, *values: str, missing: Truth = None) -> Test:
    """A single choice that is none of ``values`` (absent: cannot tell, unless ``missing``)."""
    return Test(key, Op.NOT_IN, frozenset(values), missing)


def has(key: str, *values: str) -> Test:
    """A list answer that contains any of ``values``."""
    return Test(key, Op.HAS, tuple(values))


def lacks(key: str, *values: str) -> Test:
    """A list answer, given, that contains none of ``values`` (an empty list lacks them)."""
    return Test(key, Op.LACKS, tuple(values))


def has_any(key: str) -> Test:
    """A list answer with at least one item ticked (an empty list is an answered "none")."""
    return Test(key, Op.COUNT_AT_LEAST, 1)


def count_at_least(key: str, n: int) -> Test:
    """A list answer with ``n`` or more items ticked."""
    return Test(key, Op.COUNT_AT_LEAST, n)


def at_least(key: str, threshold: float, missing: Truth = None) -> Test:
    return Test(key, Op.AT_LEAST, threshold, missing)


def at_most(key: str, threshold: float) -> Test:
    return Test(key, Op.AT_MOST, threshold)


def above(key: str, threshold: float) -> Test:
    return Test(key, Op.ABOVE, threshold)


def below(key: str, threshold: float, missing: Truth = None) -> Test:
    return Test(key, Op.BELOW, threshold, missing)
