"""Readable deadlines ("vandaag 16:00", "maandag 10:30") and the outside-hours notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nabij.businesstime.arithmetic import is_open, next_open
from nabij.businesstime.office import OfficeHours

_WORDS = {
    "nl": {
        "days": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
        "months": (
            "januari", "februari", "maart", "april", "mei", "juni",
            "juli", "augustus", "september", "oktober", "november", "december",
        ),
        "today": "vandaag", "tomorrow": "morgen", "yesterday": "gisteren",
        "open_now": "We zijn nu bereikbaar en lezen je bericht zo snel mogelijk.",
        "closed": (
            "Je bericht is binnen. We zijn nu niet bereikbaar; een collega leest het {when} "
            "vanaf {time}."
        ),
    },
    "en": {
        "days": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        "months": (
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ),
        "today": "today", "tomorrow": "tomorrow", "yesterday": "yesterday",
        "open_now": "We are available now and will read your message as soon as we can.",
        "closed": (
            "Your message has arrived. We are closed right now; a colleague will read it "
            "{when} from {time}."
        ),
    },
}  # fmt: skip


def _words(language: str) -> dict:
    return _WORDS.get(language, _WORDS["nl"])


def human_day(day: dt.date, today: dt.date, language: str = "nl") -> str:
    """Name a date relative to today: vandaag, morgen, a weekday, or a full date."""
    words = _words(language)
    delta = (day - today).days
    if delta == 0:
        return str(words["today"])
    if delta == 1:
        return str(words["tomorrow"])
    if delta == -1:
        return str(words["yesterday"])
    weekday = words["days"][day.weekday()]
    if 1 < delta < 7:
        return str(weekday)
    text = f"{weekday} {day.day} {words['months'][day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def human_deadline(
    when: dt.datetime, now: dt.datetime, language: str = "nl", tz: str | None = None
) -> str:
    """Say a deadline the way a person would: "vandaag 16:00", "maandag 10:30"."""
    zone = OfficeHours(timezone=tz).tz if tz else OfficeHours().tz
    local, local_now = when.astimezone(zone), now.astimezone(zone)
    return f"{human_day(local.date(), local_now.date(), language)} {local:%H:%M}"


@dataclass(frozen=True)
class OutsideHoursNotice:
    """Whether a person reads a message now, and if not, when."""

    open_now: bool
    read_from: dt.datetime
    text: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly form."""
        return {
            "open_now": self.open_now,
            "read_from": self.read_from.isoformat(),
            "text": self.text,
        }


def outside_hours_notice(
    now: dt.datetime, office_hours: OfficeHours | None = None, language: str = "nl"
) -> OutsideHoursNotice:
    """Tell honestly when a person will read a message that arrives `now`."""
    office = office_hours or OfficeHours()
    words = _words(language)
    if is_open(now, office):
        return OutsideHoursNotice(True, now.astimezone(office.tz), str(words["open_now"]))
    start = next_open(now, office)
    day = human_day(start.date(), now.astimezone(office.tz).date(), language)
    text = str(words["closed"]).format(when=day, time=f"{start:%H:%M}")
    return OutsideHoursNotice(False, start, text)
