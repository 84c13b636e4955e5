"""The tone mirror on single drafts: each finding, its texts, spans and follow-up."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from nabij.tone import ReplyContext, check_reply, suggest_rewrite

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=AMS)  # a Wednesday


def codes(draft: str, **context: object) -> set[str]:
    return {f.code for f in check_reply(draft, context=ReplyContext(**context))}


def test_internal_forwarding_is_distancing_with_span():
    draft = "Dank je. Wij hebben dit intern doorgezet."
    [finding] = [f for f in check_reply(draft) if f.code == "distancing_phrase"]
    assert draft[finding.start : finding.end] == "Wij hebben dit intern doorgezet"
    assert finding.excerpt == "Wij hebben dit intern doorgezet"
    assert finding.severity == "high"
    assert "afstandelijk" in finding.message and finding.why and finding.suggestion


@pytest.mark.parametrize(
    "draft",
    [
        "Wij betreuren het dat u dit zo ervaart.",
        "Uw melding is in behandeling genomen.",
        "U dient het formulier in te vullen.",
        "Uw vraag is doorgestuurd naar de betreffende afdeling.",
        "Excuses voor het eventuele ongemak.",
    ],
)
def test_typical_distancing_phrases(draft):
    assert "distancing_phrase" in codes(draft)


@pytest.mark.parametrize("word", ["conform", "middels", "inzake", "ten behoeve van", "hieromtrent"])
def test_bureaucratic_words(word):
    assert "bureaucratic_word" in codes(f"Dit is {word} de afspraak, morgen bellen we je.")


def test_difficult_word_with_b1_alternative():
    [finding] = [
        f for f in check_reply("Je krijgt de beschikking morgen.") if f.code == "difficult_word"
    ]
    assert finding.excerpt == "beschikking"
    assert "besluit" in finding.suggestion


def test_inflected_difficult_word():
    assert "difficult_word" in codes("De beschikkingen gaan morgen op de post.")


def test_good_reply_stays_clean():
    draft = (
        "Hoi Anna, wat vervelend dat je container is overgeslagen. Ik heb het afvalteam gebeld; "
        "ze komen morgen voor 12:00 langs."
    )
    assert (
        check_reply(draft, context=ReplyContext(name="Anna", emotion="frustratie", now=NOW)) == []
    )


def test_long_sentence():
    draft = " ".join(["woord"] * 21) + "."
    [finding] = [f for f in check_reply(draft) if f.code == "long_sentence"]
    assert "21" in finding.message
    assert "long_sentence" not in codes(" ".join(["woord"] * 20) + ".")


def test_passive_voice():
    assert "passive_voice" in codes("Je container wordt morgen geleegd.")
    assert "passive_voice" in codes("Het besluit is genomen door de raad.")
    assert "passive_voice" not in codes("We legen je container morgen.")
    assert "passive_voice" not in codes("Ik snap dat je er moe van wordt om steeds te bellen.")


def test_acknowledgement_only_checked_for_negative_emotion():
    draft = "Hoi Sem, de monteur komt morgen."
    assert "missing_acknowledgement" in codes(draft, emotion="boos")
    assert "missing_acknowledgement" not in codes(draft, emotion="neutraal")
    assert "missing_acknowledgement" not in codes(draft)
    assert "missing_acknowledgement" not in codes(
        "Sorry Sem! De monteur komt morgen.", emotion="boos"
    )


def test_hollow_acknowledgement_inside_distancing_phrase_does_not_count():
    draft = "Excuses voor het eventuele ongemak. De monteur komt morgen."
    assert "missing_acknowledgement" in codes(draft, emotion="frustratie")


def test_missing_next_step_but_not_for_compliments_or_questions():
    assert "missing_next_step" in codes("Bedankt voor uw bericht.", message_type="klacht")
    assert "missing_next_step" not in codes("Bedankt!", message_type="compliment")
    assert "missing_next_step" not in codes("De bieb is dicht op zondag.", message_type="vraag")
    assert "missing_next_step" not in codes("Stuur ons een privébericht.", message_type="klacht")


def test_promise_without_date_offers_followup():
    findings = check_reply("Hoi Eva, we kijken ernaar.", context=ReplyContext(now=NOW))
    [finding] = [f for f in findings if f.code == "promise_without_date"]
    assert finding.excerpt == "we kijken ernaar"
    followup = finding.followup
    assert followup is not None and followup.business_days == 2
    # Wednesday 10:00 + two 8.5-hour business days -> Friday 10:00.
    assert followup.due == dt.datetime(2026, 11, 20, 10, 0, tzinfo=AMS)
    assert followup.due_text == "vrijdag"
    assert "uiterlijk vrijdag" in followup.wording
    assert "uiterlijk vrijdag" in finding.suggestion


def test_promise_with_date_is_fine():
    assert "promise_without_date" not in codes("We kijken ernaar en bellen je vrijdag.")
    assert "promise_without_date" not in codes(
        "Ik kom erop terug. Uiterlijk 12 december hoor je het."
    )


def test_promise_without_now_still_proposes_two_business_days():
    [finding] = [f for f in check_reply("Ik kom erop terug.") if f.code == "promise_without_date"]
    assert finding.followup is not None and finding.followup.due is None
    assert "binnen twee werkdagen" in finding.followup.wording


def test_unfitting_emoji():
    assert "unfitting_emoji" in codes("Sorry! We komen morgen 😂", emotion="boos")
    assert "unfitting_emoji" in codes("Bel 113 🙂", message_type="noodkreet")
    assert "unfitting_emoji" not in codes("Dank je! 🎉", emotion="blij")


def test_missing_name():
    assert "missing_name" in codes("Dank je, we komen morgen.", name="Anna de Vries")
    assert "missing_name" not in codes("Dank je, Anna, we komen morgen.", name="Anna de Vries")
    assert "missing_name" not in codes("Dank je, mevrouw De Vries.", name="Anna de Vries")
    assert "missing_name" not in codes("Dank je, Anna!", name="@anna@mastodon.nl")
    assert "missing_name" not in codes("Dank je!", name="@x@mastodon.nl")  # no usable name


def test_too_long_for_channel():
    draft = "Hoi Anna, morgen komen we langs. " * 10
    [finding] = [f for f in check_reply(draft, context=ReplyContext(channel="x"))
                 if f.code == "too_long_for_channel"]  # fmt: skip
    assert finding.start == 280 and "280" in finding.message
    assert "too_long_for_channel" not in codes(draft, channel="mastodon")
    assert "too_long_for_channel" not in codes(draft, channel="email")


def test_english_texts():
    [nl] = [f for f in check_reply("Middels dit bericht.") if f.code == "bureaucratic_word"]
    ctx = ReplyContext(language="en")
    [en] = [
        f for f in check_reply("Middels dit bericht.", context=ctx) if f.code == "bureaucratic_word"
    ]
    assert "ambtelijke" in nl.message and "officialese" in en.message
    assert en.start == nl.start


def test_findings_sorted_by_severity_and_serialisable():
    findings = check_reply(
        "Middels deze reactie: wij hebben dit intern doorgezet 😂",
        context=ReplyContext(name="Kees", emotion="boos", now=NOW),
    )
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)
    payload = json.loads(json.dumps([f.to_dict() for f in findings]))
    assert {"code", "severity", "start", "end", "excerpt", "message", "why", "suggestion",
            "followup"} <= set(payload[0])  # fmt: skip


@pytest.mark.parametrize(
    "junk",
    ["", "   ", "\x00\x01", "😂" * 500, "a" * 100_000, "...!!!???", "wordt " * 2000, None, 42],
)
def test_junk_never_crashes(junk):
    findings = check_reply(junk, context=ReplyContext(emotion="boos", channel="x", name="Z"))
    assert isinstance(findings, list)


def test_context_from_untrusted_dict():
    ctx = ReplyContext.from_dict(
        {"emotion": "WOEDEND", "language": "fr", "now": "gisteren", "name": 12, "channel": "X"}
    )
    assert ctx.emotion is None and ctx.language == "nl" and ctx.now is None
    assert ctx.name == "12" and ctx.channel == "x"
    assert ReplyContext.from_dict(None) == ReplyContext()
    assert ReplyContext.from_dict({"now": "2026-11-18T10:00:00+01:00"}).now == NOW


def test_suggest_rewrite_applies_safe_replacements_only():
    draft = "Middels dit formulier kunt u reeds aanvragen. Wij hebben dit intern doorgezet."
    rewritten = suggest_rewrite(draft, check_reply(draft))
    assert rewritten.startswith("Met dit formulier kunt u al aanvragen.")
    # A distancing sentence needs a person to rewrite it; it stays as it was.
    assert rewritten.endswith("Wij hebben dit intern doorgezet.")


def test_suggest_rewrite_ignores_stale_and_overlapping_edits():
    draft = "Indien nodig, middels de app."
    findings = check_reply(draft)
    assert suggest_rewrite(draft, findings + findings) == "Als nodig, met de app."
    assert suggest_rewrite("kort", findings) == "kort"


def test_followup_uses_the_organisations_office_hours():
    from nabij.businesstime import OfficeHours

    short_days = OfficeHours.from_dict(
        {"weekly": {d: ["09:00-13:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}
    )
    ctx = ReplyContext(now=NOW, office_hours=short_days)
    [finding] = [f for f in check_reply("Ik kom erop terug.", context=ctx)
                 if f.code == "promise_without_date"]  # fmt: skip
    # Wednesday 10:00 + 2 x 4 hours: 3 on Wednesday, 4 on Thursday, 1 on Friday.
    assert finding.followup is not None
    assert finding.followup.due == dt.datetime(2026, 11, 20, 10, 0, tzinfo=AMS)


def test_composite_emoji_is_one_finding():
    found = [f for f in check_reply("Tja 🤷‍♀️", context=ReplyContext(emotion="boos"))
             if f.code == "unfitting_emoji"]  # fmt: skip
    assert [f.excerpt for f in found] == ["🤷‍♀️"]


@pytest.mark.parametrize(
    "moment",
    ["morgen", "vrijdag", "voor 12 december", "binnen twee werkdagen", "om 14:00", "op 12-12",
     "uiterlijk dinsdag", "volgende week", "vanmiddag"],
)  # fmt: skip
def test_date_expressions_make_a_promise_checkable(moment):
    assert "promise_without_date" not in codes(f"We kijken ernaar en laten het je {moment} weten.")
    assert "promise_without_date" not in codes(f"Ik kom erop terug. Je hoort het {moment}.")


@pytest.mark.parametrize(
    "promise",
    ["Ik kom erop terug.", "We kijken ernaar.", "Je hoort van ons.", "We houden je op de hoogte.",
     "Ik zoek het uit.", "We nemen contact met je op.", "Je melding wordt zo snel mogelijk opgepakt."],
)  # fmt: skip
def test_typical_promises_without_a_date(promise):
    assert "promise_without_date" in codes(promise)


def test_suggest_rewrite_on_junk():
    assert suggest_rewrite(None, []) == ""  # type: ignore[arg-type]
    assert suggest_rewrite("", []) == ""
