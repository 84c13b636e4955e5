"""The maintained lists: size, shape, and that every entry matches its own phrase."""

from __future__ import annotations

import re

import pytest

from nabij.tone import check_reply, lexicon

PHRASES = lexicon.phrases()
WORDS = lexicon.words()


def test_list_sizes():
    assert len(PHRASES) >= 60
    assert len(WORDS) >= 150


@pytest.mark.parametrize("entry", PHRASES, ids=lambda e: e.phrase)
def test_every_phrase_matches_itself(entry):
    assert entry.kind in {"distancing", "bureaucratic"}
    assert entry.regex.search(entry.phrase), entry.phrase
    if entry.replace:
        assert entry.suggestion.strip()


@pytest.mark.parametrize("entry", WORDS, ids=lambda e: e.word)
def test_every_difficult_word_matches_itself_and_has_an_alternative(entry):
    assert entry.regex.search(entry.word)
    assert entry.suggestion.strip() and entry.suggestion.lower() != entry.word


@pytest.mark.parametrize("entry", [e for e in PHRASES if e.replace], ids=lambda e: e.phrase)
def test_replacements_do_not_introduce_new_officialese(entry):
    kinds = {f.code for f in check_reply(entry.suggestion)}
    assert not kinds & {"bureaucratic_word", "distancing_phrase", "difficult_word"}


def test_cue_lists_compile_and_cover_every_negative_emotion():
    cues = lexicon.cues()
    assert {"general", "boos", "frustratie", "verdriet", "angst", "vermoeidheid"} <= set(
        cues.acknowledgement
    )
    assert all(isinstance(p, re.Pattern) for p in cues.promise + cues.date + cues.next_step)


def test_emoji_rules_name_known_emotions():
    known = {"boos", "frustratie", "verdriet", "angst", "vermoeidheid", "blij", "neutraal"}
    for rule in lexicon.emoji_rules():
        assert rule.emoji and rule.emotions <= known
