import { ApiError, badRequest, forbidden, notFound } from '../errors.js';
import { createMessage, editMessage, flagsAfterEdit } from '../messages.js';
import { channelJson, messageDispatchJson, messageJson } from '../payloads.js';
import { P } from '../permissions.js';
import { noContent, ok, type Ctx, type Result, type RouteDef } from '../router.js';
import { snowflake } from '../snowflake.js';
import { Intents, type State } from '../state.js';
import type { ChannelRecord, MessageRecord } from '../types.js';
import { FormErrors, validateMessage, validateThreadName } from '../validate.js';
import { channelAccess, type RouteConfig } from './common.js';

type Obj = Record<string, unknown>;

function findMessage(channel: ChannelRecord, state: State, id: string): MessageRecord {
  const msg = state.messages.get(id);
  if (!msg || msg.channel_id !== channel.id || msg.ephemeral) throw notFound(10008);
  return msg;
}

/** Content, embeds, components, files, sticker or poll: otherwise Discord refuses with 50006. */
export function isEmptyAfter(msg: MessageRecord, body: Obj, files: number): boolean {
  const content = 'content' in body ? body.content : msg.content;
  const embeds = 'embeds' in body ? body.embeds : msg.embeds;
  const components = 'components' in body ? body.components : msg.components;
  const attachments = Array.isArray(body.attachments) ? body.attachments.length : msg.attachments.length;
  return (
    !(typeof content === 'string' && content.length > 0) &&
    !(Array.isArray(embeds) && embeds.length > 0) &&
    !(Array.isArray(components) && components.length > 0) &&
    attachments + files === 0 &&
    msg.poll === undefined &&
    msg.sticker_ids === undefined
  );
}

export function channelRoutes(cfg: RouteConfig): RouteDef[] {
  const { state } = cfg;

  const createInChannel = (ctx: Ctx): Result => {
    const body = (ctx.body ?? {}) as Obj;
    const { channel, perms } = channelAccess(state, ctx.params.id as string);
    if (channel.type === 4) throw badRequest(50024, 'Cannot send messages in a non-text channel');
    if (channel.thread) {
      if (channel.thread.locked && !(perms & P.ManageThreads)) throw new ApiError(400, 50083, 'Thread is archived');
      if (!(perms & P.SendMessagesInThreads)) throw forbidden(50013);
    } else if (!(perms & P.SendMessages)) throw forbidden(50013);
    if (ctx.files.length > 0 && !(perms & P.AttachFiles)) throw forbidden(50013);
    if (body.message_reference && !(perms & P.ReadMessageHistory)) throw forbidden(50013);
    validateMessage(body, { mode: 'create', files: ctx.files.length, flags: typeof body.flags === 'number' ? body.flags : 0 });
    if (body.message_reference) {
      const ref = body.message_reference as Obj;
      const target = typeof ref.message_id === 'string' ? state.messages.get(ref.message_id) : undefined;
      if ((!target || target.channel_id !== (ref.channel_id ?? channel.id)) && ref.fail_if_not_exists !== false) {
        const e = new FormErrors();
        e.add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
        e.throwIfAny();
      }
    }
    let key: string | undefined;
    if (body.enforce_nonce === true && body.nonce !== undefined && body.nonce !== null) {
      key = `${channel.id}:${state.bot.id}:${String(body.nonce)}`;
      const seen = state.nonces.get(key);
      const original = seen ? state.messages.get(seen.id) : undefined;
      if (seen && original && Date.now() - seen.at < cfg.nonceWindowMs) return ok(messageJson(state, original));
    }
    if (channel.thread?.archived) channel.thread.archived = false;
    // Without Embed Links the embeds are dropped, as Discord does.
    const effective = perms & P.EmbedLinks || !Array.isArray(body.embeds) ? body : { ...body, embeds: [] };
    const msg = createMessage(state, { channel, author: state.bot, body: effective, files: ctx.files, allowEphemeral: false });
    if (key) state.nonces.set(key, { id: msg.id, at: Date.now() });
    state.dispatch('MESSAGE_CREATE', messageDispatchJson(state, msg), msg.guild_id, Intents.GuildMessages);
    state.changed();
    return ok(messageJson(state, msg));
  };

  const editInChannel = (ctx: Ctx): Result => {
    const body = (ctx.body ?? {}) as Obj;
    const { channel } = channelAccess(state, ctx.params.id as string);
    const msg = findMessage(channel, state, ctx.params.mid as string);
    if (msg.author.id !== state.bot.id) throw forbidden(50005);
    validateMessage(body, { mode: 'edit', files: ctx.files.length, flags: flagsAfterEdit(msg, body) });
    if (isEmptyAfter(msg, body, ctx.files.length)) throw badRequest(50006, 'Cannot send an empty message');
    editMessage(state, msg, body, ctx.files);
    state.dispatch('MESSAGE_UPDATE', messageDispatchJson(state, msg), msg.guild_id, Intents.GuildMessages);
    state.changed();
    return ok(messageJson(state, msg));
  };

  const startThread = (ctx: Ctx, fromMessage: boolean): Result => {
    const body = (ctx.body ?? {}) as Obj;
    const { channel: parent, perms } = channelAccess(state, ctx.params.id as string);
    if (parent.type !== 0 && parent.type !== 5) throw badRequest(50024);
    validateThreadName(body.name);
    const autoArchive = (body.auto_archive_duration as number | undefined) ?? 4320;
    if (![60, 1440, 4320, 10080].includes(autoArchive)) {
      const e = new FormErrors();
      e.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', 'Value must be one of {60, 1440, 4320, 10080}.');
      e.throwIfAny();
    }
    let type: number;
    let id: string;
    let starter: MessageRecord | undefined;
    if (fromMessage) {
      starter = findMessage(parent, state, ctx.params.mid as string);
      if (starter.thread_id) throw badRequest(160004);
      if (!(perms & P.CreatePublicThreads) || !(perms & P.ReadMessageHistory)) throw forbidden(50013);
      type = parent.type === 5 ? 10 : 11;
      id = starter.id;
    } else {
      type = (body.type as number | undefined) ?? 12;
      if (type !== 11 && type !== 12 && !(parent.type === 5 && type === 10)) throw badRequest(50024);
      if (!(perms & (type === 12 ? P.CreatePrivateThreads : P.CreatePublicThreads))) throw forbidden(50013);
      id = snowflake();
    }
    const thread = state.addThread(parent, {
      id,
      name: body.name as string,
      type,
      ownerId: state.bot.id,
      autoArchive,
      ...(typeof body.invitable === 'boolean' ? { invitable: body.invitable } : {}),
      ...(starter ? { starter: starter.id } : {}),
    });
    if (typeof body.rate_limit_per_user === 'number') thread.rate_limit_per_user = body.rate_limit_per_user;
    if (starter) {
      starter.thread_id = thread.id;
      starter.flags |= 32; // HAS_THREAD
    }
    const json = channelJson(thread);
    const member = { id: thread.id, user_id: state.bot.id, join_timestamp: thread.thread?.create_timestamp, flags: 0 };
    state.dispatch('THREAD_CREATE', { ...json, newly_created: true, member }, thread.guild_id, Intents.Guilds);
    state.changed();
    return ok({ ...json, member }, 201);
  };

  return [
    {
      method: 'GET',
      template: '/channels/:id',
      auth: true,
      handler: (ctx) => ok(channelJson(channelAccess(state, ctx.params.id as string).channel)),
    },
    {
      method: 'GET',
      template: '/channels/:id/messages',
      auth: true,
      handler: (ctx) => {
        const { channel } = channelAccess(state, ctx.params.id as string, P.ReadMessageHistory);
        const limit = Math.min(100, Math.max(1, Number(ctx.query.get('limit') ?? 50) || 50));
        const before = ctx.query.get('before');
        const after = ctx.query.get('after');
        let list = channel.messages.filter((m) => !m.ephemeral);
        const cmp = (a: string, b: string): number => (BigInt(a) < BigInt(b) ? -1 : a === b ? 0 : 1);
        if (before) list = list.filter((m) => cmp(m.id, before) < 0);
        if (after) list = list.filter((m) => cmp(m.id, after) > 0);
        const page = after ? list.slice(0, limit) : list.slice(-limit);
        return ok(page.reverse().map((m) => messageJson(state, m)));
      },
    },
    { method: 'POST', template: '/channels/:id/messages', auth: true, handler: createInChannel },
    {
      method: 'GET',
      template: '/channels/:id/messages/:mid',
      auth: true,
      handler: (ctx) => {
        const { channel } = channelAccess(state, ctx.params.id as string, P.ReadMessageHistory);
        return ok(messageJson(state, findMessage(channel, state, ctx.params.mid as string)));
      },
    },
    { method: 'PATCH', template: '/channels/:id/messages/:mid', auth: true, handler: editInChannel },
    {
      method: 'DELETE',
      template: '/channels/:id/messages/:mid',
      auth: true,
      handler: (ctx) => {
        const { channel, perms } = channelAccess(state, ctx.params.id as string);
        const msg = findMessage(channel, state, ctx.params.mid as string);
        if (msg.author.id !== state.bot.id && !(perms & P.ManageMessages)) throw forbidden(50013);
        state.deleteMessage(msg);
        state.dispatch('MESSAGE_DELETE', { id: msg.id, channel_id: msg.channel_id, guild_id: msg.guild_id }, msg.guild_id, Intents.GuildMessages);
        state.changed();
        return noContent();
      },
    },
    { method: 'POST', template: '/channels/:id/messages/:mid/threads', auth: true, handler: (ctx) => startThread(ctx, true) },
    { method: 'POST', template: '/channels/:id/threads', auth: true, handler: (ctx) => startThread(ctx, false) },
    {
      method: 'POST',
      template: '/channels/:id/typing',
      auth: true,
      handler: (ctx) => {
        channelAccess(state, ctx.params.id as string, P.SendMessages);
        return noContent();
      },
    },
  ];
}
