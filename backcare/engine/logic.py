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


def at_least(key: str, threshold: float) -> Test:
    return Test(key, lambda v: v >= threshold)


def below(key: str, threshold: float, missing: Truth = None) -> Test:
    return Test(key, lambda v: v < threshold, missing=missing)


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
