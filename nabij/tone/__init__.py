"""The tone mirror: checks a draft webcare reply for distance, jargon and missing care."""

from nabij.tone.mirror import check_reply, suggest_rewrite
from nabij.tone.model import FollowUp, ReplyContext, ToneFinding
from nabij.tone.readability import flesch_douma

__all__ = [
    "FollowUp",
    "ReplyContext",
    "ToneFinding",
    "check_reply",
    "flesch_douma",
    "suggest_rewrite",
]
