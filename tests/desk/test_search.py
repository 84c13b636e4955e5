"""Inbox search: what a query means, hostile input, and the index kept up to date.

These run on SQLite and on PostgreSQL (DATABASE_URL): both must give the same answers.
Speed is measured by bench/bench_inbox.py, the query plans are guarded in
tests/bench/test_inbox_plans.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nabij.actions.conversations import do_add_note
from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
from nabij.actions.users import do_create_user
from nabij.dbfeatures.search import (
    MAX_TERMS,
    Term,
    clean_query,
    parse_query,
    postgres_doc_function,
    postgres_tsquery,
    postgres_tsquery_sql,
    rebuild_search_index,
    setup_search_index,
    sqlite_match,
)
from nabij.models import Conversation, Message
from nabij.web.inbox import InboxQuery, inbox_queryset
from tests.foundation.factories import item

# --- the query (pure) -----------------------------------------------------------------


def test_words_are_terms_and_quotes_make_a_phrase() -> None:
    assert parse_query("Afval  container") == [Term(("afval",)), Term(("container",))]
    assert parse_query('melding "afval naast de container" ') == [
        Term(("melding",)),
        Term(("afval", "naast", "de", "container")),
    ]


def test_function_words_count_only_inside_a_phrase() -> None:
    assert clean_query("de lantaarnpaal in het park") == ["lantaarnpaal", "park"]
    assert clean_query('"op de hoek van de straat"') == ["hoek van de straat"]
    assert parse_query("de het een") == []


def test_accents_and_case_are_folded() -> None:
    assert clean_query("Crème CURAÇAO ideeën Wiśniewski") == [
        "creme",
        "curacao",
        "ideeen",
        "wisniewski",
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        '" OR 1=1 --',
        "NEAR(afval container, 2)",
        "afval* AND -container ^prefix",
        "straat:* & !gemeente | (x <-> y)",
        "'; DROP TABLE nabij_message; --",
        '"""unbalanced "quotes',
        "\x00\x01 null",
        "{}[]\\/~`$%",
    ],
)
def test_operators_never_reach_the_engines(hostile: str) -> None:
    for term in parse_query(hostile):
        assert all(word.isalnum() for word in term.words)
    for term in parse_query(hostile):
        assert set(postgres_tsquery(term)) <= set("abcdefghijklmnopqrstuvwxyz0123456789:*<-> ")
        assert sqlite_match(term).count('"') == 2 * len(term.words)


def test_very_long_queries_are_bounded() -> None:
    words = " ".join(f"woord{i}" for i in range(1000))
    terms = parse_query(words)
    assert len(terms) == MAX_TERMS
    assert parse_query("x" * 100_000) == [Term(("x" * 200,))]


def test_short_words_match_whole_longer_ones_as_prefix() -> None:
    terms = parse_query('wc parkeer "e-mail adres"')
    assert [sqlite_match(t) for t in terms] == ['"wc"', '"parkeer"*', '"e" + "mail"* + "adres"*']
    assert postgres_tsquery_sql(terms) == (
        "to_tsquery('dutch', %s) && nabij_search_word(%s) && to_tsquery('dutch', %s)",
        ["wc", "parkeer:*", "e <-> mail:* <-> adres:*"],
    )


# --- searching the inbox (SQLite or PostgreSQL) -----------------------------------------


def _agent() -> tuple[Any, Client]:
    user = do_create_user("zoeker", "Sterk-wachtwoord-42", role="agent", first_name="Zoe")
    client = Client()
    client.login(username="zoeker", password="Sterk-wachtwoord-42")
    return user, client


def _conversation(*texts: str, key: str) -> Conversation:
    """One conversation: the resident's messages, each replying to the one before."""
    channel = get_or_create_channel("mastodon")
    items = []
    for i, text in enumerate(texts):
        reply_to = f"{key}-{i - 1}" if i else None
        items.append(item(f"{key}-{i}", text=text, author_handle=f"@{key}@x", in_reply_to=reply_to))
    results = do_ingest_messages(channel, items, queue_analysis=False)
    conv = results[0].message.conversation
    assert {r.message.conversation_id for r in results} == {conv.pk}
    return conv


def _found(query: str, **filters: str) -> set[int]:
    user = _agent_user()
    return {c.pk for c in inbox_queryset(InboxQuery({"q": query, **filters}), user)}


def _agent_user() -> Any:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="planner")
    return user


@pytest.mark.django_db
def test_prefixes_stems_and_accents() -> None:
    lamp = _conversation("De lantaarnpaal in de Wiekstraat is kapot", key="lamp")
    permit = _conversation("Mijn parkeervergunningen zijn verlopen", key="permit")
    dessert = _conversation("Wie verkoopt hier crème brûlée op Curaçao?", key="dessert")
    idea = _conversation("Ik heb ideeën voor het café in het park", key="idea")
    assert _found("lantaarn") == {lamp.pk}
    assert _found("wiekstraat LANTAARNPAAL") == {lamp.pk}
    assert _found("parkeer") == {permit.pk}
    assert _found("parkeervergunning") == {permit.pk}
    assert _found("creme brulee") == {dessert.pk}
    assert _found("CURACAO") == {dessert.pk}
    assert _found("ideeen cafe") == {idea.pk}
    assert _found("Idéeën") == {idea.pk}
    assert _found("xylofoonles") == set()


@pytest.mark.django_db
def test_words_joined_by_slashes_at_signs_and_dots_are_found() -> None:
    letter = _conversation(
        "Geachte heer/mevrouw, zie www.denhaag.nl of mail info@gemeente.nl", key="letter"
    )
    assert _found("mevrouw") == {letter.pk}
    assert _found("denhaag") == {letter.pk}
    assert _found("info gemeente") == {letter.pk}
    assert _found('"geachte heer"') == {letter.pk}


@pytest.mark.django_db
def test_dutch_stemming_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 matches prefixes, it does not stem")
    streets = _conversation("Alle straten in Beekdal liggen open", key="streets")
    lamps = _conversation("Twee lantaarnpalen zijn kapot", key="lamps")
    assert _found("straat") == {streets.pk}
    assert _found("lantaarnpaal") == {lamps.pk}


@pytest.mark.django_db
def test_phrases_need_the_words_in_order() -> None:
    beside = _conversation("Er ligt afval naast de container bij de school", key="beside")
    other = _conversation("De container staat naast het afval", key="other")
    assert _found("afval container") == {beside.pk, other.pk}
    assert _found('"afval naast de container"') == {beside.pk}
    assert _found('"container staat naast"') == {other.pk}
    assert _found('"container naast"') == set()


@pytest.mark.django_db
def test_all_terms_must_occur_anywhere_in_the_conversation() -> None:
    user, _ = _agent()
    thread = _conversation(
        "Het grofvuil is niet opgehaald", "Nog steeds ligt de bank op de stoep", key="thread"
    )
    _conversation("Grofvuil ophalen kost geld", key="single")
    do_add_note(user, thread, "Doorgezet naar afvalteam, zaak Z123456")
    assert _found("grofvuil stoep") == {thread.pk}  # words from two messages
    assert _found("Z123456") == {thread.pk}  # internal notes are searched too
    assert _found("grofvuil xylofoon") == set()


@pytest.mark.django_db
def test_search_combines_with_filters_and_closed_conversations() -> None:
    open_one = _conversation("Paspoort aanvragen, hoe werkt dat?", key="open")
    closed = _conversation("Paspoort kwijt, wat nu?", key="closed")
    Conversation.objects.filter(pk=closed.pk).update(status=Conversation.Status.CLOSED)
    Conversation.objects.filter(pk=open_one.pk).update(type="vraag")
    assert _found("paspoort") == {open_one.pk}  # the inbox leaves closed ones out
    assert _found("paspoort", status="closed") == {closed.pk}
    assert _found("paspoort", type="vraag") == {open_one.pk}
    assert _found("paspoort", type="klacht") == set()


@pytest.mark.django_db
def test_queries_without_words_find_nothing_and_hostile_input_is_harmless() -> None:
    _, client = _agent()
    _conversation("De lantaarnpaal is kapot", key="lamp")
    for query in ["de het", "-- ...", "*", '""']:
        assert _found(query) == set()
    for query in ['" OR 1=1 --', "NEAR(a b)", "straat:* & !x", "\x00", "é" * 5000]:
        response = client.get("/inbox/", {"q": query})
        assert response.status_code == 200


@pytest.mark.django_db
def test_the_index_follows_edits_moves_and_deletions() -> None:
    first = _conversation("Losliggende stoeptegel bij de bakker", key="first")
    second = _conversation("Hondenpoep in het park", key="second")
    message = Message.objects.get(conversation=first)
    Message.objects.filter(pk=message.pk).update(text="Scheve lantaarnpaal bij de bakker")
    assert _found("stoeptegel") == set()
    assert _found("lantaarnpaal bakker") == {first.pk}
    Message.objects.filter(pk=message.pk).update(conversation=second)
    assert _found("lantaarnpaal hondenpoep") == {second.pk}
    assert _found("bakker") == {second.pk}
    Message.objects.filter(pk=message.pk).delete()
    assert _found("lantaarnpaal") == set()
    assert _found("hondenpoep") == {second.pk}


@pytest.mark.django_db
def test_rebuilding_and_setting_up_again_keep_the_same_answers() -> None:
    user, _ = _agent()
    thread = _conversation("Geluidsoverlast van de buren", "Nog steeds overlast", key="noise")
    do_add_note(user, thread, "Handhaving gebeld")
    queries = ["overlast handhaving", '"geluidsoverlast van de buren"', "buren gebeld"]
    before = [_found(q) for q in queries]
    assert before == [{thread.pk}] * 3
    setup_search_index()
    rebuild_search_index()
    assert [_found(q) for q in queries] == before


@pytest.mark.django_db
def test_a_changed_document_definition_rebuilds_the_documents() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite indexes the plain text")
    conv = _conversation("Zwerfvuil bij het station", key="litter")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE nabij_conversation SET fts_nl = NULL")
        cursor.execute("COMMENT ON COLUMN nabij_conversation.fts_nl IS 'nabij search 1'")
    assert _found("zwerfvuil") == set()
    setup_search_index()
    assert _found("zwerfvuil station") == {conv.pk}


@pytest.mark.django_db
def test_documents_without_unicode_normalisation_still_stem() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT nabij_search_doc('Crème, ideeën & café/terras')::text")
        assert cursor.fetchone()[0] == "'caf':3 'crem':1 'ideeen':2 'terras':4"
        # The function used on a database that is not UTF8 (rolled back with the test).
        cursor.execute(postgres_doc_function(utf8=False))
        cursor.execute("SELECT nabij_search_doc('Crème, ideeën & café/terras')::text")
        assert cursor.fetchone()[0] == "'caf':3 'crèm':1 'ideeen':2 'terras':4"


@pytest.mark.django_db
def test_a_huge_conversation_never_blocks_new_messages() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the tsvector size limit is PostgreSQL's")
    # About 1.3 MB of distinct words: more than one tsvector may hold.
    texts = [" ".join(f"w{m}x{i:05d}" for i in range(9_000)) for m in range(16)]
    conv = _conversation(*texts, "Het laatste bericht over de vuilnisbak", key="huge")
    assert Message.objects.filter(conversation=conv).count() == 17
    assert _found("w0x00001") == {conv.pk}  # the first messages stay searchable


@pytest.mark.django_db
def test_search_uses_a_fixed_number_of_queries(django_assert_num_queries: Any) -> None:
    _, client = _agent()
    for i in range(3):
        _conversation(f"Melding {i}: de lantaarnpaal is kapot", key=f"few{i}")
    with CaptureQueriesContext(connection) as plain:
        client.get("/inbox/")
    with django_assert_num_queries(len(plain.captured_queries)):
        few = client.get("/inbox/", {"q": "lantaarnpaal"})
    assert few.content.decode().count("data-nabij-row") == 3
    for i in range(30):
        _conversation(f"Melding {i}: weer een lantaarnpaal stuk", key=f"many{i}")
    with django_assert_num_queries(len(plain.captured_queries)):
        many = client.get("/inbox/", {"q": "lantaarnpaal"})
    assert many.content.decode().count("data-nabij-row") == 33
