"""Callback data: one codec for every button, short, versioned, at most 64 bytes, and unknown
or outdated data is recognised as such."""

from __future__ import annotations

import pytest

from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.callbacks import (
    AbortForm,
    AddToCalendar,
    AnnounceEvent,
    CancelEvent,
    ConfirmCancel,
    ConfirmDeletion,
    DropAnnouncement,
    EditEvent,
    EditField,
    FormAnswer,
    Learn,
    MoreEvents,
    PickRegion,
    SaveForm,
    SendAnnouncement,
    ShowEntry,
    Subscription,
    UndoDecision,
    Vote,
    parse,
    short_key,
)

BIG = 2**63 - 1

ALL_ACTIONS = [
    Vote(1, short_key("prozessbegleitung-was"), 17, False),
    Vote(-1, short_key("x"), BIG, True),
    ShowEntry(short_key("lsz-was"), 0, False),
    ShowEntry(short_key("lsz-was"), BIG, True),
    PickRegion(short_key("saale-holzland-kreis")),
    PickRegion(None),
    ConfirmDeletion(True),
    ConfirmDeletion(False),
    AddToCalendar(BIG),
    MoreEvents(BIG, True),
    MoreEvents(8, False),
    EditEvent(BIG),
    EditField(BIG, "registration_deadline"),
    CancelEvent(BIG),
    ConfirmCancel(BIG, True),
    ConfirmCancel(3, False),
    AnnounceEvent(BIG),
    SendAnnouncement(BIG),
    DropAnnouncement(BIG),
    Subscription("scope", short_key("saale-holzland-kreis")),
    Subscription("scope"),
    Subscription("regions"),
    Subscription("kind", "fortbildung"),
    Subscription("kind"),
    Subscription("done"),
    FormAnswer("kind", "fachtag"),
    FormAnswer("region", short_key("jena")),
    FormAnswer("region"),
    FormAnswer("online"),
    FormAnswer("skip"),
    SaveForm(),
    AbortForm(),
    *(Learn(step, short_key("was kostet die prozessbegleitung"), short_key("x"))
      for step in callbacks.LEARN_STEPS),
    Learn("page", "-", str(BIG)),
    UndoDecision(BIG),
]


@pytest.mark.parametrize("action", ALL_ACTIONS, ids=lambda a: type(a).__name__)
def test_round_trip_within_64_bytes(action: callbacks.Action) -> None:
    data = action.encode()
    assert 1 <= len(data.encode("utf-8")) <= 64
    assert parse(data) == action


def test_every_kind_of_button_is_covered_and_has_a_versioned_prefix() -> None:
    kinds = {type(action) for action in ALL_ACTIONS}
    assert kinds == set(callbacks._KINDS)
    for kind in kinds:
        assert kind.PREFIX.split(":")[0][-1].isdigit(), kind.PREFIX


# Buttons stay in chats for ever: data sent by earlier versions must still mean the same.
@pytest.mark.parametrize(("data", "action"), [
    ("ev1:ics:12", AddToCalendar(12)),
    ("ev1:more:8:a", MoreEvents(8, True)),
    ("ev1:edit:3", EditEvent(3)),
    ("ev1:ef:3:start", EditField(3, "start")),
    ("ev1:cancel:3", CancelEvent(3)),
    ("ev1:cx:3:n", ConfirmCancel(3, False)),
    ("an1:ev:3", AnnounceEvent(3)),
    ("an1:send:7", SendAnnouncement(7)),
    ("an1:drop:7", DropAnnouncement(7)),
    ("ab1:scope:-", Subscription("scope")),
    ("ab1:kind:-", Subscription("kind")),
    ("ab1:done", Subscription("done")),
    ("nw1:region:-", FormAnswer("region")),
    ("nw1:skip", FormAnswer("skip")),
    ("nw1:save", SaveForm()),
    ("v1:+:abc:5:1", Vote(1, "abc", 5, True)),
    ("r1:-", PickRegion(None)),
])
def test_data_of_buttons_already_in_chats_keeps_its_meaning(
        data: str, action: callbacks.Action) -> None:
    assert parse(data) == action


def test_keys_are_stable_and_distinct() -> None:
    ids = [f"eintrag-{n}" for n in range(20000)]
    keys = {short_key(i) for i in ids}
    assert len(keys) == len(ids)
    assert short_key("lsz-was") == short_key("lsz-was")


@pytest.mark.parametrize("data", [
    None, "", "zz", "v0:+:abc:1:0", "v1:*:abc:1:0", "v1:+:abc:x:0", "e1:abc", "e1:abc:1:q",
    "r1:", "d1:maybe", "ev0:ics:1", "ev1:ics:x", "ev1:ics:-1", "ev1:ics", "ev1:more:1:z",
    "ev1:cx:1:maybe", "an1:send:", "ab1:scope", "ab1:other", "nw1:kind", "nw1:save:1",
    "nw1:teleport", "ev2:ics:1",
])
def test_unknown_or_outdated_data_is_none(data: str | None) -> None:
    assert parse(data) is None


def test_oversized_data_is_refused_before_telegram_sees_it() -> None:
    with pytest.raises(ValueError):
        Vote(1, "k" * 80, 1).encode()
    with pytest.raises(ValueError):
        EditField(1, "f" * 80).encode()


def test_pattern_matches_only_its_own_kind() -> None:
    form_button = callbacks.pattern(FormAnswer)
    assert form_button(FormAnswer("skip").encode())
    assert not form_button(SaveForm().encode())
    assert not form_button("nw1:teleport")
    edit_choice = callbacks.pattern(
        FormAnswer, lambda a: isinstance(a, FormAnswer) and a.choice == "kind")
    assert edit_choice(FormAnswer("kind", "fachtag").encode())
    assert not edit_choice(FormAnswer("skip").encode())
