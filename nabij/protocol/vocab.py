"""The shared label vocabularies a protocol may refer to (see docs/interfaces.md)."""

from __future__ import annotations

MESSAGE_TYPES = (
    "vraag",
    "melding",
    "klacht",
    "ervaring",
    "mening",
    "compliment",
    "aanval",
    "desinformatie",
    "noodkreet",
    "overig",
)
SENTIMENT_LABELS = ("positief", "neutraal", "negatief")
EMOTIONS = ("boos", "frustratie", "verdriet", "angst", "vermoeidheid", "blij", "neutraal")
TOXICITY_CATEGORIES = ("belediging", "bedreiging", "grof_taalgebruik", "groepsbelediging")
# Urgency is ordered, so conditions may say `urgency: {gte: hoog}`.
URGENCY_LEVELS = ("laag", "normaal", "hoog", "acuut")
DEFAULT_TOPICS = (
    "afval",
    "parkeren",
    "verkeer",
    "openbare_ruimte",
    "verlichting",
    "groen",
    "zorg_wmo",
    "jeugd",
    "belastingen",
    "toeslagen",
    "inkomen",
    "wonen",
    "veiligheid",
    "overlast",
    "dienstverlening",
    "evenementen",
    "onderwijs",
    "klimaat_energie",
    "water_riolering",
    "bestuur",
    "overig",
)
PII_KINDS = ("bsn", "iban", "telefoon", "email", "adres", "kenteken", "naam")
CHANNELS = (
    "mastodon",
    "email",
    "webform",
    "api",
    "facebook",
    "instagram",
    "whatsapp",
    "x",
    "bluesky",
    "rss",
    "import",
)
ACTIONS = (
    "beantwoorden",
    "prive_voortzetten",
    "doorzetten",
    "escaleren",
    "stil_opvolgen",
    "indirect_reageren",
    "bewust_niet_reageren",
    "verbergen",
    "monitoren",
)
# Actions after which nobody answers in public; used by reports and the statement.
SILENT_ACTIONS = frozenset({"bewust_niet_reageren", "verbergen", "monitoren", "stil_opvolgen"})
