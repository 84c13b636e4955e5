"""Synthetic inbox data for the 1,000,000-message benchmark (pure Python, no Django).

Rows are generated as tuples in the column order given by `CONVERSATION_COLUMNS` and
`MESSAGE_COLUMNS`, ready for `executemany` or `COPY`. Inbound texts come from the
labelled training corpus in `data/training/` (so their type, topic and urgency fit the
text), each with an optional sentence naming one of ~500 streets, so that search words
range from very common ("gemeente") to rare (one street name).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

# Bump when the generated rows change: the cached SQLite files are keyed by it.
VERSION = 2
CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "training"
# (slug, kind, name, weight, public)
CHANNELS = [
    ("mastodon", "mastodon", "Mastodon", 18, True),
    ("email", "email", "E-mail", 20, False),
    ("webformulier", "webform", "Webformulier", 15, False),
    ("facebook", "facebook", "Facebook", 20, True),
    ("instagram", "instagram", "Instagram", 8, True),
    ("whatsapp", "whatsapp", "WhatsApp", 13, False),
    ("bluesky", "bluesky", "Bluesky", 6, True),
]
TEAMS = [
    ("webcare", "Webcare"),
    ("wijkbeheer", "Wijkbeheer"),
    ("zorg", "Zorg en welzijn"),
    ("afval", "Afval en reiniging"),
    ("vergunningen", "Vergunningen"),
    ("communicatie", "Communicatie"),
]
URGENCY_RANK = {"laag": 0, "normaal": 1, "hoog": 2, "acuut": 3}
DUE_HOURS = {"acuut": 1, "hoog": 4, "normaal": 24, "laag": 72}
ADVICE = {
    "vraag": "beantwoorden",
    "melding": "doorzetten",
    "klacht": "prive_voortzetten",
    "ervaring": "beantwoorden",
    "mening": "monitoren",
    "compliment": "beantwoorden",
    "aanval": "bewust_niet_reageren",
    "desinformatie": "indirect_reageren",
    "noodkreet": "escaleren",
    "overig": "monitoren",
}
STREET_HEADS = (
    "Beuken Eiken Linden Kastanje Wilgen Berken Essen Populier Esdoorn Vlier Meidoorn Hazelaar "
    "Merel Lijster Zwaluw Reiger Kievit Spreeuw Vinken Mussen Zwanen Eenden Molen Kerk School "
    "Dijk Haven Markt Veld Brink Smids Bakkers Wevers Kuipers Schippers Turf Hooi Rogge Tarwe "
    "Klaver"
).split()
STREET_TAILS = "straat laan weg hof plein kade singel dreef pad gracht steeg erf".split()
DISTRICTS = (
    "Oosterveld Westerkwartier Molenwijk Hoogland Beekdal Noorderpark Zuidrand Kerkbuurt "
    "Havenkwartier Vogelbuurt Bloemenwijk Bomenbuurt Dorpskern Heidepark Vijverhof Stationsbuurt "
    "Rivierenwijk Schildersbuurt Componistenbuurt Polderzicht"
).split()
PLACE_SENTENCES = [
    "Het gaat om de {street} in {district}.",
    "Adres: {street} {number}, {district}.",
    "Dit speelt al een tijd rond de {street}.",
    "Ik woon zelf aan de {street}, vlak bij het plein.",
    "Buren in {district} hebben hetzelfde gemerkt.",
    "Vanmorgen weer gezien op de hoek van de {street}.",
]
REPLY_OPENINGS = [
    "Hallo, dank voor uw bericht.",
    "Goedemiddag, fijn dat u dit laat weten.",
    "Dank u wel voor het doorgeven.",
    "Hoi, vervelend om te lezen.",
    "Goedemorgen, we hebben uw bericht gelezen.",
]
REPLY_MIDDLES = [
    "We hebben een melding gemaakt bij de collega's van {team}.",
    "Een medewerker neemt binnen twee werkdagen contact met u op.",
    "Wilt u ons een privébericht sturen met uw adres? Dan zoeken we het uit.",
    "De aanvraag is in behandeling; u hoort uiterlijk volgende week meer.",
    "Op onze website staat hoe u dit zelf kunt regelen.",
    "We kijken of de ploeg van {team} er deze week langs kan.",
    "Het zaaknummer is {case}; noemt u dat als u opnieuw belt.",
]
NOTE_TEXTS = [
    "Doorgezet naar {team}, zaak {case}.",
    "Inwoner eerder geholpen, zie vorig gesprek.",
    "Navragen bij {team} of de planning klopt.",
    "Let op: gevoelig, overleg met coördinator.",
]
FALLBACK_TEXTS = [
    ("De lantaarnpaal doet het weer niet, het is erg donker op straat.", "melding"),
    ("Wanneer wordt het grofvuil opgehaald? Ik heb een oude bank.", "vraag"),
    ("Al drie weken ligt er afval naast de container.", "klacht"),
    ("Bedankt voor het snelle herstel van de stoep!", "compliment"),
    ("Waarom duurt mijn aanvraag voor een parkeervergunning zo lang?", "vraag"),
]

CONVERSATION_COLUMNS = (
    "id channel_id contact_id thread_key subject status assignee_id team_id priority public "
    "type topic urgency urgency_rank advised_action has_unaccounted first_response_due "
    "resolution_due first_response_at waiting_since paused_seconds last_message_at "
    "last_inbound_at message_count preview created_at closed_at breach_alerted_at"
).split()
MESSAGE_COLUMNS = (
    "id conversation_id channel_id contact_id author_user_id direction external_id in_reply_to "
    "text language sent_at received_at public url content_warning raw type topic urgency "
    "analysed_at response_due_at accounted_at"
).split()
CONTACT_COLUMNS = (
    "id pseudonym display_name flagged_abuser hidden_count first_seen_at last_seen_at message_count"
).split()
IDENTITY_COLUMNS = "id contact_id channel_id handle name".split()
FIRST_NAMES = (
    "Anna Bram Carla Daan Eva Fatima Gerrit Hanna Ilse Jan Kees Lotte Mohamed Noor Olga Pieter "
    "Ruud Sanne Tom Yara Zeynep Wim Femke Joost"
).split()
LAST_NAMES = (
    "de Vries Jansen Bakker Visser Smit Meijer de Boer Mulder de Groot Bos Vos Peters Hendriks "
    "Dekker Brouwer van Dijk Yilmaz El Amrani Kramer"
).split()


@dataclass
class Corpus:
    """Inbound texts with their labels (type, topic, urgency)."""

    items: list[tuple[str, str, str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path = CORPUS_DIR) -> Corpus:
        """Read every labelled text in directory; a few built-in texts when there are none."""
        items = []
        for path in sorted(directory.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    labels = row.get("labels") or {}
                    text = str(row["text"]).strip()
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
                if text:
                    items.append(
                        (
                            text,
                            str(labels.get("type") or "overig"),
                            str(labels.get("topic") or "")[:60],
                            str(labels.get("urgency") or "normaal"),
                        )
                    )
        if not items:
            items = [(t, k, "", "normaal") for t, k in FALLBACK_TEXTS]
        return cls(items)

    def topics(self) -> list[str]:
        """The distinct topic slugs in the corpus."""
        return sorted({t for _, _, t, _ in self.items if t})


@dataclass
class Ids:
    """Primary keys of the small tables, created beforehand with the ORM."""

    channels: list[int]
    teams: list[int]
    agents: list[int]


@dataclass
class Batch:
    """A chunk of generated rows."""

    conversations: list[tuple[object, ...]]
    messages: list[tuple[object, ...]]


@dataclass
class ContactStats:
    """Per contact: first and last message time and count (filled while generating)."""

    first: dict[int, datetime] = field(default_factory=dict)
    last: dict[int, datetime] = field(default_factory=dict)
    count: dict[int, int] = field(default_factory=dict)

    def add(self, contact: int, when: datetime) -> None:
        """Count one inbound message of contact at when."""
        if contact not in self.first or when < self.first[contact]:
            self.first[contact] = when
        if contact not in self.last or when > self.last[contact]:
            self.last[contact] = when
        self.count[contact] = self.count.get(contact, 0) + 1


@dataclass
class _Thread:
    """One conversation's values while its messages are generated."""

    conv_id: int
    slug: str
    channel_id: int
    public: bool
    contact: int
    status: str
    team_id: int | None
    team_name: str
    assignee: int | None
    start: datetime
    due: datetime | None
    times: list[datetime]
    directions: list[str]
    closed_at: datetime | None
    latest: tuple[str, str, str, str]  # text, type, topic, urgency of the latest inbound
    last_inbound: datetime
    unaccounted: bool = False
    prev_external: str = ""

    def first_outbound(self, after: int) -> datetime | None:
        """When the first reply at or after message `after` was sent."""
        for when, direction in zip(self.times[after:], self.directions[after:], strict=True):
            if direction == "outbound":
                return when
        return None


def streets() -> list[str]:
    """All street names (a few hundred, so each one is rare)."""
    return [head + tail for head in STREET_HEADS for tail in STREET_TAILS]


def message_counts(total: int, rng: random.Random) -> list[int]:
    """Messages per conversation (mean ~2.54), summing exactly to total."""
    sizes = [1, 2, 3, 4, 5, 6, 8, 12]
    weights = [38, 26, 15, 9, 5, 3, 2, 2]
    counts: list[int] = []
    remaining = total
    while remaining > 0:
        k = min(rng.choices(sizes, weights)[0], remaining)
        counts.append(k)
        remaining -= k
    return counts


def pick_status(age: timedelta, rng: random.Random) -> str:
    """Old conversations are nearly all closed; recent ones mostly not."""
    r = rng.random()
    if age > timedelta(days=21):
        return "closed" if r < 0.96 else ("waiting" if r < 0.98 else "open")
    if age > timedelta(days=3):
        return "closed" if r < 0.6 else ("waiting" if r < 0.75 else ("open" if r < 0.95 else "new"))
    return "new" if r < 0.45 else ("open" if r < 0.75 else ("waiting" if r < 0.85 else "closed"))


class Generator:
    """Deterministic generator of conversations and messages relative to `now`."""

    def __init__(
        self, total: int, now: datetime, ids: Ids, corpus: Corpus, seed: int = 2026
    ) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.ids = ids
        self.corpus = corpus
        self.counts = message_counts(total, self.rng)
        self.contacts = max(1, int(total * 0.15))
        self.span = timedelta(days=365)
        self.streets = streets()
        self.stats = ContactStats()
        self.channel_weights = [w for _, _, _, w, _ in CHANNELS]
        self.message_id = 0

    def batches(self, size: int = 20_000) -> Iterator[Batch]:
        """Conversations in id (and time) order, with their messages, in chunks."""
        convs: list[tuple[object, ...]] = []
        msgs: list[tuple[object, ...]] = []
        n = len(self.counts)
        for i, k in enumerate(self.counts):
            start = self.now - self.span * (1 - (i + self.rng.random()) / n)
            self._conversation(i + 1, k, start, convs, msgs)
            if len(convs) >= size:
                yield Batch(convs, msgs)
                convs, msgs = [], []
        if convs:
            yield Batch(convs, msgs)

    def _contact(self) -> int:
        # A few residents write very often; most only once or twice.
        if self.rng.random() < 0.1:
            return 1 + int(self.rng.paretovariate(1.2)) % self.contacts
        return self.rng.randrange(1, self.contacts + 1)

    def _inbound_text(self) -> tuple[str, str, str, str]:
        text, kind, topic, urgency = self.rng.choice(self.corpus.items)
        if self.rng.random() < 0.5:
            extra = self.rng.choice(PLACE_SENTENCES).format(
                street=self.rng.choice(self.streets),
                district=self.rng.choice(DISTRICTS),
                number=self.rng.randrange(1, 180),
            )
            text = f"{text} {extra}"
        return text, kind, topic, urgency

    def _reply_text(self, team: str) -> str:
        case = f"Z{self.rng.randrange(10**6, 10**7)}"
        middle = self.rng.choice(REPLY_MIDDLES).format(team=team, case=case)
        agent = self.rng.choice(FIRST_NAMES)
        return f"{self.rng.choice(REPLY_OPENINGS)} {middle} Groet, {agent}"

    def _conversation(
        self,
        conv_id: int,
        k: int,
        start: datetime,
        convs: list[tuple[object, ...]],
        msgs: list[tuple[object, ...]],
    ) -> None:
        thread = self._thread(conv_id, k, start)
        for j in range(k):
            self.message_id += 1
            if thread.directions[j] == "inbound":
                msgs.append(self._inbound_row(thread, j))
            else:
                msgs.append(self._other_row(thread, j))
        convs.append(self._conversation_row(thread))

    def _thread(self, conv_id: int, k: int, start: datetime) -> _Thread:
        """The conversation-level choices (channel, contact, status, team, deadline, timeline)."""
        rng = self.rng
        ch_index = rng.choices(range(len(CHANNELS)), self.channel_weights)[0]
        slug, _kind, _name, _w, public = CHANNELS[ch_index]
        contact = self._contact()
        status = pick_status(self.now - start, rng)
        team_index = rng.randrange(len(TEAMS)) if rng.random() < 0.7 else None
        assigned = rng.random() < (0.9 if status == "closed" else 0.4)
        assignee = rng.choice(self.ids.agents) if assigned else None
        text, kind, topic, urgency = self._inbound_text()
        due = None if rng.random() < 0.07 else start + timedelta(hours=DUE_HOURS.get(urgency, 24))
        times, directions = self._timeline(k, start, status)
        return _Thread(
            conv_id=conv_id,
            slug=slug,
            channel_id=self.ids.channels[ch_index],
            public=public,
            contact=contact,
            status=status,
            team_id=self.ids.teams[team_index] if team_index is not None else None,
            team_name=TEAMS[team_index][1] if team_index is not None else "Webcare",
            assignee=assignee,
            start=start,
            due=due,
            times=times,
            directions=directions,
            closed_at=min(times[-1] + timedelta(days=1), self.now) if status == "closed" else None,
            latest=(text, kind, topic, urgency),
            last_inbound=start,
        )

    def _timeline(self, k: int, start: datetime, status: str) -> tuple[list[datetime], list[str]]:
        """When each message was sent and its direction (new conversations have no reply)."""
        rng = self.rng
        times = [start]
        for _ in range(k - 1):
            nxt = times[-1] + timedelta(minutes=rng.randrange(10, 4320))
            times.append(min(nxt, self.now - timedelta(seconds=rng.randrange(1, 600))))
        directions = ["inbound"]
        for _ in range(1, k):
            if status == "new":
                directions.append("inbound")
            elif rng.random() < 0.1:
                directions.append("note")
            else:
                directions.append("outbound" if directions[-1] != "outbound" else "inbound")
        return times, directions

    def _inbound_row(self, t: _Thread, j: int) -> tuple[object, ...]:
        """A resident's message, with its deadline and when it was accounted for."""
        mid, when = self.message_id, t.times[j]
        if j:
            t.latest = self._inbound_text()
        text, kind, topic, urgency = t.latest
        t.last_inbound = when
        self.stats.add(t.contact, when)
        response_due = None if t.due is None else when + (t.due - t.start)
        answered = t.first_outbound(after=j)
        accounted = answered or t.closed_at
        if response_due is not None and accounted is None and response_due < self.now:
            t.unaccounted = True
        external, reply_to = f"b{mid}", t.prev_external
        t.prev_external = external
        return (mid, t.conv_id, t.channel_id, t.contact, None, "inbound", external, reply_to,
                text, "nl", when, when + timedelta(seconds=2), t.public, "", "", "{}", kind,
                topic, urgency, when + timedelta(seconds=5), response_due, accounted)  # fmt: skip

    def _other_row(self, t: _Thread, j: int) -> tuple[object, ...]:
        """A reply or an internal note by an agent."""
        mid, when, direction = self.message_id, t.times[j], t.directions[j]
        body = (
            self._reply_text(t.team_name)
            if direction == "outbound"
            else self.rng.choice(NOTE_TEXTS).format(team=t.team_name, case=f"Z{mid}")
        )
        author = t.assignee or self.rng.choice(self.ids.agents)
        external = f"o{mid}" if direction == "outbound" else None
        return (mid, t.conv_id, t.channel_id, None, author, direction, external, t.prev_external,
                body, "nl", when, when, t.public and direction == "outbound", "", "", "{}",
                "", "", "", None, None, None)  # fmt: skip

    def _conversation_row(self, t: _Thread) -> tuple[object, ...]:
        """The conversation with the values denormalised from its latest inbound message."""
        text, kind, topic, urgency = t.latest
        k = len(t.times)
        first_out = t.first_outbound(after=0)
        waiting = first_out if t.status == "waiting" else None
        breach = None
        if t.due is not None and (first_out is None or first_out > t.due) and t.due < self.now:
            breach = t.due + timedelta(minutes=5)
        resolution = None if t.due is None else t.start + timedelta(days=5)
        subject = text[:60] if t.slug == "email" else ""
        first_id = self.message_id - k + 1
        return (t.conv_id, t.channel_id, t.contact, f"{t.slug}:b{first_id}", subject, t.status,
                t.assignee, t.team_id, 1, t.public, kind, topic, urgency,
                URGENCY_RANK.get(urgency, 1), ADVICE.get(kind, "monitoren"),
                t.unaccounted and t.status != "closed", t.due, resolution, first_out, waiting, 0,
                t.times[-1], t.last_inbound, k, text[:200], t.start, t.closed_at,
                breach)  # fmt: skip

    def contact_rows(self) -> Iterator[tuple[object, ...]]:
        """One row per contact, after all batches (uses the statistics gathered)."""
        rng = random.Random(7)
        for cid in range(1, self.contacts + 1):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            yield (
                cid, f"c-{cid:016x}", name, rng.random() < 0.002, 0,
                self.stats.first.get(cid), self.stats.last.get(cid), self.stats.count.get(cid, 0),
            )  # fmt: skip

    def identity_rows(self) -> Iterator[tuple[object, ...]]:
        """One identity (handle on a channel) per contact."""
        rng = random.Random(8)
        for cid in range(1, self.contacts + 1):
            ch = rng.randrange(len(CHANNELS))
            yield (cid, cid, self.ids.channels[ch], f"@inwoner{cid}@{CHANNELS[ch][0]}", "")
