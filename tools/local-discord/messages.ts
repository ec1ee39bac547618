import type { UploadedFile } from './body.js';
import { ApiError } from './errors.js';
import { P } from './permissions.js';
import { snowflake } from './snowflake.js';
import type { State } from './state.js';
import type { AttachmentRecord, ChannelRecord, MessageRecord, Pinged, UserRecord } from './types.js';
import { SETTABLE_FLAGS } from './validate.js';

type Obj = Record<string, unknown>;

export const FLAG_EPHEMERAL = 64;
export const FLAG_LOADING = 128;
export const FLAG_SUPPRESS_EMBEDS = 4;
/** Per-file upload limit of a server without boosts (the interaction's attachment_size_limit). */
export const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

const USER_RE = /<@!?(\d{15,21})>/g;
const ROLE_RE = /<@&(\d{15,21})>/g;
const NONE: Pinged = { users: [], roles: [], everyone: false };

/** Who gets notified, applying allowed_mentions like Discord (no allowed_mentions = parse everything). */
export function computePinged(state: State, content: string, allowed: Obj | undefined, channel: ChannelRecord, authorId: string): Pinged {
  if (!content.includes('@')) return NONE;
  const parse = allowed === undefined ? ['users', 'roles', 'everyone'] : Array.isArray(allowed.parse) ? (allowed.parse as string[]) : [];
  const allowUsers = Array.isArray(allowed?.users) ? (allowed.users as string[]) : [];
  const allowRoles = Array.isArray(allowed?.roles) ? (allowed.roles as string[]) : [];
  const guild = state.guilds.get(channel.guild_id);
  const users: string[] = [];
  for (const m of content.matchAll(USER_RE)) {
    const id = m[1] as string;
    if ((parse.includes('users') || allowUsers.includes(id)) && !users.includes(id)) users.push(id);
  }
  const canEveryone = (state.permissions(channel.guild_id, authorId, channel.id) & P.MentionEveryone) !== 0n;
  const roles: string[] = [];
  for (const m of content.matchAll(ROLE_RE)) {
    const id = m[1] as string;
    const role = guild?.roles.get(id);
    if (!role || roles.includes(id)) continue;
    if ((parse.includes('roles') || allowRoles.includes(id)) && (role.mentionable || canEveryone)) roles.push(id);
  }
  const everyone = parse.includes('everyone') && canEveryone && /@(everyone|here)/.test(content);
  return users.length === 0 && roles.length === 0 && !everyone ? NONE : { users, roles, everyone };
}

/** Turns uploaded files (+ the body's `attachments` metadata) into stored attachments. */
export function buildAttachments(state: State, channelId: string, body: Obj, files: UploadedFile[]): AttachmentRecord[] {
  if (files.length === 0) return [];
  const meta = Array.isArray(body.attachments) ? (body.attachments as Obj[]) : [];
  return files.map((file, index) => {
    if (file.data.length > ATTACHMENT_SIZE_LIMIT) throw new ApiError(413, 40005, 'Request entity too large');
    const key = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? /^file(\d*)$/.exec(file.field)?.[1] ?? String(index);
    const m = meta.find((a) => String(a.id) === key);
    const filename = typeof m?.filename === 'string' ? m.filename : file.filename;
    const id = snowflake();
    const url = `${state.origin}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    const record: AttachmentRecord = { id, filename, size: file.data.length, url, proxy_url: url, data: file.data };
    if (file.contentType) record.content_type = file.contentType;
    if (typeof m?.description === 'string') record.description = m.description;
    return record;
  });
}

export interface NewMessage {
  channel: ChannelRecord;
  author: UserRecord;
  body: Obj;
  files: UploadedFile[];
  /** Extra flags allowed in this context (64 for interaction responses). */
  allowEphemeral: boolean;
  type?: number;
  interaction?: MessageRecord['interaction'];
  loading?: boolean;
}

function embedsOf(body: Obj): Obj[] {
  const embeds = body.embeds;
  if (!Array.isArray(embeds)) return [];
  return embeds.map((e: Obj) => (e.type === undefined ? { type: 'rich', ...e } : e));
}

export function createMessage(state: State, m: NewMessage): MessageRecord {
  const { body, channel } = m;
  const now = new Date().toISOString();
  const settable = m.allowEphemeral ? SETTABLE_FLAGS : SETTABLE_FLAGS & ~FLAG_EPHEMERAL;
  let flags = (typeof body.flags === 'number' ? body.flags : 0) & settable;
  if (m.loading) flags |= FLAG_LOADING;
  const content = typeof body.content === 'string' ? body.content : '';
  const allowed = (body.allowed_mentions as Obj | undefined) ?? undefined;
  const id = snowflake();
  const record: MessageRecord = {
    id,
    channel_id: channel.id,
    guild_id: channel.guild_id,
    type: m.type ?? (body.message_reference ? 19 : 0),
    author: m.author,
    content,
    embeds: embedsOf(body),
    components: Array.isArray(body.components) ? (body.components as Obj[]) : [],
    flags,
    attachments: buildAttachments(state, channel.id, body, m.files),
    allowed_mentions: allowed,
    pinged: computePinged(state, content, allowed, channel, state.bot.id),
    nonce: body.nonce as string | number | undefined,
    tts: body.tts === true,
    timestamp: now,
    edited_timestamp: null,
    edits: 0,
    ephemeral: (flags & FLAG_EPHEMERAL) !== 0,
    loading: m.loading ?? false,
  };
  if (m.interaction) {
    record.interaction = m.interaction;
    record.webhook_id = state.applicationId;
  }
  if (body.message_reference) record.message_reference = body.message_reference as Obj;
  if (body.poll !== undefined) record.poll = body.poll;
  if (Array.isArray(body.sticker_ids)) record.sticker_ids = body.sticker_ids as string[];
  state.storeMessage(record);
  return record;
}

/** Applies an edit: present fields replace, `attachments` keeps the listed ones, files are added. */
export function editMessage(state: State, msg: MessageRecord, body: Obj, files: UploadedFile[]): MessageRecord {
  if ('content' in body) msg.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) msg.embeds = embedsOf(body);
  if ('components' in body) msg.components = Array.isArray(body.components) ? (body.components as Obj[]) : [];
  if ('allowed_mentions' in body) msg.allowed_mentions = (body.allowed_mentions as Obj | undefined) ?? undefined;
  if (typeof body.flags === 'number') {
    // Only SUPPRESS_EMBEDS can be toggled; IS_COMPONENTS_V2 can be set but not removed.
    msg.flags = (msg.flags & ~FLAG_SUPPRESS_EMBEDS) | (body.flags & FLAG_SUPPRESS_EMBEDS) | (body.flags & (1 << 15));
  }
  if (Array.isArray(body.attachments)) {
    const keep = new Set((body.attachments as Obj[]).map((a) => String(a.id)));
    msg.attachments = msg.attachments.filter((a) => keep.has(a.id));
  }
  if (files.length > 0) msg.attachments = [...msg.attachments, ...buildAttachments(state, msg.channel_id, body, files)];
  if (msg.loading) {
    msg.loading = false;
    msg.flags &= ~FLAG_LOADING;
  } else {
    msg.edited_timestamp = new Date().toISOString();
    msg.edits++;
  }
  // Whoever waits on the interaction that made this message (e.g. a component update of a command's reply).
  state.interactionChanged(msg.interaction?.id);
  return msg;
}

/** Flags a message would have after an edit (for validating components V2 rules). */
export function flagsAfterEdit(msg: MessageRecord, body: Obj): number {
  return typeof body.flags === 'number' ? msg.flags | (body.flags & (1 << 15)) : msg.flags;
}
