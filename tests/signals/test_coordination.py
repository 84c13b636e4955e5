"""Coordinated posting: near-identical texts from many accounts in a short window."""

from __future__ import annotations

from datetime import timedelta

from nabij.signals import find_coordinated

from .factory import FILLER, START, message

BASE = "Stop de windturbines in Beekdal! Lindewaard wordt opgeofferd #geenwindturbines"
VARIANTS = ["", " 😡", " #lindewaard", "!!", " ‼️", " #beekdal"]
END = START + timedelta(days=30)


def _burst(accounts: int, minutes: float, new: bool = True, offset: int = 0, day: int = 10) -> list:
    base = START + timedelta(days=day, hours=19)
    out = []
    for i in range(accounts):
        when = base + timedelta(minutes=i * minutes)
        text = BASE + VARIANTS[i % len(VARIANTS)]
        if i % 4 == 3:
            text = text.replace("Lindewaard wordt", "ons Lindewaard wordt")
        out.append(message(offset + i, when, text, channel=("x", "facebook")[i % 2],
                           author=f"acc{offset + i}",
                           first_seen=when - timedelta(days=1 if new else 400)))  # fmt: skip
    return out


def test_burst_of_near_identical_posts_lists_every_member() -> None:
    noise = [message(500 + i, START + timedelta(days=10, hours=8 + i), text) for i, text in
             enumerate(FILLER)]  # fmt: skip
    bursts = find_coordinated(_burst(12, 5) + noise, START, END)
    assert len(bursts) == 1
    burst = bursts[0]
    assert sorted(burst["messages"]) == sorted(m.key for m in _burst(12, 5))
    assert burst["kind"] == "coordinated" and burst["accounts"] == 12
    assert burst["new_account_share"] == 1.0 and "100% nieuwe accounts" in burst["title"]
    assert burst["channels"] == {"facebook": 6, "x": 6}


def test_old_accounts_lower_the_new_share() -> None:
    burst = find_coordinated(_burst(8, 5, new=False), START, END)[0]
    assert burst["new_account_share"] == 0.0 and burst["score"] == 4.0


def test_too_few_accounts_or_too_slow_is_no_burst() -> None:
    assert find_coordinated(_burst(4, 5), START, END) == []
    assert find_coordinated(_burst(10, 60 * 12), START, END) == []


def test_a_slow_chain_of_copies_is_no_burst() -> None:
    # Each copy is close to the one before, but no three hours hold five accounts.
    assert find_coordinated(_burst(12, 50), START, END) == []


def test_one_account_repeating_itself_is_no_burst() -> None:
    same = [message(i, START + timedelta(days=3, minutes=i), BASE, author="one") for i in range(9)]
    assert find_coordinated(same, START, END) == []


def test_different_texts_are_not_coordinated() -> None:
    texts = [f"Mijn buurman {w} wil weten hoe het zit met {w} en de {w}straat" for w in
             ["afval", "parkeren", "bomen", "lampen", "scholen", "zwembad", "markt"]]  # fmt: skip
    messages = [message(i, START + timedelta(hours=i), t) for i, t in enumerate(texts)]
    assert find_coordinated(messages, START, END) == []


def test_outside_the_period_is_ignored() -> None:
    assert find_coordinated(_burst(12, 5), START, START + timedelta(days=5)) == []
