"""Checks that depend on the message being answered: feeling, next step, promises, name."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from nabij.businesstime import OfficeHours, add_business_hours, human_day
from nabij.tone import lexicon, readability
from nabij.tone.lexical import Span, make_finding, overlaps
from nabij.tone.model import CHANNEL_LIMITS, NEGATIVE_EMOTIONS, FollowUp, ReplyContext, ToneFinding
from nabij.tone.texts import ACK_EXAMPLES, EMOJI_CONTEXT, emotion_word

FOLLOWUP_BUSINESS_DAYS = 2
# Message types that need no next step: thanks for a compliment is enough, and the answer
# to a question is itself the point of the reply.
NO_NEXT_STEP_TYPES = frozenset({"compliment", "vraag"})
_NAME_PARTICLES = frozenset({"de", "van", "der", "den", "het", "ter", "ten", "la", "le", "du"})


def _matches(patterns: tuple[re.Pattern[str], ...], text: str) -> list[Span]:
    return [m.span() for p in patterns for m in p.finditer(text) if m.end() > m.start()]


def check_acknowledgement(
    draft: str, context: ReplyContext, distancing: list[Span]
) -> list[ToneFinding]:
    """A negative emotion in the message needs an acknowledgement in the reply."""
    emotion = context.emotion
    if emotion not in NEGATIVE_EMOTIONS:
        return []
    ack = lexicon.cues().acknowledgement
    patterns = ack.get("general", ()) + ack.get(emotion, ())
    # A cue inside a distancing phrase ("excuses voor het eventuele ongemak") is no
    # real acknowledgement.
    if any(not overlaps(a, b, distancing) for a, b in _matches(patterns, draft)):
        return []
    return [
        make_finding(
            "missing_acknowledgement",
            context.language,
            draft,
            None,
            None,
            emotion_word=emotion_word(emotion, context.language),
            example=ACK_EXAMPLES[emotion],
        )
    ]


def check_next_step(draft: str, context: ReplyContext) -> list[ToneFinding]:
    """A reply should say what happens next (not needed for compliments and questions)."""
    if context.message_type in NO_NEXT_STEP_TYPES or context.emotion == "blij":
        return []
    cues = lexicon.cues()
    if _matches(cues.next_step, draft) or _matches(cues.promise, draft):
        return []
    return [make_finding("missing_next_step", context.language, draft, None, None)]


def _has_date(text: str) -> bool:
    return bool(_matches(lexicon.cues().date, text))


def check_promises(draft: str, context: ReplyContext) -> list[ToneFinding]:
    """A promise needs a moment in the same or the next sentence."""
    found: list[ToneFinding] = []
    parts = readability.sentences(draft)
    for index, sentence in enumerate(parts):
        nearby = " ".join(s.text for s in parts[index : index + 2])
        spans = _matches(lexicon.cues().promise, sentence.text)
        if not spans or _has_date(nearby):
            continue
        start, end = _first_merged(spans)
        start, end = sentence.start + start, sentence.start + end
        followup = propose_followup(draft[start:end], context)
        finding = make_finding(
            "promise_without_date", context.language, draft, start, end, wording=followup.wording
        )
        found.append(dataclasses.replace(finding, followup=followup))
    return found


def _first_merged(spans: list[Span]) -> Span:
    """The first span, grown to cover every span that overlaps it (one promise, one span)."""
    ordered = sorted(spans)
    start, end = ordered[0]
    for a, b in ordered[1:]:
        if a < end:
            end = max(end, b)
    return start, end


def propose_followup(promise: str, context: ReplyContext) -> FollowUp:
    """Propose a follow-up task two business days after `now` for a promise."""
    due: dt.datetime | None = None
    due_text: str | None = None
    if context.now is not None:
        office = context.office_hours or OfficeHours()
        # Two full business days of open time after now (the longest opening day counts as one).
        due = add_business_hours(context.now, FOLLOWUP_BUSINESS_DAYS * _day_hours(office), office)
        due_text = human_day(due.date(), context.now.astimezone(office.tz).date(), "nl")
    moment = f"uiterlijk {due_text}" if due_text else "binnen twee werkdagen"
    title_prefix = "Follow up on" if context.language == "en" else "Terugkomen op"
    return FollowUp(
        business_days=FOLLOWUP_BUSINESS_DAYS,
        due=due,
        due_text=due_text,
        title=f"{title_prefix}: “{promise}”",
        wording=f"Ik laat je {moment} weten hoe het ervoor staat.",
    )


def _day_hours(office: OfficeHours) -> float:
    # The longest opening day stands for "one business day".
    return max(sum(end - start for start, end in day) for day in office.weekly) / 60


def check_emoji(draft: str, context: ReplyContext) -> list[ToneFinding]:
    """Emoji that do not fit the emotion or type of the incoming message."""
    found: list[ToneFinding] = []
    taken: list[Span] = []
    for rule in lexicon.emoji_rules():
        by_emotion = context.emotion in rule.emotions
        if not (by_emotion or context.message_type in rule.types):
            continue
        # Longest first, so "🤷‍♀️" is one finding and not also its "🤷".
        for emoji in sorted(rule.emoji, key=len, reverse=True):
            start = draft.find(emoji)
            end = start + len(emoji)
            if start < 0 or overlaps(start, end, taken):
                continue
            taken.append((start, end))
            found.append(_emoji_finding(draft, context, start, end, by_emotion))
    return found


def _emoji_finding(
    draft: str, context: ReplyContext, start: int, end: int, by_emotion: bool
) -> ToneFinding:
    words = EMOJI_CONTEXT.get(context.language, EMOJI_CONTEXT["nl"])
    if by_emotion and context.emotion:
        where = words["emotion"].format(
            emotion_word=emotion_word(context.emotion, context.language)
        )
    else:
        where = words["type"].format(kind=context.message_type)
    return make_finding("unfitting_emoji", context.language, draft, start, end, context_word=where)


def name_parts(name: str) -> list[str]:
    """The parts of a name worth looking for in a reply (no particles, no handles)."""
    cleaned = re.sub(r"^@|@.*$", "", name.strip())
    parts = re.split(r"[\s_.]+", cleaned)
    return [p for p in parts if len(p) >= 2 and p.lower() not in _NAME_PARTICLES]


def check_name(draft: str, context: ReplyContext) -> list[ToneFinding]:
    """The resident's name should appear in the reply when we know it."""
    if not context.name:
        return []
    parts = name_parts(context.name)
    if not parts:
        return []
    for part in parts:
        if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", draft, re.IGNORECASE):
            return []
    return [make_finding("missing_name", context.language, draft, None, None, name=parts[0])]


def check_length(draft: str, context: ReplyContext) -> list[ToneFinding]:
    """The reply must fit the channel's character limit."""
    limit = CHANNEL_LIMITS.get(context.channel or "")
    if limit is None or len(draft) <= limit:
        return []
    return [
        make_finding(
            "too_long_for_channel",
            context.language,
            draft,
            limit,
            len(draft),
            count=len(draft),
            limit=limit,
            channel=context.channel,
        )
    ]
