"""Small three-valued conditions that the triage and pattern rules are written in.

Each condition answers True, False or None ("cannot tell: a needed answer is
missing"). A rule fires only on True, so a missing answer is never read as
"no"; a rule that comes out None is still open, and its missing keys are the
questions worth asking next. The And/Or below follow Kleene's logic: one False
settles an And, one True settles an Or, whatever is missing.

The conditions are data, not code: a leaf names one answer key, an operation
from `Op` and its argument. That is what lets two interpreters read the same
rules. The methods here (`truth`, `support`, `open_keys`) are the row
interpreter, one answer set at a time (`assess`); for speed, each tree is
compiled from the same data into one Python function the first time it is
asked (see the end of this module; tests/test_logic_compiled.py checks it
against the methods). `backcare.engine.columns` is the column interpreter: it
reads the same objects and works on whole columns of answers at once (batch
scoring). No rule is written twice.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
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
        _compile_on_first_use(self)

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

    def __post_init__(self) -> None:
        _compile_on_first_use(self)

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

    def __post_init__(self) -> None:
        _compile_on_first_use(self)

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

    def __post_init__(self) -> None:
        _compile_on_first_use(self)

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


# ---- the row interpreter, compiled ------------------------------------------------------
#
# `assess` asks about 60 conditions per answer set, most of them trees of a few
# `Test` leaves, and a method call per node was most of its time. So the first
# time a tree is asked, its `truth`, `support` or `open_keys` is written out as
# the source of one Python function (`_Writer`, `_KeysWriter`) from the same
# data and compiled: leaves inlined, each answer read once, the Kleene And/Or
# as flat ifs. `compile_truths` and `compile_first_true` do the same for many
# trees in one call (every triage rule; every pattern's strength steps). The
# methods above stay the definition of what each node means;
# tests/test_logic_compiled.py checks the compiled form against them, node by
# node, on random answer sets. The source is ours, written from rule data in
# this package: no outside text ever reaches it.


class _Writer:
    """Writes the body of a function of the answers ``a`` for condition trees, node by node."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}
        self._count = 0
        self.read: dict[str, str] = {}  # answer key -> the local that holds its value

    def value(self, key: str) -> str:
        """The local holding the answer to ``key``: each key is read once, at the top."""
        if key not in self.read:
            self.read[key] = f"_a{len(self.read)}"
        return self.read[key]

    def source(self, name: str, result: str) -> str:
        """The whole function: read the answers it uses, then the lines written."""
        reads = [f"    {local} = get({key!r})" for key, local in self.read.items()]
        body = ["    get = a.get", *reads, *self.lines, f"    return {result}"]
        return f"def {name}(a):\n" + "\n".join(body) + "\n"

    def const(self, value: Any) -> str:
        """A name for a value the source cannot spell (a set, a function, a node)."""
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def var(self) -> str:
        self._count += 1
        return f"_t{self._count}"

    def put(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def node(self, c: Cond, target: str, indent: int) -> None:
        """Lines that leave the truth of ``c`` in the variable ``target``."""
        kind = type(c)
        if kind is Test:
            self.test(c, target, indent)  # type: ignore[arg-type]
        elif kind is All or kind is Any_ or kind is FirstOf:
            self.junction(c, target, indent, settle=kind is All)  # type: ignore[arg-type]
        elif kind is AtLeast:
            self.at_least(c, target, indent)  # type: ignore[arg-type]
        elif kind is Quiet:
            self.node(c.cond, target, indent)  # type: ignore[attr-defined]
        elif kind is Always:
            self.put(indent, f"{target} = True")
        elif kind is AskedWhen:
            self.asked_when(c, target, indent)  # type: ignore[arg-type]
        elif kind is Derived:
            self.derived(c, target, indent)  # type: ignore[arg-type]
        elif kind is PatternFits:
            self.put(indent, f"{target} = {c.pid!r} in a.patterns")  # type: ignore[attr-defined]
        else:  # a node this writer does not know: ask the node itself
            self.put(indent, f"{target} = {self.const(c)}.truth(a)")

    def test(self, c: Test, target: str, indent: int) -> None:
        self.put(indent, f"_v = {self.value(c.key)}")
        self.put(indent, f"{target} = {c.missing!r} if _v is None else {self.predicate(c)}")

    def predicate(self, c: Test) -> str:
        """The test of one answered value ``_v``, as an expression."""
        op, arg = c.op, c.arg
        if op is Op.TRUE:
            return "_v is True"
        if op is Op.NOT_TRUE:
            return "_v is not True"
        if op in (Op.IN, Op.NOT_IN):
            return f"_v {'in' if op is Op.IN else 'not in'} {self.const(arg)}"
        if op in (Op.HAS, Op.LACKS):
            held = " or ".join(f"{x!r} in _v" for x in arg) or "False"
            return f"({held})" if op is Op.HAS else f"not ({held})"
        if op is Op.COUNT_AT_LEAST:
            return f"len(_v) >= {self.const(arg)}"
        sign = {Op.AT_LEAST: ">=", Op.AT_MOST: "<=", Op.ABOVE: ">", Op.BELOW: "<"}[op]
        return f"_v {sign} {self.const(arg)}"

    def junction(self, c: _Parts, target: str, indent: int, *, settle: bool) -> None:
        """Kleene And (``settle`` False ends it) or Or (True ends it), flat: each part is
        asked only while the result is not settled."""
        stop, go = (False, True) if settle else (True, False)
        self.put(indent, f"{target} = {go}")
        for i, part in enumerate(c.parts):
            inner = indent if i == 0 else indent + 1
            if i:
                self.put(indent, f"if {target} is not {stop}:")
            t = self.var()
            self.node(part, t, inner)
            self.put(inner, f"if {t} is {stop}:")
            self.put(inner + 1, f"{target} = {stop}")
            self.put(inner, f"elif {t} is None:")
            self.put(inner + 1, f"{target} = None")

    def at_least(self, c: AtLeast, target: str, indent: int) -> None:
        true, unknown = self.var(), self.var()
        self.put(indent, f"{true} = {unknown} = 0")
        for part in c.parts:
            t = self.var()
            self.node(part, t, indent)
            self.put(indent, f"if {t} is True:")
            self.put(indent + 1, f"{true} += 1")
            self.put(indent, f"elif {t} is None:")
            self.put(indent + 1, f"{unknown} += 1")
        n = int(c.n)
        self.put(
            indent,
            f"{target} = True if {true} >= {n} else (None if {true} + {unknown} >= {n} else False)",
        )

    def asked_when(self, c: AskedWhen, target: str, indent: int) -> None:
        when = self.var()
        self.put(indent, f"if {c.test.key!r} in a:")
        self.test(c.test, target, indent + 1)
        self.put(indent, "else:")
        self.node(c.when, when, indent + 1)
        self.put(indent + 1, f"if {when} is False:")
        self.put(indent + 2, f"{target} = False")
        self.put(indent + 1, "else:")
        self.test(c.test, target, indent + 2)

    def derived(self, c: Derived, target: str, indent: int) -> None:
        values = ", ".join(self.value(k) for k in c.inputs)
        missing = " or ".join(f"{self.value(k)} is None" for k in c.inputs) or "False"
        compute, predicate = self.const(c.compute), self.const(c.predicate)
        self.put(
            indent,
            f"{target} = None if ({missing}) else bool({predicate}({compute}({values})))",
        )


class _KeysWriter(_Writer):
    """Also writes `support` and `open_keys` of a tree: lines that append keys to a list.

    Each follows the method of the same name above, node kind by node kind.
    """

    def support(self, c: Cond, out: str, indent: int) -> None:
        kind = type(c)
        if kind is All:
            for part in c.parts:  # type: ignore[attr-defined]
                self.support(part, out, indent)
        elif kind is Any_ or kind is AtLeast:
            for part in c.parts:  # type: ignore[attr-defined]
                self.when_true(part, indent, lambda i, p=part: self.support(p, out, i))
        elif kind is FirstOf:
            self.first_true(c.parts, out, indent)  # type: ignore[attr-defined]
        elif kind is Quiet or kind is Always:
            pass  # no answers of their own (see the classes)
        elif kind is PatternFits:
            self.put(indent, f"_m = a.patterns.get({c.pid!r})")  # type: ignore[attr-defined]
            self.put(indent, f"if _m is not None: {out}.extend(_m.because)")
        elif kind in (Test, AskedWhen, Derived):  # the keys it reads that are in the answers
            for key in c.keys:
                self.put(indent, f"if {key!r} in a: {out}.append({key!r})")
        else:
            self.put(indent, f"{out}.extend({self.const(c)}.support(a))")

    def when_true(self, c: Cond, indent: int, then: Callable[[int], None]) -> None:
        t = self.var()
        self.node(c, t, indent)
        self.put(indent, f"if {t} is True:")
        self.put(indent + 1, "pass")
        then(indent + 1)

    def first_true(self, parts: tuple[Cond, ...], out: str, indent: int) -> None:
        for i, part in enumerate(parts):
            t = self.var()
            self.node(part, t, indent + i)
            self.put(indent + i, f"if {t} is True:")
            self.put(indent + i + 1, "pass")
            self.support(part, out, indent + i + 1)
            self.put(indent + i, "else:")
        self.put(indent + len(parts), "pass")

    def open_keys(self, c: Cond, out: str, indent: int) -> None:
        kind = type(c)
        if kind is Test:
            if c.missing is None:  # type: ignore[attr-defined]
                key = c.key  # type: ignore[attr-defined]
                self.put(indent, f"if {self.value(key)} is None: {out}.append({key!r})")
        elif kind is Quiet:
            self.open_keys(c.cond, out, indent)  # type: ignore[attr-defined]
        elif kind is PatternFits or kind is Always:
            pass  # never undecided
        elif kind in (All, Any_, FirstOf):
            self.when_open(c, indent, lambda i: self.parts_open(c.parts, out, i))  # type: ignore[attr-defined]
        elif kind is AtLeast:
            self.when_open(c, indent, lambda i: self.undecided_open(c.parts, out, i))  # type: ignore[attr-defined]
        elif kind is AskedWhen:  # its tested key, whenever it is undecided
            self.when_open(c, indent, lambda i: self.put(i, f"{out}.extend({c.keys!r})"))
        elif kind is Derived:
            self.when_open(c, indent, lambda i: self.missing(c.keys, out, i))
        else:
            self.put(indent, f"{out}.extend({self.const(c)}.open_keys(a))")

    def when_open(self, c: Cond, indent: int, then: Callable[[int], None]) -> None:
        t = self.var()
        self.node(c, t, indent)
        self.put(indent, f"if {t} is None:")
        self.put(indent + 1, "pass")
        then(indent + 1)

    def parts_open(self, parts: tuple[Cond, ...], out: str, indent: int) -> None:
        for part in parts:
            self.open_keys(part, out, indent)

    def undecided_open(self, parts: tuple[Cond, ...], out: str, indent: int) -> None:
        for part in parts:
            self.when_open(part, indent, lambda i, p=part: self.open_keys(p, out, i))

    def missing(self, keys: tuple[str, ...], out: str, indent: int) -> None:
        for key in keys:
            self.put(indent, f"if {key!r} not in a: {out}.append({key!r})")


def compile_keys(c: Cond, method: str) -> Callable[[Answers], tuple[str, ...]]:
    """``c.support`` or ``c.open_keys`` as one compiled function (same keys, same order)."""
    writer = _KeysWriter()
    writer.put(1, "_out = []")
    getattr(writer, method)(c, "_out", 1)
    return _compiled(writer, method, "tuple(dict.fromkeys(_out))")


def compile_truth(c: Cond) -> Callable[[Answers], Truth]:
    """The truth of ``c`` as one compiled function (same answers as ``type(c).truth``)."""
    writer = _Writer()
    writer.node(c, "_result", 1)
    return _compiled(writer, "truth", "_result")


def compile_truths(conds: tuple[Cond, ...]) -> Callable[[Answers], tuple[Truth, ...]]:
    """The truths of several conditions at once, as one compiled function (one call
    instead of one per condition: `triage.decide` asks every rule for each answer set)."""
    writer = _Writer()
    names = []
    for c in conds:
        names.append(writer.var())
        writer.node(c, names[-1], 1)
    return _compiled(writer, "truths", f"({''.join(n + ', ' for n in names)})")


def compile_first_true(
    groups: tuple[tuple[Cond, tuple[Cond, ...]], ...],
) -> Callable[[Answers], tuple[int | None, ...]]:
    """For each (gate, choices) group: the index of the first true choice, asked only
    when the gate is true (None when the gate is not true or no choice is). One
    compiled call, asking no more than needed: `patterns` finds each pattern's tier."""
    writer = _Writer()
    names = []
    for gate, choices in groups:
        found, opened = writer.var(), writer.var()
        names.append(found)
        writer.put(1, f"{found} = None")
        writer.node(gate, opened, 1)
        writer.put(1, f"if {opened} is True:")
        for i, choice in enumerate(choices):
            t = writer.var()
            writer.node(choice, t, 2 + i)
            writer.put(2 + i, f"if {t} is True:")
            writer.put(3 + i, f"{found} = {i}")
            writer.put(2 + i, "else:")
        writer.put(2 + len(choices), "pass")
    return _compiled(writer, "first_true", f"({''.join(n + ', ' for n in names)})")


def _compiled(writer: _Writer, name: str, result: str) -> Callable[..., Any]:
    """Compile what ``writer`` wrote as ``name(a)``: our own source, from rule data."""
    namespace = dict(writer.names)
    exec(compile(writer.source(name, result), f"<{name}>", "exec"), namespace)
    return namespace[name]


def _compile_on_first_use(c: Cond) -> None:
    """Give ``c`` a `truth`, `support` and `open_keys` that each compile the tree the
    first time they are asked. Lazy, so importing the rules stays cheap."""
    compilers = {
        "truth": compile_truth,
        "support": partial(compile_keys, method="support"),
        "open_keys": partial(compile_keys, method="open_keys"),
    }
    for name, compiler in compilers.items():
        object.__setattr__(c, name, _first_use(c, name, compiler))


def _first_use(c: Cond, name: str, compiler: Callable[[Cond], Callable[..., Any]]) -> Callable:
    def first(a: Answers) -> Any:
        compiled = compiler(c)
        object.__setattr__(c, name, compiled)
        return compiled(a)

    return first
