"""Hypothesis properties: the mirror never crashes and its spans always point into the draft."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nabij.tone import ReplyContext, check_reply, suggest_rewrite
from nabij.tone.model import EMOTIONS

# Text built from Dutch fragments the rules react to, plus arbitrary characters.
FRAGMENTS = [
    "wij hebben dit intern doorgezet", "middels", "reeds", "wordt", "geleegd", "door",
    "we kijken ernaar", "morgen", "Anna", "😂", "🤷‍♀️", "sorry", ".", ",", "\n", " ",
    "u dient", "beschikking", "kom erop terug", "vrijdag", "14 0555", "https://x.nl/a",
]  # fmt: skip
drafts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map(" ".join),
)
contexts = st.builds(
    ReplyContext,
    name=st.one_of(st.none(), st.text(max_size=20), st.just("Anna")),
    emotion=st.one_of(st.none(), st.sampled_from(EMOTIONS)),
    message_type=st.one_of(st.none(), st.sampled_from(["vraag", "klacht", "noodkreet"])),
    channel=st.one_of(st.none(), st.sampled_from(["x", "mastodon", "email"])),
    language=st.sampled_from(["nl", "en"]),
)


@settings(max_examples=300, deadline=None)
@given(drafts, contexts)
def test_spans_point_into_the_draft(draft, context):
    findings = check_reply(draft, context=context)
    for finding in findings:
        assert finding.message and finding.why
        if finding.start is not None and finding.end is not None:
            assert 0 <= finding.start <= finding.end <= len(draft)
            assert finding.excerpt == draft[finding.start : finding.end]
    assert findings == check_reply(draft, context=context)  # deterministic


@settings(max_examples=200, deadline=None)
@given(drafts)
def test_rewrite_changes_only_replaced_spans(draft):
    findings = check_reply(draft)
    rewritten = suggest_rewrite(draft, findings)
    if not any(f.replacement is not None for f in findings):
        assert rewritten == draft
    # Applying the suggestions removes every officialese word it replaced.
    remaining = {f.excerpt.lower() for f in check_reply(rewritten) if f.replacement is not None}
    replaced = {f.excerpt.lower() for f in findings if f.replacement is not None}
    assert not remaining & replaced - {f.replacement.lower() for f in findings if f.replacement}
