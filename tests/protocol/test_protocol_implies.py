"""The reachability check only flags rules that truly can never match."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabij.protocol.conditions import AllOf, AnyOf, Compare, Condition, Not, compile_condition
from nabij.protocol.fields import read_facts
from nabij.protocol.implies import implies

C = Compare


@pytest.mark.parametrize(
    ("b", "a", "expected"),
    [
        (C("type", "eq", "aanval"), C("type", "in", ("aanval", "vraag")), True),
        (C("type", "in", ("aanval", "vraag")), C("type", "eq", "aanval"), False),
        (C("type", "eq", "aanval"), C("type", "ne", "vraag"), True),
        (C("type", "in", ("aanval",)), C("type", "not_in", ("aanval",)), False),
        (C("toxicity", "gte", 0.8), C("toxicity", "gte", 0.7), True),
        (C("toxicity", "gte", 0.7), C("toxicity", "gt", 0.7), False),
        (C("toxicity", "gt", 0.7), C("toxicity", "gte", 0.7), True),
        (C("toxicity", "lt", 0.2), C("toxicity", "lte", 0.3), True),
        (C("toxicity", "lt", 0.2), C("toxicity", "gte", 0.1), False),
        (C("toxicity", "eq", 0.9), C("toxicity", "gte", 0.5), True),
        (C("urgency", "eq", "acuut"), C("urgency", "gte", "hoog"), True),
        (C("urgency", "gte", "normaal"), C("urgency", "gte", "hoog"), False),
        (C("pii", "contains", "bsn"), C("pii", "any_of", ("bsn", "iban")), True),
        (C("pii", "all_of", ("bsn", "iban")), C("pii", "contains", "iban"), True),
        (C("pii", "any_of", ("bsn",)), C("pii", "empty", False), True),
        (C("pii", "any_of", ("bsn", "iban")), C("pii", "contains", "bsn"), False),
        (
            AllOf((C("type", "eq", "aanval"), C("public", "eq", True))),
            C("type", "eq", "aanval"),
            True,
        ),
        (
            C("type", "eq", "aanval"),
            AllOf((C("type", "eq", "aanval"), C("public", "eq", True))),
            False,
        ),
        (
            C("type", "eq", "aanval"),
            AnyOf((C("type", "eq", "vraag"), C("type", "eq", "aanval"))),
            True,
        ),
        (Not(C("type", "eq", "aanval")), Not(C("type", "eq", "aanval")), True),
        (Not(C("type", "eq", "aanval")), C("type", "ne", "aanval"), False),  # absent type
        (C("type", "eq", "aanval"), C("toxicity", "gte", 0.0), False),
    ],
)
def test_implication_cases(b: Condition, a: Condition, expected: bool) -> None:
    assert implies(b, a) is expected


_compares = st.one_of(
    st.builds(
        C, st.just("type"), st.sampled_from(["eq", "ne"]), st.sampled_from(["vraag", "aanval"])
    ),
    st.builds(
        C,
        st.just("type"),
        st.sampled_from(["in", "not_in"]),
        st.lists(st.sampled_from(["vraag", "aanval", "melding"]), min_size=1, max_size=3).map(
            tuple
        ),
    ),
    st.builds(
        C,
        st.just("toxicity"),
        st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]),
        st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0]),
    ),
    st.builds(
        C,
        st.just("urgency"),
        st.sampled_from(["eq", "gt", "gte", "lt", "lte"]),
        st.sampled_from(["laag", "normaal", "hoog", "acuut"]),
    ),
    st.builds(C, st.just("pii"), st.just("contains"), st.sampled_from(["bsn", "iban"])),
    st.builds(
        C,
        st.just("pii"),
        st.sampled_from(["any_of", "all_of", "none_of"]),
        st.lists(st.sampled_from(["bsn", "iban", "email"]), min_size=1, max_size=2).map(tuple),
    ),
    st.builds(C, st.just("pii"), st.just("empty"), st.booleans()),
    st.builds(C, st.just("public"), st.sampled_from(["eq", "ne"]), st.booleans()),
)
_conditions = st.recursive(
    _compares,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: AllOf(tuple(parts))),
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: AnyOf(tuple(parts))),
        inner.map(Not),
    ),
    max_leaves=5,
)
_analyses = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["vraag", "aanval", "melding", "klacht"]),
        "toxicity": st.sampled_from([0.0, 0.3, 0.5, 0.6, 0.7, 1.0]),
        "urgency": st.sampled_from(["laag", "normaal", "hoog", "acuut"]),
        "pii": st.lists(st.fixed_dictionaries({"kind": st.sampled_from(["bsn", "iban", "email"])})),
    },
)
_contexts = st.fixed_dictionaries({}, optional={"public": st.booleans()})


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_conditions, _conditions, _analyses, _contexts)
def test_implication_is_sound(b: Condition, a: Condition, analysis: Any, context: Any) -> None:
    if implies(b, a):
        facts = read_facts(analysis, context)
        if compile_condition(b)(facts):
            assert compile_condition(a)(facts)


def test_a_bound_does_not_imply_its_edge_value() -> None:
    # Found by the property test: "toxicity < 0.3" was taken to imply "toxicity == 0.3".
    below = Compare(field="toxicity", op="lt", value=0.3)
    at = Compare(field="toxicity", op="eq", value=0.3)
    assert not implies(below, at)
    assert not implies(Compare(field="toxicity", op="lte", value=0.3), at)
    assert implies(at, Compare(field="toxicity", op="lte", value=0.3))
