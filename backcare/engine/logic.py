"""Small three-valued conditions that the triage rules are written in.

Each condition answers True, False or None ("cannot tell: a needed answer is
missing"). A rule fires only on True, so a missing answer is never read as
"no"; a rule that comes out None is still open, and its missing keys are the
questions worth asking next. The And/Or below follow Kleene's logic: one False
settles an And, one True settles an Or, whatever is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Truth = bool | None
Answers = Mapping[str, Any]


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
    """One answer checked by a predicate; ``missing`` is the result when it is absent.

    ``missing`` is None (cannot tell) except where every possible answer would
    lead to at least the same level; see `triage` for the two places that use it.
    """

    key: str
    predicate: Callable[[Any], bool]
    missing: Truth = None

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.key,)

    def truth(self, a: Answers) -> Truth:
        value = a.get(self.key)
        return self.missing if value is None else bool(self.predicate(value))

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        return (self.key,) if self.truth(a) is None else ()


@dataclass(frozen=True)
class All(Cond):
    parts: tuple[Cond, ...]

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(dict.fromkeys(k for p in self.parts for k in p.keys))

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
        return tuple(dict.fromkeys(k for p in self.parts for k in p.support(a)))

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        if self.truth(a) is not None:
            return ()
        return tuple(dict.fromkeys(k for p in self.parts for k in p.open_keys(a)))


@dataclass(frozen=True)
class Any_(Cond):
    parts: tuple[Cond, ...]

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(dict.fromkeys(k for p in self.parts for k in p.keys))

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
        return tuple(
            dict.fromkeys(k for p in self.parts if p.truth(a) is True for k in p.support(a))
        )

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        if self.truth(a) is not None:
            return ()
        return tuple(dict.fromkeys(k for p in self.parts for k in p.open_keys(a)))


def all_of(*parts: Cond) -> All:
    return All(parts)


def any_of(*parts: Cond) -> Any_:
    return Any_(parts)


def yes(key: str) -> Test:
    """A yes/no answer that is yes."""
    return Test(key, lambda v: v is True)


def not_yes(key: str) -> Test:
    """A yes/no answer that is not yes; absent counts as "not yes" (it only raises urgency)."""
    return Test(key, lambda v: v is not True, missing=True)


def is_(key: str, *values: str) -> Test:
    """A single choice that is one of ``values``."""
    return Test(key, lambda v: v in values)


def has(key: str, *values: str) -> Test:
    """A list answer that contains any of ``values``."""
    return Test(key, lambda v: any(x in v for x in values))


def is_not(key: str, *values: str) -> Test:
    """A single choice that is answered and is none of ``values`` (absent: cannot tell)."""
    return Test(key, lambda v: v not in values)


def has_any(key: str) -> Test:
    """A list answer with at least one item ticked (an empty list is an answered "none")."""
    return Test(key, lambda v: len(v) > 0)


def count_at_least(key: str, n: int) -> Test:
    """A list answer with ``n`` or more items ticked."""
    return Test(key, lambda v: len(v) >= n)


def at_least(key: str, threshold: float) -> Test:
    return Test(key, lambda v: v >= threshold)


def at_most(key: str, threshold: float) -> Test:
    return Test(key, lambda v: v <= threshold)


def above(key: str, threshold: float) -> Test:
    return Test(key, lambda v: v > threshold)


def below(key: str, threshold: float, missing: Truth = None) -> Test:
    return Test(key, lambda v: v < threshold, missing=missing)


@dataclass(frozen=True)
class AtLeast(Cond):
    """True when ``n`` or more parts are true ("two or more of ...").

    Three-valued like `All` and `Any_`: false only when even every undecided
    part turning true could not reach ``n``; otherwise undecided, and the
    missing keys of the undecided parts are the ones worth asking.
    """

    n: int
    parts: tuple[Cond, ...]

    @property
    def keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(dict.fromkeys(k for p in self.parts for k in p.keys))

    def _counts(self, a: Answers) -> tuple[int, int]:
        truths = [p.truth(a) for p in self.parts]
        return truths.count(True), truths.count(None)

    def truth(self, a: Answers) -> Truth:
        true, unknown = self._counts(a)
        if true >= self.n:
            return True
        return None if true + unknown >= self.n else False

    def support(self, a: Answers) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(k for p in self.parts if p.truth(a) is True for k in p.support(a))
        )

    def open_keys(self, a: Answers) -> tuple[str, ...]:
        if self.truth(a) is not None:
            return ()
        return tuple(
            dict.fromkeys(k for p in self.parts if p.truth(a) is None for k in p.open_keys(a))
        )


def at_least_n(n: int, *parts: Cond) -> AtLeast:
    return AtLeast(n, parts)


@dataclass(frozen=True)
class Derived(Cond):
    """A test on a number worked out from several answers (e.g. the age the pain began).

    Cannot tell while any input is missing; ``compute`` receives the inputs in
    the order of ``inputs``.
    """

    name: str
    inputs: tuple[str, ...]
    compute: Callable[..., float]
    predicate: Callable[[float], bool]

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
class Fact(Cond):
    """A condition on something derived (a pattern, a score), not on one answer.

    ``find`` returns the answer keys that support the fact, or None when the
    fact does not hold. It receives the evaluation context, which is the answer
    mapping with the derived results attached (see `triage.Context`).
    """

    name: str
    find: Callable[[Any], tuple[str, ...] | None]

    def truth(self, a: Answers) -> Truth:
        return self.find(a) is not None

    def support(self, a: Answers) -> tuple[str, ...]:
        return self.find(a) or ()
