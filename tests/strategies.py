"""Hypothesis strategies for valid and invalid answers, built from the contract."""

from __future__ import annotations

from hypothesis import strategies as st

from backcare.engine.answers import FIELD_BY_KEY, FIELDS, Field, Kind


def valid_value(field: Field) -> st.SearchStrategy:
    if field.kind is Kind.BOOL:
        return st.booleans()
    if field.kind is Kind.INTEGER:
        return st.integers(int(field.minimum), int(field.maximum))
    if field.kind is Kind.NUMBER:
        return st.one_of(
            st.integers(int(field.minimum), int(field.maximum)),
            st.floats(field.minimum, field.maximum, allow_nan=False),
            # Thresholds live at small durations: make them likely.
            st.sampled_from([0, 5.9, 6, 12, 12.1, 26]),
        )
    if field.kind is Kind.CHOICE:
        return st.sampled_from(field.choices)
    return st.lists(st.sampled_from(field.choices), unique=True)


def valid_answers() -> st.SearchStrategy[dict]:
    """Any valid answer set: age always, every other key present or absent."""
    required = {f.key: valid_value(f) for f in FIELDS if f.required}
    optional = {f.key: valid_value(f) for f in FIELDS if not f.required}
    return st.fixed_dictionaries(required, optional=optional)


_not_json_scalar = st.one_of(st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def invalid_value(field: Field) -> st.SearchStrategy:
    """Values the contract rejects for this key (None is "not answered", so never here)."""
    text = st.text(max_size=8)
    if field.kind is Kind.BOOL:
        return st.one_of(st.integers(), text, st.lists(st.booleans(), max_size=2), _not_json_scalar)
    if field.kind in (Kind.INTEGER, Kind.NUMBER):
        lo, hi = field.minimum, field.maximum
        bad = [
            st.integers(max_value=int(lo) - 1),
            st.integers(min_value=int(hi) + 1),
            st.floats(max_value=lo, exclude_max=True, allow_nan=False, allow_infinity=True),
            st.floats(min_value=hi, exclude_min=True, allow_nan=False, allow_infinity=True),
            st.just(float("nan")),
            # Too big for a float, or for Python to print: still one clear error.
            st.sampled_from([10**309, -(10**309), 10**5000, -(10**5000)]),
            st.booleans(),
            text,
            st.lists(st.integers(), max_size=2),
        ]
        if field.kind is Kind.INTEGER:
            bad.append(st.floats(lo, hi).filter(lambda x: x != int(x)))
        return st.one_of(*bad)
    not_choice = text.filter(lambda s: s not in field.choices)
    if field.kind is Kind.CHOICE:
        return st.one_of(not_choice, st.integers(), st.booleans(), st.lists(not_choice, max_size=2))
    return st.one_of(
        not_choice,  # a bare string, not a list
        st.integers(),
        st.booleans(),
        st.lists(st.sampled_from(field.choices), max_size=2).flatmap(
            lambda ok: not_choice.map(lambda bad: [*ok, bad])
        ),
    )


KEYS_AND_INVALID = st.sampled_from(list(FIELD_BY_KEY)).flatmap(
    lambda k: st.tuples(st.just(k), invalid_value(FIELD_BY_KEY[k]))
)
