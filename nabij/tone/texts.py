"""Finding texts, one table per language. Placeholders are filled by `render`."""

from __future__ import annotations

from typing import Any

SEVERITY = {
    "distancing_phrase": "high",
    "missing_acknowledgement": "high",
    "unfitting_emoji": "high",
    "too_long_for_channel": "high",
    "promise_without_date": "medium",
    "missing_next_step": "medium",
    "missing_name": "medium",
    "bureaucratic_word": "medium",
    "long_sentence": "low",
    "difficult_word": "low",
    "passive_voice": "low",
    "low_readability": "low",
}

NL: dict[str, dict[str, str]] = {
    "distancing_phrase": {
        "message": "“{excerpt}” klinkt afstandelijk.",
        "why": "Zo'n zin zet de organisatie tegenover de inwoner. Iedereen die meeleest, "
        "ziet een loket in plaats van een mens die helpt.",
        "suggestion": "Beter: “{alternative}”. Zeg wie iets doet en wanneer.",
    },
    "bureaucratic_word": {
        "message": "“{excerpt}” is ambtelijke taal.",
        "why": "Ambtelijke woorden maken een antwoord stijf en moeilijker te lezen.",
        "suggestion": "Schrijf “{alternative}”.",
    },
    "difficult_word": {
        "message": "“{excerpt}” is een moeilijk woord (boven taalniveau B1).",
        "why": "Ongeveer de helft van de inwoners leest het liefst op B1-niveau.",
        "suggestion": "Gebruik liever “{alternative}”.",
    },
    "long_sentence": {
        "message": "Deze zin heeft {count} woorden (meer dan {limit}).",
        "why": "Lange zinnen zijn moeilijk te volgen, zeker op een telefoon.",
        "suggestion": "Knip de zin in twee of drie korte zinnen.",
    },
    "passive_voice": {
        "message": "“{excerpt}” is lijdende vorm.",
        "why": "In de lijdende vorm verdwijnt wie iets doet. Dat klinkt vaag en afstandelijk.",
        "suggestion": "Zeg wie het doet: “wij …”, “mijn collega …”.",
    },
    "low_readability": {
        "message": "De tekst is moeilijk leesbaar (leesbaarheidsscore {score}, doel 60 of hoger).",
        "why": "Een moeilijk antwoord sluit meelezers uit en roept nieuwe vragen op.",
        "suggestion": "Gebruik kortere zinnen en kortere woorden{words}.",
    },
    "missing_acknowledgement": {
        "message": "Het bericht laat {emotion_word} zien, maar het antwoord erkent dat niet.",
        "why": "Wie eerst het gevoel erkent, wordt beter gehoord. Zonder erkenning voelt "
        "elk antwoord als een afwijzing.",
        "suggestion": "Begin met erkenning, bijvoorbeeld: “{example}”",
    },
    "missing_next_step": {
        "message": "Het antwoord zegt niet wat er nu gaat gebeuren.",
        "why": "Zonder volgende stap weet de inwoner niet waar hij aan toe is en komt "
        "dezelfde vraag terug.",
        "suggestion": "Zeg wat jij doet en wanneer, of wat de inwoner zelf kan doen "
        "(met link of telefoonnummer).",
    },
    "promise_without_date": {
        "message": "“{excerpt}” is een belofte zonder datum.",
        "why": "Een belofte zonder moment is niet na te komen en niet te controleren. "
        "Met een datum weet de inwoner waar hij aan toe is.",
        "suggestion": "Noem een moment, bijvoorbeeld: “{wording}”",
    },
    "unfitting_emoji": {
        "message": "De emoji {excerpt} past niet bij {context_word}.",
        "why": "Een emoji die niet klopt, kan meer vervreemden dan geen antwoord.",
        "suggestion": "Laat de emoji weg.",
    },
    "missing_name": {
        "message": "Het antwoord noemt {name} niet bij naam.",
        "why": "Een naam laat zien dat een mens dit persoonlijk leest en beantwoordt.",
        "suggestion": "Begin met “Hoi {name},” of “Dag {name},”.",
    },
    "too_long_for_channel": {
        "message": "Het antwoord heeft {count} tekens; op {channel} passen er {limit}.",
        "why": "Een te lang antwoord wordt afgekapt of moet in delen, en verliest zo zijn punt.",
        "suggestion": "Kort het antwoord in of ga verder in een privébericht.",
    },
}

EN: dict[str, dict[str, str]] = {
    "distancing_phrase": {
        "message": "“{excerpt}” sounds distant.",
        "why": "Such a sentence puts the organisation opposite the resident. Everyone reading "
        "along sees a counter, not a person who helps.",
        "suggestion": "Better (in Dutch): “{alternative}”. Say who does what, and when.",
    },
    "bureaucratic_word": {
        "message": "“{excerpt}” is officialese.",
        "why": "Official words make a reply stiff and harder to read.",
        "suggestion": "Write “{alternative}”.",
    },
    "difficult_word": {
        "message": "“{excerpt}” is a difficult word (above CEFR level B1).",
        "why": "About half of all residents prefer to read at B1 level.",
        "suggestion": "Prefer “{alternative}”.",
    },
    "long_sentence": {
        "message": "This sentence has {count} words (more than {limit}).",
        "why": "Long sentences are hard to follow, especially on a phone.",
        "suggestion": "Split the sentence into two or three short ones.",
    },
    "passive_voice": {
        "message": "“{excerpt}” is passive voice.",
        "why": "The passive hides who acts. It sounds vague and distant.",
        "suggestion": "Say who does it: “we …”, “my colleague …”.",
    },
    "low_readability": {
        "message": "The text is hard to read (readability score {score}, aim for 60 or more).",
        "why": "A difficult reply shuts out readers and raises new questions.",
        "suggestion": "Use shorter sentences and shorter words{words}.",
    },
    "missing_acknowledgement": {
        "message": "The message shows {emotion_word}, but the reply does not acknowledge it.",
        "why": "People listen once their feeling is acknowledged. Without it every answer "
        "feels like a rejection.",
        "suggestion": "Start by acknowledging it, for example: “{example}”",
    },
    "missing_next_step": {
        "message": "The reply does not say what happens next.",
        "why": "Without a next step the resident does not know where they stand and the "
        "question comes back.",
        "suggestion": "Say what you will do and when, or what the resident can do "
        "(with a link or phone number).",
    },
    "promise_without_date": {
        "message": "“{excerpt}” is a promise without a date.",
        "why": "A promise without a moment cannot be kept or checked. A date tells the "
        "resident where they stand.",
        "suggestion": "Name a moment, for example: “{wording}”",
    },
    "unfitting_emoji": {
        "message": "The emoji {excerpt} does not fit {context_word}.",
        "why": "An emoji that does not fit can alienate more than no answer at all.",
        "suggestion": "Leave the emoji out.",
    },
    "missing_name": {
        "message": "The reply does not address {name} by name.",
        "why": "A name shows that a person reads and answers this personally.",
        "suggestion": "Start with “Hoi {name},” or “Dag {name},”.",
    },
    "too_long_for_channel": {
        "message": "The reply has {count} characters; {channel} allows {limit}.",
        "why": "A reply that is too long gets cut off or split, and loses its point.",
        "suggestion": "Shorten it or continue in a private message.",
    },
}

# Words used inside the texts above.
EMOTION_WORDS = {
    "nl": {
        "boos": "boosheid",
        "frustratie": "frustratie",
        "verdriet": "verdriet",
        "angst": "zorgen of angst",
        "vermoeidheid": "vermoeidheid",
    },
    "en": {
        "boos": "anger",
        "frustratie": "frustration",
        "verdriet": "sadness",
        "angst": "worry or fear",
        "vermoeidheid": "fatigue",
    },
}
# Example acknowledgements stay Dutch: they are wording for the Dutch reply itself.
ACK_EXAMPLES = {
    "boos": "Ik snap dat je hier boos over bent.",
    "frustratie": "Wat vervelend dat dit zo lang duurt.",
    "verdriet": "Wat verdrietig. Veel sterkte.",
    "angst": "Ik begrijp dat dit je zorgen geeft.",
    "vermoeidheid": "Ik kan me voorstellen dat je er moe van wordt.",
}
EMOJI_CONTEXT = {
    "nl": {
        "emotion": "een bericht met {emotion_word}",
        "type": "een bericht van dit type ({kind})",
    },
    "en": {
        "emotion": "a message showing {emotion_word}",
        "type": "a message of this type ({kind})",
    },
}

TABLES = {"nl": NL, "en": EN}


def render(code: str, language: str, **values: Any) -> dict[str, str]:
    """The message, why and suggestion texts of a finding in one language."""
    table = TABLES.get(language, NL)
    entry = table[code]
    filled = _Blank(values)
    return {key: text.format_map(filled) for key, text in entry.items()}


class _Blank(dict[str, Any]):
    """Format values where a missing placeholder becomes empty instead of an error."""

    def __missing__(self, key: str) -> str:
        return ""


def emotion_word(emotion: str, language: str) -> str:
    """The noun for an emotion in the given language."""
    return EMOTION_WORDS.get(language, EMOTION_WORDS["nl"]).get(emotion, emotion)
