"""The compiled row interpreter gives what the condition methods define, node by node.

`logic` compiles each condition tree's `truth`, `support` and `open_keys` into
one Python function the first time it is asked (for speed, issue 14). The
methods of the condition classes stay the definition. Here a copy of every
tree with the compiled functions stripped off (so only the methods run) is the
reference, and both are asked the same questions on random answer sets, for
every node of every triage rule, pattern rule and alias.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import fields, is_dataclass

from hypothesis import given, settings

from backcare.engine import logic, signs
from backcare.engine.answers import validate
from backcare.engine.patterns import ALIASES, PATTERN_RULES, _first_tier_of, match_all
from backcare.engine.scores import score
from backcare.engine.triage import RULES, Context, _rule_truths
from tests.strategies import valid_answers

COMPILED = ("truth", "support", "open_keys")


def children(c: logic.Cond) -> Iterator[logic.Cond]:
    for f in fields(c) if is_dataclass(c) else ():
        value = getattr(c, f.name)
        items = value if isinstance(value, tuple) else (value,)
        yield from (v for v in items if isinstance(v, logic.Cond))


def nodes(c: logic.Cond) -> Iterator[logic.Cond]:
    yield c
    for child in children(c):
        yield from nodes(child)


def reference(c: logic.Cond) -> logic.Cond:
    """A copy of the tree that only the class methods answer for."""
    ref = copy.deepcopy(c)
    for node in nodes(ref):
        for name in COMPILED:
            vars(node).pop(name, None)
    return ref


def roots() -> list[logic.Cond]:
    found: list[logic.Cond] = [r.cond for r in RULES]
    for r in PATTERN_RULES:
        found += [r.when, *(c for c, _ in r.tiers), *r.raises, *(r.because or ())]
    found += [a.when for a in ALIASES]
    found += list(signs.ASKED_WHEN.values())
    return found


NODES = list({id(n): n for root in roots() for n in nodes(root)}.values())
REFERENCES = [reference(n) for n in NODES]


def context(answers: dict) -> Context:
    clean = validate(answers)
    return Context(clean, match_all(clean), score(clean))


def test_every_kind_of_node_is_checked() -> None:
    """The random check below covers each kind of condition the rules are made of."""
    kinds = {type(n) for n in NODES}
    expected = {
        logic.Test,
        logic.All,
        logic.Any_,
        logic.FirstOf,
        logic.AtLeast,
        logic.Derived,
        logic.AskedWhen,
        logic.Quiet,
        logic.Always,
        logic.PatternFits,
    }
    assert expected <= kinds, f"not covered: {expected - kinds}"
    assert all(
        not any(name in vars(node) for name in COMPILED)
        for ref in REFERENCES
        for node in nodes(ref)
    )


def test_the_reference_copy_is_really_uncompiled() -> None:
    """A compiled node answers through an instance function; its reference never does."""
    composite = next(n for n in NODES if type(n) is logic.All)
    composite.truth(context({"age": 40}))
    assert "truth" in vars(composite)
    assert "truth" not in vars(reference(composite))


@settings(max_examples=300, deadline=None)
@given(valid_answers())
def test_compiled_nodes_agree_with_the_methods(answers: dict) -> None:
    ctx = context(answers)
    for node, ref in zip(NODES, REFERENCES, strict=True):
        truth = ref.truth(ctx)
        assert node.truth(ctx) is truth, (node, answers)
        if truth is True:
            assert node.support(ctx) == ref.support(ctx), (node, answers)
        assert node.open_keys(ctx) == ref.open_keys(ctx), (node, answers)


@settings(max_examples=300, deadline=None)
@given(valid_answers())
def test_all_rules_in_one_call_agree_with_each_rule(answers: dict) -> None:
    ctx = context(answers)
    assert _rule_truths()(ctx) == tuple(reference(r.cond).truth(ctx) for r in RULES)


@settings(max_examples=300, deadline=None)
@given(valid_answers())
def test_first_true_tier_agrees_with_each_pattern(answers: dict) -> None:
    clean = validate(answers)
    expected = []
    for r in PATTERN_RULES:
        tier = None
        if reference(r.when).truth(clean) is True:
            truths = [reference(c).truth(clean) for c, _ in r.tiers]
            tier = next((i for i, t in enumerate(truths) if t is True), None)
        expected.append(tier)
    assert _first_tier_of()(clean) == tuple(expected)
