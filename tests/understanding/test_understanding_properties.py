"""Property-based tests: no input makes the analyser raise or return a malformed result."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabij.understanding import TYPES, Analyser

JUNK = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1FFFF), max_size=200),
    st.binary(max_size=200),
    st.sampled_from(
        ["", "   ", "\x00\x01\x02", "😀😡🙏", "<script>x</script><b>hoi</b>", "Привет"]
    ),
    st.none(),
    st.integers(),
)


def check(result: dict[str, object], text: object) -> None:
    assert result["type"] in TYPES
    scores = result["type_scores"]
    assert isinstance(scores, dict) and set(scores) == set(TYPES)
    assert -1.0 <= float(result["sentiment"]) <= 1.0  # type: ignore[arg-type]
    assert 0.0 <= float(result["toxicity"]) <= 1.0  # type: ignore[arg-type]
    if isinstance(text, str):
        for span in result["pii"]:  # type: ignore[attr-defined]
            assert 0 <= span["start"] < span["end"] <= len(text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(JUNK)
def test_junk_never_raises(fake_analyser: Analyser, value: object) -> None:
    check(fake_analyser.analyse(value).to_dict(), value)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(JUNK, max_size=5))
def test_batches_match_single_results(fake_analyser: Analyser, values: list[object]) -> None:
    batch = fake_analyser.analyse_batch(values)
    assert [r.type for r in batch] == [fake_analyser.analyse(v).type for v in values]


def test_huge_and_special_inputs(analyser: Analyser) -> None:
    cases = ["", " \n\t ", "a" * 1_000_000, "😀" * 50, "<html><body><p>Hallo</p></body></html>",
             "مرحبا كيف حالك", "\x00\x1b[31mrood\x1b[0m", "\ud800 kapotte surrogate"]  # fmt: skip
    for case, result in zip(cases, analyser.analyse_batch(cases), strict=True):
        check(result.to_dict(), case)
    empty, _, huge, emoji, html, *_ = analyser.analyse_batch(cases)
    assert "lege tekst" in empty.explanations["type"]
    assert "ingekort" in huge.explanations["type"]
    assert emoji.type == "overig" and "emoji" in emoji.explanations["type"]
    assert "HTML" in html.explanations["type"]
