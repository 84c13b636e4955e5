"""Loading the demo organisation (Gemeente Lindewaard), its accounts and its messages."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from nabij.config import BASE_DIR

DEMO_DIR = BASE_DIR / "data" / "demo"

DEMO_USERS = [
    ("admin", "admin", "Beheerder", "Nabij-demo-admin"),
    ("marloes", "coordinator", "Marloes", "Nabij-demo-marloes"),
    ("sanne", "agent", "Sanne", "Nabij-demo-sanne"),
    ("youssef", "agent", "Youssef", "Nabij-demo-youssef"),
    ("daan", "analyst", "Daan", "Nabij-demo-daan"),
    ("priya", "auditor", "Priya", "Nabij-demo-priya"),
]

DEMO_TEAMS = [
    ("webcare", "Webcare", "Beantwoordt berichten op alle kanalen."),
    ("wijkbeheer", "Wijkbeheer", "Openbare ruimte, verlichting, groen en afval."),
    ("zorg", "Zorg en welzijn", "Wmo, jeugd, schulden en mensen in nood."),
    ("communicatie", "Communicatie", "Eigen berichten, woordvoering en crisiscommunicatie."),
    ("belastingen", "Belastingen", "OZB, afvalstoffenheffing en kwijtschelding."),
    ("klachten", "Klachtenbehandeling", "Formele klachten over de gemeente."),
    ("klantcontact", "Klantcontact", "Het KCC: telefoon, balie en algemene vragen."),
    ("crisisteam", "Crisisteam", "Opgeschaald bij calamiteiten en crisismodus."),
    ("veiligheid", "Openbare orde en veiligheid", "Bedreigingen, overlast en handhaving."),
]


# Neighbourhoods (None) and streets or places with the neighbourhood they lie in.
DEMO_PLACES: dict[str, str | None] = {
    "Oud-Centrum": None,
    "Molenkwartier": None,
    "De Horst": None,
    "Waterrijk": None,
    "Kerkebuurt": None,
    "Zuiderpark": None,
    "Beekdal": None,
    "Ter Aa": None,
    "Wiekstraat": "Molenkwartier",
    "Maalderij": "Molenkwartier",
    "Korenmolenlaan": "Molenkwartier",
    "Zeilmakersstraat": "Molenkwartier",
    "Molenpad": "Molenkwartier",
    "De Spetter": None,
}


def demo_files() -> list[Path]:
    """The demo JSONL files in load order."""
    return sorted(DEMO_DIR.glob("*.jsonl"))


def demo_week_shift(files: list[Path], now: datetime | None = None) -> timedelta:
    """Whole weeks to move the demo so its last message lies in the past week."""
    last: datetime | None = None
    for path in files:
        with path.open("rb") as handle:
            for raw in handle:
                try:
                    sent = datetime.fromisoformat(json.loads(raw)["sent_at"])
                except (ValueError, KeyError, TypeError):
                    continue
                if last is None or sent > last:
                    last = sent
    if last is None:
        return timedelta(0)
    now = now or timezone.now()
    weeks = max(0, (now - last).days // 7)
    return timedelta(weeks=weeks)


def _shifted(path: Path, shift: timedelta) -> IO[bytes]:
    if not shift:
        return path.open("rb")
    out = io.BytesIO()
    with path.open("rb") as handle:
        for raw in handle:
            try:
                obj = json.loads(raw)
                obj["sent_at"] = (datetime.fromisoformat(obj["sent_at"]) + shift).isoformat()
                raw = (json.dumps(obj, ensure_ascii=False) + "\n").encode()
            except (ValueError, KeyError, TypeError):
                pass  # the importer reports the bad line
            out.write(raw)
    out.seek(0)
    return out


def ensure_demo_organisation() -> None:
    """Organisation, teams, topics and templates of the demo municipality."""
    from nabij.actions.setup import do_ensure_defaults
    from nabij.models import Organisation, Team

    with transaction.atomic():
        org = Organisation.current()
        if org.name != "Gemeente Lindewaard":
            org.name = "Gemeente Lindewaard"
            org.places = DEMO_PLACES
            org.house_rules_url = "https://www.lindewaard.example/huisregels"
            org.privacy_url = "https://www.lindewaard.example/privacy"
            org.save()
        for slug, name, description in DEMO_TEAMS:
            Team.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
        do_ensure_defaults()


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """Create the demo accounts once; return (username, role, password) for each."""
    from django.contrib.auth import get_user_model

    from nabij.actions.users import do_create_user
    from nabij.models import Team

    User = get_user_model()
    webcare = Team.objects.filter(slug="webcare").first()
    for username, role, first_name, password in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        with transaction.atomic():
            user = do_create_user(
                username,
                password,
                role=role,
                first_name=first_name,
                email=f"{username}@lindewaard.example",
                validate=False,
            )
            if webcare and role in ("agent", "coordinator"):
                webcare.members.add(user)
    return [(u, r, p) for u, r, _, p in DEMO_USERS]


def load_demo(*, shift: bool = True, out: IO[str] | None = None) -> list[tuple[str, str, str]]:
    """Load everything the demo needs (idempotent) and analyse what is not analysed yet."""
    from nabij.actions.importing import do_import_jsonl

    ensure_demo_organisation()
    accounts = ensure_demo_users()
    files = demo_files()
    delta = demo_week_shift(files) if shift else timedelta(0)
    for path in files:
        with _shifted(path, delta) as stream:
            report = do_import_jsonl(stream, queue_analysis=False)
        if out:
            print(
                f"{path.name}: {report.created} new, {report.existing} already loaded, "
                f"{len(report.errors)} bad lines",
                file=out,
            )
            for number, reason in report.errors[:10]:
                print(f"  line {number}: {reason}", file=out)
    analysed = analyse_pending()
    if out and analysed:
        print(f"analysed {analysed} messages", file=out)
    patterns = prepare_signals(files, delta)
    if out:
        print(f"dashboards ready; {patterns} patterns and bursts detected", file=out)
    return accounts


def prepare_signals(files: list[Path], shift: timedelta) -> int:
    """Fill the roll-ups and detect patterns over the demo period, so every page has data."""
    from nabij.actions.detection import do_store_patterns, run_detection
    from nabij.actions.rollups import do_refresh_rollups

    do_refresh_rollups()
    first = last = None
    for path in files:
        with path.open("rb") as handle:
            for raw in handle:
                try:
                    sent = datetime.fromisoformat(json.loads(raw)["sent_at"]) + shift
                except (ValueError, KeyError, TypeError):
                    continue
                first = sent if first is None or sent < first else first
                last = sent if last is None or sent > last else last
    if first is None or last is None:
        return 0
    # The fast lexical similarity keeps `make run` quick; the hourly job uses embeddings.
    result = run_detection(first.date(), last.date(), embedder=None)
    return len(do_store_patterns(result))


def analyse_pending() -> int:
    """Analyse every inbound message that has no analysis yet."""
    from nabij.actions.analysis import do_analyse_messages
    from nabij.models import Message

    ids = list(
        Message.objects.filter(direction="inbound", analysed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    try:
        return do_analyse_messages(ids)
    except ImportError:
        return 0


__all__ = ["DEMO_DIR", "load_demo"]
