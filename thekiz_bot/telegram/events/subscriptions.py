"""/abo and /abbestellen: stateless buttons, so they keep working after a restart."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.knowledge.loader import Region
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events.feature import EventFeature, get_feature
from thekiz_bot.telegram.guards import private_only
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import events as event_texts
from thekiz_bot.telegram.updates import query_chat_id


def _own_region(feature: EventFeature, user_id: int) -> Region | None:
    region_id = feature.services.records.users.region_of(user_id)
    return feature.services.knowledge.current.kb.region(region_id) if region_id else None


@private_only
async def on_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    feature = get_feature(context)
    current = await asyncio.to_thread(feature.subscriptions.get, user.id)
    own_region = await asyncio.to_thread(_own_region, feature, user.id)
    markup = event_keyboards.abo_scope(own_region)
    if current is not None and current.active:
        region_name = feature.regions().name(current.region_id)
        await message.reply_text(event_texts.current_subscription(region_name, current.kinds),
                                 reply_markup=markup)
        return
    await message.reply_text(event_texts.ABO_ASK_SCOPE, reply_markup=markup)


async def on_subscription_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    pressed = callbacks.parse(query.data)
    if not isinstance(pressed, callbacks.Subscription):
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    feature = get_feature(context)
    user_id = query.from_user.id
    chat_id = query_chat_id(query)
    action = pressed.step
    if action == "regions":
        await query.answer()
        await query.edit_message_text(
            event_texts.ABO_PICK_REGION,
            reply_markup=event_keyboards.abo_regions(feature.services.knowledge.current.kb.regions))
        return
    if action == "scope":
        region_id = None
        if pressed.value is not None:
            region = feature.services.knowledge.current.region(pressed.value)
            if region is None:
                await query.answer(common.STALE_BUTTON, show_alert=True)
                return
            region_id = region.id
        subscription, new = await asyncio.to_thread(feature.subscriptions.subscribe,
                                                    user_id, chat_id, region_id)
        await query.answer()
        region_name = feature.regions().name(region_id)
        await query.edit_message_text(
            f"{event_texts.subscribed(region_name, subscription.kinds, new)}\n\n"
            f"{event_texts.ABO_KINDS_HINT}",
            reply_markup=event_keyboards.abo_kinds(subscription.kinds))
        return
    current = await asyncio.to_thread(feature.subscriptions.get, user_id)
    if current is None or not current.active:
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    if action == "kind":
        if pressed.value is None:
            kinds: frozenset[str] = frozenset()
        else:
            kinds = current.kinds ^ {pressed.value}
        updated = await asyncio.to_thread(feature.subscriptions.set_kinds, user_id, kinds)
        await query.answer()
        if updated is not None and updated.kinds != current.kinds:
            region_name = feature.regions().name(updated.region_id)
            await query.edit_message_text(
                f"{event_texts.subscribed(region_name, updated.kinds, False)}\n\n"
                f"{event_texts.ABO_KINDS_HINT}",
                reply_markup=event_keyboards.abo_kinds(updated.kinds))
        return
    if action == "done":
        await query.answer()
        region_name = feature.regions().name(current.region_id)
        await query.edit_message_text(event_texts.subscribed(region_name, current.kinds, False))
        return
    await query.answer(common.STALE_BUTTON, show_alert=True)


@private_only
async def on_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    subscriptions = get_feature(context).subscriptions
    had_one = await asyncio.to_thread(subscriptions.get, user.id) is not None
    await asyncio.to_thread(subscriptions.unsubscribe, user.id)
    await message.reply_text(event_texts.UNSUBSCRIBED if had_one else event_texts.NOT_SUBSCRIBED)


class SubscriptionPrivacy:
    """Personal data for /meine_daten and /daten_loeschen: the subscription and delivery log."""

    purpose = event_texts.SUBSCRIPTION_PRIVACY

    def __init__(self, feature: EventFeature) -> None:
        self._feature = feature
        self._subscriptions: Subscriptions = feature.subscriptions

    def describe(self, user_id: int) -> list[str]:
        current = self._subscriptions.get(user_id)
        lines = []
        if current is not None:
            lines.append(event_texts.subscription_line(
                self._feature.regions().name(current.region_id), current.kinds, current.active))
        delivered = self._feature.outbox.db.query(
            "SELECT COUNT(*) FROM outbox WHERE chat_id = ?", (user_id,))[0][0]
        if delivered:
            lines.append(event_texts.delivery_records(int(delivered)))
        return lines

    def delete(self, user_id: int) -> int:
        return self._subscriptions.delete_user_data(user_id)
