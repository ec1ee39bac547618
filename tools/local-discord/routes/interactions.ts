import { ApiError, badRequest, notFound } from '../errors.js';
import { createMessage, editMessage, FLAG_EPHEMERAL, flagsAfterEdit } from '../messages.js';
import { messageDispatchJson, messageJson } from '../payloads.js';
import { noContent, ok, type Ctx, type Result, type RouteDef } from '../router.js';
import { Intents, type State } from '../state.js';
import type { InteractionRecord, MessageRecord } from '../types.js';
import { FormErrors, validateChoices, validateMessage, validateModal } from '../validate.js';
import { isEmptyAfter } from './channels.js';
import type { RouteConfig } from './common.js';

type Obj = Record<string, unknown>;

/** Interaction webhooks (follow-ups, @original) live 15 minutes. */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

/** Callback types each interaction type accepts. */
const ALLOWED: Record<number, number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

function announce(state: State, msg: MessageRecord, event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE'): void {
  if (!msg.ephemeral) state.dispatch(event, messageDispatchJson(state, msg), msg.guild_id, Intents.GuildMessages);
}

export function interactionRoutes(cfg: RouteConfig): RouteDef[] {
  const { state } = cfg;

  const callback = (ctx: Ctx): Result => {
    const rec = state.interactions.get(ctx.params.token as string);
    if (!rec || rec.id !== ctx.params.id) throw notFound(10062);
    if (rec.response) throw badRequest(40060, 'Interaction has already been acknowledged.');
    if (Date.now() - rec.created_at > cfg.ackWindowMs) throw notFound(10062);
    const body = (ctx.body ?? {}) as Obj;
    const type = body.type as number;
    const data = (body.data as Obj | undefined) ?? undefined;
    if (!(ALLOWED[rec.type] ?? []).includes(type)) {
      const e = new FormErrors();
      e.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Interaction response type ${String(type)} is not valid for interaction type ${rec.type}`);
      e.throwIfAny();
    }
    const channel = state.channels.get(rec.channel_id) ?? state.placeholderChannel(rec.channel_id, rec.guild_id);
    let message: MessageRecord | undefined;
    const asReply = { id: rec.id, type: rec.type, user_id: rec.user_id, ...(rec.command_name ? { name: rec.command_name } : {}) };
    switch (type) {
      case 4: {
        const d = data ?? {};
        validateMessage(d, { mode: 'create', files: ctx.files.length, prefix: ['data'], flags: typeof d.flags === 'number' ? d.flags : 0 });
        message = createMessage(state, { channel, author: state.bot, body: d, files: ctx.files, allowEphemeral: true, type: rec.type === 2 ? 20 : 0, interaction: asReply });
        rec.original_id = message.id;
        announce(state, message, 'MESSAGE_CREATE');
        break;
      }
      case 5: {
        const flags = typeof data?.flags === 'number' ? data.flags & FLAG_EPHEMERAL : 0;
        message = createMessage(state, { channel, author: state.bot, body: { flags }, files: [], allowEphemeral: true, type: rec.type === 2 ? 20 : 0, interaction: asReply, loading: true });
        rec.original_id = message.id;
        announce(state, message, 'MESSAGE_CREATE');
        break;
      }
      case 6:
        rec.original_id = rec.source_message_id;
        message = rec.source_message_id ? state.messages.get(rec.source_message_id) : undefined;
        break;
      case 7: {
        const source = rec.source_message_id ? state.messages.get(rec.source_message_id) : undefined;
        if (!source) throw notFound(10008);
        const d = data ?? {};
        validateMessage(d, { mode: 'edit', files: ctx.files.length, prefix: ['data'], flags: flagsAfterEdit(source, d) });
        if (isEmptyAfter(source, d, ctx.files.length)) throw badRequest(50006, 'Cannot send an empty message');
        message = editMessage(state, source, d, ctx.files);
        rec.original_id = source.id;
        announce(state, message, 'MESSAGE_UPDATE');
        break;
      }
      case 8:
        validateChoices(data);
        break;
      case 9:
        validateModal(data ?? {});
        break;
    }
    rec.response = { type, data, at: Date.now(), ...(message ? { message } : {}) };
    state.interactionChanged(rec.id);
    state.changed();
    if (ctx.query.get('with_response') !== 'true') return noContent();
    const interaction: Obj = { id: rec.id, type: rec.type };
    if (message && (type === 4 || type === 5 || type === 7)) {
      interaction.response_message_id = message.id;
      interaction.response_message_loading = message.loading;
      interaction.response_message_ephemeral = message.ephemeral;
    }
    const resource: Obj = { type };
    if (message && type !== 6) resource.message = messageJson(state, message);
    return ok({ interaction, resource });
  };

  const webhookInteraction = (ctx: Ctx): InteractionRecord => {
    const rec = state.interactions.get(ctx.params.token as string);
    if (ctx.params.app !== state.applicationId || !rec || Date.now() - rec.created_at > TOKEN_LIFETIME_MS) throw notFound(10015);
    if (!rec.response || rec.type === 4) throw notFound(10015);
    return rec;
  };

  /** A message of this interaction: '@original' or the id of the original / a follow-up. */
  const ownMessage = (rec: InteractionRecord, id: string): MessageRecord => {
    const msgId = id === '@original' ? rec.original_id : id === rec.original_id || rec.followup_ids.includes(id) ? id : undefined;
    const msg = msgId ? state.messages.get(msgId) : undefined;
    if (!msg) throw notFound(10008);
    return msg;
  };

  const getMessage = (ctx: Ctx): Result => ok(messageJson(state, ownMessage(webhookInteraction(ctx), ctx.params.mid ?? '@original')));

  const patchMessage = (ctx: Ctx): Result => {
    const rec = webhookInteraction(ctx);
    const msg = ownMessage(rec, ctx.params.mid ?? '@original');
    const body = (ctx.body ?? {}) as Obj;
    validateMessage(body, { mode: 'edit', files: ctx.files.length, flags: flagsAfterEdit(msg, body) });
    if (isEmptyAfter(msg, body, ctx.files.length)) throw badRequest(50006, 'Cannot send an empty message');
    editMessage(state, msg, body, ctx.files);
    announce(state, msg, 'MESSAGE_UPDATE');
    state.interactionChanged(rec.id);
    state.changed();
    return ok(messageJson(state, msg));
  };

  const deleteMessage = (ctx: Ctx): Result => {
    const rec = webhookInteraction(ctx);
    const msg = ownMessage(rec, ctx.params.mid ?? '@original');
    state.deleteMessage(msg);
    if (!msg.ephemeral) state.dispatch('MESSAGE_DELETE', { id: msg.id, channel_id: msg.channel_id, guild_id: msg.guild_id }, msg.guild_id, Intents.GuildMessages);
    state.interactionChanged(rec.id);
    state.changed();
    return noContent();
  };

  const followUp = (ctx: Ctx): Result => {
    const rec = webhookInteraction(ctx);
    const body = (ctx.body ?? {}) as Obj;
    const channel = state.channels.get(rec.channel_id) ?? state.placeholderChannel(rec.channel_id, rec.guild_id);
    validateMessage(body, { mode: 'create', files: ctx.files.length, flags: typeof body.flags === 'number' ? body.flags : 0 });
    const original = rec.original_id ? state.messages.get(rec.original_id) : undefined;
    let msg: MessageRecord;
    if (original?.loading && rec.response?.type === 5) {
      // The first follow-up after a deferred reply replaces the "thinking" message and keeps its ephemeral state.
      const { flags: _ignored, ...rest } = body;
      msg = editMessage(state, original, rest, ctx.files);
      announce(state, msg, 'MESSAGE_UPDATE');
    } else {
      msg = createMessage(state, { channel, author: state.bot, body, files: ctx.files, allowEphemeral: true, interaction: { id: rec.id, type: rec.type, user_id: rec.user_id } });
      rec.followup_ids.push(msg.id);
      announce(state, msg, 'MESSAGE_CREATE');
    }
    state.interactionChanged(rec.id);
    state.changed();
    return ctx.query.get('wait') === 'false' ? noContent() : ok(messageJson(state, msg));
  };

  const unknownWebhook = (): Result => {
    throw new ApiError(404, 10015, 'Unknown Webhook');
  };

  return [
    { method: 'POST', template: '/interactions/:id/:token/callback', auth: false, handler: callback },
    { method: 'POST', template: '/webhooks/:app/:token', auth: false, handler: followUp },
    { method: 'GET', template: '/webhooks/:app/:token/messages/@original', auth: false, handler: getMessage },
    { method: 'PATCH', template: '/webhooks/:app/:token/messages/@original', auth: false, handler: patchMessage },
    { method: 'DELETE', template: '/webhooks/:app/:token/messages/@original', auth: false, handler: deleteMessage },
    { method: 'GET', template: '/webhooks/:app/:token/messages/:mid', auth: false, handler: getMessage },
    { method: 'PATCH', template: '/webhooks/:app/:token/messages/:mid', auth: false, handler: patchMessage },
    { method: 'DELETE', template: '/webhooks/:app/:token/messages/:mid', auth: false, handler: deleteMessage },
    { method: 'GET', template: '/webhooks/:app/:token', auth: false, handler: unknownWebhook },
  ];
}
