"""Whole conversations with the real bot application through the fake Bot API."""

from __future__ import annotations

from collections.abc import Sequence

from tests.helpers.fakes.updates import TgUser
from tests.helpers.telegram import ADMIN, ANNA, BEN, TEAM, RunningBot
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.matching.render import FALLBACK_INTRO, SUGGEST_INTRO, UNRELATED_INTRO
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as messages

# Candidates for outcomes whose exact wording depends on the matcher's tuning: the tests take
# the first one the matcher in service classifies that way.
VAGUE = ("Konsultation", "Netzwerk", "Angebote", "Beratung", "Kita", "Räume")
OUT_OF_SCOPE = (
    "Wie backe ich einen Apfelkuchen?",
    "Wer hat gestern das Fußballspiel gewonnen?",
    "qwertz asdf jklö",
    "Wie wird das Wetter morgen?",
)


def first_with_status(matcher: Matcher, status: str, candidates: Sequence[str]) -> str:
    for text in candidates:
        if matcher.match(text).status == status:
            return text
    raise AssertionError(f"none of {candidates} is classified {status!r}")


def feedback_rows(bot: RunningBot) -> list[tuple[str, int, int | None, int]]:
    return [
        (r["entry_id"], r["rating"], r["question_id"], r["via_suggestion"])
        for r in bot.records.db.query(
            "SELECT entry_id, rating, question_id, via_suggestion FROM feedback ORDER BY id"
        )
    ]


async def test_start_welcomes_and_example_buttons_answer(tg_bot: RunningBot) -> None:
    welcome = await tg_bot.harness.send(ANNA, "/start")
    assert "Willkommen" in welcome.text and "/hilfe" in welcome.text
    labels = [b["text"] for b in welcome.last.buttons]
    assert len(labels) >= 2

    answer = await tg_bot.harness.press(ANNA, welcome.last, labels[0])
    assert answer.callback_answer is not None
    # The welcome stays; the answer arrives as a new message with its rating buttons.
    assert not answer.edits
    assert answer.sent and "Quelle:" in answer.text
    assert [b["text"] for b in answer.last.buttons] == ["👍 Hilfreich", "👎 Nicht hilfreich"]


async def test_command_menu_is_registered_and_matches_help(tg_bot: RunningBot) -> None:
    menus = tg_bot.api.commands
    public = next(v for k, v in menus.items() if '"default"' in k)
    admin = next(v for k, v in menus.items() if str(ADMIN.id) in k)
    public_names = {c["command"] for c in public}
    assert {"start", "hilfe", "kontakt", "region", "datenschutz", "daten_loeschen"} <= public_names
    assert "neu_laden" not in public_names and "statistik" not in public_names
    assert {"neu_laden", "statistik"} <= {c["command"] for c in admin}

    help_for_user = await tg_bot.harness.send(ANNA, "/hilfe")
    for command in public:
        assert f"/{command['command']}" in help_for_user.text
        assert command["description"] in help_for_user.text
    assert "/neu_laden" not in help_for_user.text
    help_for_admin = await tg_bot.harness.send(ADMIN, "/hilfe")
    assert "/neu_laden" in help_for_admin.text and "/statistik" in help_for_admin.text


async def test_question_gets_answer_contacts_source_and_rating(tg_bot: RunningBot) -> None:
    reply = await tg_bot.harness.send(ANNA, "wer ist die ansprechpartnerin im ministerium")
    methods = [c.method for c in reply.calls]
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    assert reply.of("sendChatAction")[0].params["action"] == "typing"
    assert "Dr. Stefanie Hammer" in reply.text
    assert "0361-573 811 251" in reply.text and "+49361573811251" in reply.text
    assert "stefanie.hammer@tmasgff.thueringen.de" in reply.text
    assert "Quelle: ThEKiZ Handbuch 2.0" in reply.text
    assert any(e["type"] == "bold" for e in reply.last.entities)
    assert [b["text"] for b in reply.last.buttons][-2:] == ["👍 Hilfreich", "👎 Nicht hilfreich"]

    logged = tg_bot.records.db.query("SELECT * FROM questions")
    assert [(r["text"], r["status"], r["entry_id"]) for r in logged] == [
        ("wer ist die ansprechpartnerin im ministerium", "answer", "ministerium-kontakt")
    ]
    # Nothing in the log points back to the person who asked.
    assert str(ANNA.id) not in " ".join(str(v) for v in tuple(logged[0]))


async def test_second_fitting_entry_opens_from_siehe_auch(tg_bot: RunningBot) -> None:
    # "Konsultationskita" alone is answered with what one is; how a Kita becomes one fits too
    # and is one button away instead of turning the answer into a list.
    reply = await tg_bot.harness.send(ANNA, "konsultationskita")
    assert reply.last.buttons[0]["text"].startswith("Siehe auch:")
    assert "Siehe auch: Wie wird eine Einrichtung zur Konsultationseinrichtung?" in reply.text
    answer_text = reply.last.text
    opened = await tg_bot.harness.press(ANNA, reply.last, "Siehe auch")
    assert opened.of("sendMessage"), "the second entry arrives as a new message"
    assert "Wie wird eine Einrichtung zur Konsultationseinrichtung?" in opened.text
    assert reply.last.text == answer_text, "the answer stays as it was"


async def test_thumbs_up_is_recorded_once(tg_bot: RunningBot) -> None:
    reply = await tg_bot.harness.send(ANNA, "Was ist die Prozessbegleitung?")
    vote = await tg_bot.harness.press(ANNA, reply.last, "👍")
    assert vote.callback_answer is not None
    assert vote.callback_answer["text"] == messages.THANKS_HELPFUL
    # The buttons are gone, so the same answer cannot be rated twice by accident.
    assert tg_bot.api.message(ANNA.id, reply.last.message_id).buttons == []
    assert feedback_rows(tg_bot) == [("prozessbegleitung-was", 1, 1, 0)]


async def test_thumbs_down_offers_next_best_and_the_fachstelle(tg_bot: RunningBot) -> None:
    reply = await tg_bot.harness.send(ANNA, "Was ist die Prozessbegleitung?")
    vote = await tg_bot.harness.press(ANNA, reply.last, "👎")
    assert vote.callback_answer is not None
    assert messages.NOT_HELPFUL_INTRO in vote.text
    assert "Landeskoordinations- und Fachstelle ThEKiZ" in vote.text
    offers = vote.last.buttons
    assert 1 <= len(offers) <= 3
    assert all("ThEKiZ-Prozessbegleitung?" not in b["text"] for b in offers)

    picked = await tg_bot.harness.press(ANNA, vote.last, offers[0]["text"])
    shown = tg_bot.api.message(ANNA.id, vote.last.message_id)
    assert picked.edits and "Quelle:" in shown.text
    await tg_bot.harness.press(ANNA, shown, "👍")
    rows = feedback_rows(tg_bot)
    assert rows[0] == ("prozessbegleitung-was", -1, 1, 0)
    # The 👍 after a suggestion links the original question: a candidate alternate (issue 5).
    assert rows[1][1:] == (1, 1, 1) and rows[1][0] != "prozessbegleitung-was"


async def test_unsure_question_offers_suggestions_that_open(tg_bot: RunningBot) -> None:
    question = first_with_status(tg_bot.knowledge.current.matcher, "suggest", VAGUE)
    reply = await tg_bot.harness.send(ANNA, question)
    assert SUGGEST_INTRO in reply.text
    buttons = reply.last.buttons
    assert 1 <= len(buttons) <= 3 and all(b["text"].startswith(f"{i}.") for i, b in
                                          enumerate(buttons, 1))
    picked = await tg_bot.harness.press(ANNA, reply.last, "2.")
    assert picked.callback_answer is not None
    edited = tg_bot.api.message(ANNA.id, reply.last.message_id)
    assert SUGGEST_INTRO not in edited.text and "Quelle:" in edited.text
    assert "👍 Hilfreich" in [b["text"] for b in edited.buttons]
    assert tg_bot.records.db.query("SELECT status FROM questions")[0]["status"] == "suggest"


async def test_unanswerable_question_is_an_honest_no_and_logged(tg_bot: RunningBot) -> None:
    # Near the handbook's field: the Fachstelle may help, so it is named.
    question = "Wo finde ich einen freien Kitaplatz?"
    assert tg_bot.knowledge.current.matcher.match(question).status == "fallback"
    reply = await tg_bot.harness.send(ANNA, question)
    assert FALLBACK_INTRO in reply.text
    assert "Landeskoordinations- und Fachstelle ThEKiZ" in reply.text
    assert "notiert" in reply.text and reply.last.buttons == []
    rows = tg_bot.records.db.query("SELECT text, status FROM questions")
    assert [(r["text"], r["status"]) for r in rows] == [(question, "fallback")]


async def test_plainly_unrelated_question_does_not_send_people_to_the_fachstelle(
    tg_bot: RunningBot,
) -> None:
    # One declined as like an example of what nobody at the Fachstelle answers (the weather);
    # a question merely unlike anything the handbook says gets the Fachstelle's contact.
    matcher = tg_bot.knowledge.current.matcher
    question = next(q for q in OUT_OF_SCOPE if matcher.match(q).unrelated)
    reply = await tg_bot.harness.send(ANNA, question)
    assert UNRELATED_INTRO in reply.text
    assert "Landeskoordinations- und Fachstelle ThEKiZ" not in reply.text
    assert "wenden Sie sich" not in reply.text


async def test_small_talk_gets_a_short_reply(tg_bot: RunningBot) -> None:
    reply = await tg_bot.harness.send(ANNA, "Hallo")
    assert len(reply.sent) == 1 and reply.last.buttons == []
    assert "Quelle:" not in reply.text and reply.text.strip()


async def test_kontakt_finds_people_by_topic_name_or_none(tg_bot: RunningBot) -> None:
    general = await tg_bot.harness.send(ANNA, "/kontakt")
    assert "Landeskoordinations- und Fachstelle ThEKiZ" in general.text
    assert "/kontakt Prozessbegleitung" in general.text  # the tip
    by_topic = await tg_bot.harness.send(ANNA, "/kontakt Ministerium")
    assert "Dr. Stefanie Hammer" in by_topic.text and "0361-573 811 251" in by_topic.text
    by_name = await tg_bot.harness.send(ANNA, "/kontakt Hammer")
    assert "Dr. Stefanie Hammer" in by_name.text
    escaped = await tg_bot.harness.send(ANNA, "/kontakt <b>Ministerium</b> & Co")
    assert "„<b>Ministerium</b> & Co“" in escaped.text  # shown literally, not as markup


async def test_region_is_picked_from_all_22_and_survives_a_restart(
    tg_bot: RunningBot, fake_api: object, db_path: object
) -> None:
    prompt = await tg_bot.harness.send(ANNA, "/region")
    labels = [b["text"] for b in prompt.last.buttons]
    assert len(labels) == 22
    assert sum(label.endswith("(Stadt)") for label in labels) == 5
    assert "Jena (Stadt)" in labels and "Weimarer Land" in labels

    picked = await tg_bot.harness.press(ANNA, prompt.last, "Jena (Stadt)")
    assert picked.callback_answer is not None
    assert "kreisfreie Stadt Jena" in tg_bot.api.message(ANNA.id, prompt.last.message_id).text
    again = await tg_bot.harness.send(ANNA, "/region")
    assert "Derzeit gespeichert" in again.text and "✓ Jena (Stadt)" in [
        b["text"] for b in again.last.buttons
    ]
    typed = await tg_bot.harness.send(BEN, "/region lk weimarer land")
    assert "Landkreis Weimarer Land" in typed.text
    unknown = await tg_bot.harness.send(BEN, "/region Atlantis")
    assert "Atlantis" in unknown.text
    assert [b["text"] for b in unknown.last.buttons][-1] == "Keine Region speichern"
    forget = await tg_bot.harness.press(BEN, unknown.last, "Keine Region speichern")
    assert forget.callback_answer is not None and tg_bot.records.users.get(BEN.id) is None

    await tg_bot.harness.stop()
    from tests.helpers.telegram import start_parts

    restarted = start_parts(tg_bot.api, tg_bot.settings.db_path)
    async with restarted.harness:
        data = await restarted.harness.send(ANNA, "/meine_daten")
        assert "kreisfreie Stadt Jena" in data.text
    restarted.records.db.close()
    await tg_bot.harness.start()


async def test_region_adds_the_regional_hint_to_regional_answers(tg_bot: RunningBot) -> None:
    await tg_bot.harness.send(ANNA, "/region Gotha")
    reply = await tg_bot.harness.send(ANNA, "Wo finde ich die Sozialplanerin meines Landkreises?")
    assert "Gotha" in reply.text


async def test_group_answers_only_when_addressed(tg_bot: RunningBot) -> None:
    chatter = await tg_bot.harness.send(ANNA, "Was ist die Prozessbegleitung?", chat=TEAM)
    assert chatter.sent == [] and chatter.calls == []

    mention = await tg_bot.harness.send(
        ANNA, "@thekiz_test_bot was ist die prozessbegleitung", chat=TEAM
    )
    assert "Quelle:" in mention.text
    # The answer quotes the question so the group sees what it answers.
    assert mention.sent[0].reply_to_message_id is not None

    follow_up = await tg_bot.harness.send(BEN, "Wer ist die Ansprechpartnerin im Ministerium?",
                                          chat=TEAM, reply_to=mention.last)
    assert "Dr. Stefanie Hammer" in follow_up.text

    command = await tg_bot.harness.send(BEN, "/frage@thekiz_test_bot Was ist das LSZ?", chat=TEAM)
    assert "LSZ" in command.text and "Quelle:" in command.text
    other_bot = await tg_bot.harness.send(BEN, "/frage@another_bot Was ist das LSZ?", chat=TEAM)
    assert other_bot.sent == []
    empty = await tg_bot.harness.send(BEN, "/frage", chat=TEAM)
    assert empty.text == messages.FRAGE_USAGE
    channels = [r["channel"] for r in tg_bot.records.db.query("SELECT channel FROM questions")]
    assert channels == ["group", "group", "group"]


async def test_inline_mode_offers_shareable_answers(tg_bot: RunningBot) -> None:
    found = await tg_bot.harness.inline(ANNA, "Prozessbegleitung")
    answer = found.inline_answer
    assert answer is not None and 1 <= len(answer["results"]) <= 5
    first = answer["results"][0]
    assert "Prozessbegleitung" in first["title"]
    assert "Quelle:" in first["input_message_content"]["message_text"]
    assert answer["button"]["start_parameter"] == "inline"

    nothing = await tg_bot.harness.inline(ANNA, "qwertz asdf jklö")
    results = nothing.inline_answer["results"]  # type: ignore[index]
    assert [r["title"] for r in results] == [messages.INLINE_NOTHING_TITLE]
    empty = await tg_bot.harness.inline(ANNA, "   ")
    assert empty.inline_answer is not None and empty.inline_answer["results"] == []
    assert tg_bot.api.rejected() == []


async def test_privacy_commands_show_and_delete_everything(tg_bot: RunningBot) -> None:
    policy = await tg_bot.harness.send(ANNA, "/datenschutz")
    assert "ohne Ihren Namen und ohne Ihre Telegram-Kennung" in policy.text
    assert "/daten_loeschen" in policy.text
    nothing = await tg_bot.harness.send(ANNA, "/meine_daten")
    assert nothing.text == messages.MY_DATA_NONE

    await tg_bot.harness.send(ANNA, "/region Jena")
    stored = await tg_bot.harness.send(ANNA, "/meine_daten")
    assert str(ANNA.id) in stored.text and "kreisfreie Stadt Jena" in stored.text

    ask = await tg_bot.harness.send(ANNA, "/daten_loeschen")
    assert ask.text == messages.DELETE_CONFIRM
    cancelled = await tg_bot.harness.press(ANNA, ask.last, messages.DELETE_NO)
    assert cancelled.callback_answer is not None
    assert tg_bot.records.users.get(ANNA.id) is not None

    ask = await tg_bot.harness.send(ANNA, "/daten_loeschen")
    await tg_bot.harness.press(ANNA, ask.last, messages.DELETE_YES)
    assert tg_bot.api.message(ANNA.id, ask.last.message_id).text == messages.DELETED
    assert tg_bot.records.users.get(ANNA.id) is None
    after = await tg_bot.harness.send(ANNA, "/meine_daten")
    assert after.text == messages.MY_DATA_NONE
    again = await tg_bot.harness.send(ANNA, "/daten_loeschen")
    assert again.text == messages.DELETED_NOTHING

    in_group = await tg_bot.harness.send(ANNA, "/meine_daten@thekiz_test_bot", chat=TEAM)
    assert in_group.text == common.PRIVATE_ONLY


async def test_admin_commands_are_refused_for_everyone_else(tg_bot: RunningBot) -> None:
    await tg_bot.harness.send(ANNA, "Was ist die Prozessbegleitung?")
    for command in ("/statistik", "/neu_laden"):
        refused = await tg_bot.harness.send(BEN, command)
        assert refused.texts == [common.ADMIN_ONLY]
    stats = await tg_bot.harness.send(ADMIN, "/statistik")
    assert "Fragen insgesamt: 1" in stats.text and "beantwortet: 1" in stats.text


async def test_statistics_show_counts_unanswered_and_votes(tg_bot: RunningBot) -> None:
    matcher = tg_bot.knowledge.current.matcher
    unanswered = first_with_status(matcher, "fallback", OUT_OF_SCOPE)
    vague = first_with_status(matcher, "suggest", VAGUE)
    answered = await tg_bot.harness.send(ANNA, "Was ist die Prozessbegleitung?")
    await tg_bot.harness.press(ANNA, answered.last, "👎")
    for user in (ANNA, BEN):
        await tg_bot.harness.send(user, unanswered)
    await tg_bot.harness.send(BEN, vague)

    stats = await tg_bot.harness.send(ADMIN, "/statistik")
    assert "Fragen insgesamt: 4" in stats.text
    assert "✅ beantwortet: 1" in stats.text
    assert "mit Vorschlägen („Meinten Sie …?“): 1" in stats.text
    assert "❌ unbeantwortet: 2" in stats.text
    assert f"1. „{unanswered}“ (2×)" in stats.text
    assert "(prozessbegleitung-was): 👍 0 · 👎 1" in stats.text


async def test_unknown_commands_non_text_and_stale_buttons(tg_bot: RunningBot) -> None:
    unknown = await tg_bot.harness.send(ANNA, "/gibtsnicht")
    assert unknown.texts == [messages.UNKNOWN_COMMAND]

    sticker = {"message": {
        "message_id": tg_bot.api.next_message_id(ANNA.id), "from": ANNA.to_json(),
        "chat": ANNA.private_chat.to_json(), "date": 0,
        "sticker": {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512,
                    "height": 512, "is_animated": False, "is_video": False},
    }}
    non_text = await tg_bot.harness.push(sticker, ANNA.id)
    assert non_text.texts == [messages.NON_TEXT]

    shared = await tg_bot.harness.push({"message": {
        "message_id": tg_bot.api.next_message_id(ANNA.id), "from": ANNA.to_json(),
        "chat": ANNA.private_chat.to_json(), "date": 0, "text": "Was ist das LSZ? (geteilt)",
        "via_bot": tg_bot.api.bot_user,
    }}, ANNA.id)
    assert shared.sent == []  # an answer shared via inline mode is not a new question

    reply = await tg_bot.harness.send(ANNA, "Was ist die Prozessbegleitung?")
    for old in ("v0:+:abc:1:0", "e1:unknownkey:1:r", "zz"):
        stale = await tg_bot.harness.press_data(ANNA, reply.last, old)
        assert stale.callback_answer is not None and stale.callback_answer["show_alert"]
    assert tg_bot.api.rejected() == []


async def test_nothing_the_bot_sent_was_rejected(tg_bot: RunningBot) -> None:
    users = [TgUser(2000 + i, f"Nutzer{i}") for i in range(3)]
    for user in users:
        for text in ("/start", "/hilfe", "Konsultation", "/kontakt", "/region", "/datenschutz"):
            await tg_bot.harness.send(user, text)
    assert tg_bot.api.rejected() == []
    assert all(len(tg_bot.api.messages_to(u.id)) >= 6 for u in users)
    assert len(tg_bot.api.calls("sendMessage")) >= 18
    assert {c.method for c in tg_bot.api.calls()} >= {"getMe", "setMyCommands", "sendMessage"}
