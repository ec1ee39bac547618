/**
 * Acting as users: builds INTERACTION_CREATE payloads the way Discord's client and
 * gateway would (refusing what the Discord client would not let a user do) and
 * tracks what the bot answered.
 */
import { LocalDiscordError } from './errors.js';
import { ATTACHMENT_SIZE_LIMIT } from './messages.js';
import { channelJson, memberJson, messageJson, roleJson, userJson } from './payloads.js';
import { missing, toBits, type PermissionInput } from './permissions.js';
import { randomToken, snowflake } from './snowflake.js';
import type { State } from './state.js';
import type { ChannelRecord, CommandRecord, GuildRecord, InteractionRecord, MessageRecord, UserRecord } from './types.js';
import { InteractionHandle, type Dispatcher } from './handle.js';

type Obj = Record<string, unknown>;

export type UserRef = UserRecord | string;
export interface AttachmentInput {
  filename: string;
  data: Buffer | string;
  contentType?: string;
}
/** Option values: strings/numbers/booleans, ids (or records with an id) for users, channels, roles; files for attachments. */
export type OptionValue = string | number | boolean | { id: string } | AttachmentInput;

export interface CommandInput {
  user: UserRef;
  channelId: string;
  name: string;
  subcommand?: string;
  group?: string;
  options?: Record<string, OptionValue>;
  /** Replaces the member's computed permissions in the payload (bitfield or flag names). */
  permissions?: PermissionInput;
  locale?: string;
  /** Run even if the user lacks the command's default_member_permissions (as if an admin allowed it). */
  skipPermissionCheck?: boolean;
}

export interface AutocompleteInput extends CommandInput {
  /** Name of the option being typed into. */
  focused: string;
}

export interface ComponentInput {
  user: UserRef;
  messageId: string;
  customId: string;
  permissions?: PermissionInput;
  locale?: string;
}

export interface SelectInput extends ComponentInput {
  values: string[];
}


const OPTION_TYPE_NAMES: Record<number, string> = { 3: 'string', 4: 'integer', 5: 'boolean', 6: 'user', 7: 'channel', 8: 'role', 9: 'mentionable', 10: 'number', 11: 'attachment' };

export class Users {
  constructor(private readonly d: Dispatcher) {}

  private get state(): State {
    return this.d.state;
  }

  user(ref: UserRef): UserRecord {
    const user = typeof ref === 'string' ? this.state.users.get(ref) : ref;
    if (!user) throw new LocalDiscordError(`Unknown user ${String(ref)}`);
    return user;
  }

  #context(userRef: UserRef, channelId: string): { user: UserRecord; channel: ChannelRecord; guild: GuildRecord } {
    const user = this.user(userRef);
    const channel = this.state.channels.get(channelId);
    if (!channel) throw new LocalDiscordError(`Unknown channel ${channelId}`);
    const guild = this.state.guilds.get(channel.guild_id);
    if (!guild) throw new LocalDiscordError(`Channel ${channelId} has no guild`);
    if (!guild.members.has(user.id)) throw new LocalDiscordError(`${user.username} is not a member of ${guild.name}`);
    if (!guild.members.has(this.state.bot.id)) throw new LocalDiscordError(`The bot is not in ${guild.name}; Discord would not offer its commands`);
    return { user, channel, guild };
  }

  #memberPermissions(user: UserRecord, channel: ChannelRecord, override: PermissionInput | undefined): bigint {
    return override === undefined ? this.state.permissions(channel.guild_id, user.id, channel.id) : toBits(override);
  }

  /** The fields every interaction shares. */
  #base(type: number, user: UserRecord, channel: ChannelRecord, guild: GuildRecord, perms: bigint, locale: string | undefined): { payload: Obj; id: string; token: string } {
    const member = guild.members.get(user.id);
    if (!member) throw new LocalDiscordError(`${user.username} is not a member of ${guild.name}`);
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb246${id}:${randomToken()}`;
    const payload: Obj = {
      id,
      application_id: this.state.applicationId,
      type,
      token,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: guild.preferred_locale, features: guild.features },
      guild_locale: guild.preferred_locale,
      channel_id: channel.id,
      channel: channelJson(channel),
      member: { ...memberJson(this.state, member), permissions: perms.toString() },
      app_permissions: this.state.permissions(guild.id, this.state.bot.id, channel.id).toString(),
      locale: locale ?? user.locale,
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    };
    return { payload, id, token };
  }

  #send(payload: Obj, base: { id: string; token: string }, rec: Omit<InteractionRecord, 'id' | 'token' | 'created_at' | 'followup_ids' | 'delivered'>): InteractionHandle {
    const record: InteractionRecord = { ...rec, id: base.id, token: base.token, created_at: Date.now(), followup_ids: [], delivered: false };
    this.state.addInteraction(record, this.d.nonceWindowMs);
    record.delivered = this.d.dispatchInteraction(payload, rec.guild_id) > 0;
    return new InteractionHandle(this.d, record);
  }

  #command(input: CommandInput, guild: GuildRecord): CommandRecord | undefined {
    const cmd = this.state.findCommand(input.name, guild.id);
    if (!cmd && this.d.requireRegisteredCommands) {
      const known = [...this.state.globalCommands, ...(this.state.guildCommands.get(guild.id) ?? [])].map((c) => c.name);
      throw new LocalDiscordError(`/${input.name} is not registered (global or in ${guild.name}); registered: ${known.join(', ') || 'none'}`);
    }
    return cmd;
  }

  /** Builds data.options (+ resolved) for a chat-input command, checking them against the registered definition. */
  #commandData(input: CommandInput, ctx: { user: UserRecord; channel: ChannelRecord; guild: GuildRecord }, focused?: string): Obj {
    const cmd = this.#command(input, ctx.guild);
    const label = `/${[input.name, input.group, input.subcommand].filter(Boolean).join(' ')}`;
    const defOptions = (cmd?.json.options as Obj[] | undefined) ?? [];
    let leafDefs: Obj[] | undefined = cmd ? defOptions : undefined;
    if (cmd) {
      const hasSubs = defOptions.some((o) => o.type === 1 || o.type === 2);
      if (input.group) {
        const group = defOptions.find((o) => o.type === 2 && o.name === input.group);
        if (!group) throw new LocalDiscordError(`${label}: no sub-command group '${input.group}'`);
        const sub = ((group.options as Obj[] | undefined) ?? []).find((o) => o.name === input.subcommand);
        if (!sub) throw new LocalDiscordError(`${label}: no sub-command '${String(input.subcommand)}' in group '${input.group}'`);
        leafDefs = (sub.options as Obj[] | undefined) ?? [];
      } else if (input.subcommand) {
        const sub = defOptions.find((o) => o.type === 1 && o.name === input.subcommand);
        if (!sub) throw new LocalDiscordError(`${label}: no sub-command '${input.subcommand}'; has ${defOptions.map((o) => o.name as string).join(', ')}`);
        leafDefs = (sub.options as Obj[] | undefined) ?? [];
      } else if (hasSubs) throw new LocalDiscordError(`/${input.name} needs a sub-command (${defOptions.map((o) => o.name as string).join(', ')})`);
      if (!input.skipPermissionCheck && cmd.json.default_member_permissions) {
        const needed = BigInt(cmd.json.default_member_permissions as string);
        const has = this.#memberPermissions(ctx.user, ctx.channel, input.permissions);
        if (missing(has, needed)) throw new LocalDiscordError(`${ctx.user.username} lacks default_member_permissions ${needed} of /${input.name}; Discord would not show the command`);
      }
    }
    const resolved: { users?: Obj; members?: Obj; channels?: Obj; roles?: Obj; attachments?: Obj } = {};
    const leaf: Obj[] = [];
    for (const [name, raw] of Object.entries(input.options ?? {})) {
      const def = leafDefs?.find((o) => o.name === name);
      if (leafDefs && !def) throw new LocalDiscordError(`${label} has no option '${name}' (has ${leafDefs.map((o) => o.name as string).join(', ') || 'none'})`);
      const type = (def?.type as number | undefined) ?? inferType(raw);
      if (name === focused) {
        if (!def?.autocomplete && def) throw new LocalDiscordError(`${label} option '${name}' does not use autocomplete`);
        leaf.push({ name, type, value: String(typeof raw === 'object' ? (raw as { id?: string }).id ?? '' : raw), focused: true });
        continue;
      }
      const value = this.#optionValue(label, name, type, raw, def, ctx, resolved, focused !== undefined);
      leaf.push({ name, type, value });
    }
    if (focused !== undefined && !leaf.some((o) => o.focused)) {
      const def = leafDefs?.find((o) => o.name === focused);
      if (leafDefs && !def) throw new LocalDiscordError(`${label} has no option '${focused}' to autocomplete`);
      if (def && !def.autocomplete) throw new LocalDiscordError(`${label} option '${focused}' does not use autocomplete`);
      leaf.push({ name: focused, type: (def?.type as number | undefined) ?? 3, value: '', focused: true });
    }
    if (leafDefs && focused === undefined) {
      for (const def of leafDefs) {
        if (def.required === true && !(String(def.name) in (input.options ?? {}))) throw new LocalDiscordError(`${label} needs required option '${String(def.name)}'`);
      }
    }
    let options: Obj[] = leaf;
    if (input.subcommand) options = [{ name: input.subcommand, type: 1, options: leaf }];
    if (input.group) options = [{ name: input.group, type: 2, options }];
    const data: Obj = { id: cmd?.id ?? snowflake(), name: input.name, type: 1 };
    if (options.length > 0) data.options = options;
    if (Object.keys(resolved).length > 0) data.resolved = resolved;
    if (cmd?.guild_id) data.guild_id = cmd.guild_id;
    return data;
  }

  #optionValue(label: string, name: string, type: number, raw: OptionValue, def: Obj | undefined, ctx: { channel: ChannelRecord; guild: GuildRecord }, resolved: Obj & { users?: Obj; members?: Obj; channels?: Obj; roles?: Obj; attachments?: Obj }, partial: boolean): unknown {
    const fail = (why: string): never => {
      throw new LocalDiscordError(`${label} option '${name}' (${OPTION_TYPE_NAMES[type] ?? type}): ${why}`);
    };
    const id = typeof raw === 'object' && 'id' in raw ? raw.id : typeof raw === 'string' ? raw : undefined;
    switch (type) {
      case 3:
      case 4:
      case 10: {
        if (type === 3 && typeof raw !== 'string') fail(`expected a string, got ${typeof raw}`);
        if (type === 4 && !Number.isInteger(raw)) fail(`expected an integer, got ${String(raw)}`);
        if (type === 10 && (typeof raw !== 'number' || !Number.isFinite(raw))) fail(`expected a number, got ${String(raw)}`);
        if (partial) return raw;
        const choices = def?.choices as Array<{ value: unknown }> | undefined;
        if (choices && !choices.some((c) => c.value === raw)) fail(`${String(raw)} is not one of the choices ${choices.map((c) => String(c.value)).join(', ')}`);
        if (typeof raw === 'string') {
          if (typeof def?.min_length === 'number' && raw.length < def.min_length) fail(`shorter than min_length ${def.min_length}`);
          if (typeof def?.max_length === 'number' && raw.length > def.max_length) fail(`longer than max_length ${def.max_length}`);
          if (raw.length > 6000) fail('longer than 6000');
        }
        if (typeof raw === 'number') {
          if (typeof def?.min_value === 'number' && raw < def.min_value) fail(`below min_value ${def.min_value}`);
          if (typeof def?.max_value === 'number' && raw > def.max_value) fail(`above max_value ${def.max_value}`);
        }
        return raw;
      }
      case 5:
        if (typeof raw !== 'boolean') fail(`expected a boolean, got ${String(raw)}`);
        return raw;
      case 6:
      case 9: {
        if (!id) return fail('expected a user id');
        const user = this.state.users.get(id);
        const role = ctx.guild.roles.get(id);
        if (user) {
          (resolved.users ??= {})[id] = userJson(user);
          const member = ctx.guild.members.get(id);
          if (member) {
            (resolved.members ??= {})[id] = { ...memberJson(this.state, member, false), permissions: this.state.permissions(ctx.guild.id, id, ctx.channel.id).toString() };
          }
          return id;
        }
        if (type === 9 && role) {
          (resolved.roles ??= {})[id] = roleJson(role);
          return id;
        }
        return fail(`unknown ${type === 6 ? 'user' : 'user or role'} ${id}`);
      }
      case 7: {
        const channel = id ? this.state.channels.get(id) : undefined;
        if (!channel || channel.guild_id !== ctx.guild.id) return fail(`unknown channel ${String(id)} in ${ctx.guild.name}`);
        const allowed = def?.channel_types as number[] | undefined;
        if (allowed && !allowed.includes(channel.type)) fail(`channel type ${channel.type} is not in channel_types ${allowed.join(', ')}`);
        const partialChannel: Obj = { id: channel.id, name: channel.name, type: channel.type, permissions: this.state.permissions(ctx.guild.id, this.state.bot.id, channel.id).toString() };
        if (channel.thread) {
          partialChannel.parent_id = channel.parent_id;
          partialChannel.thread_metadata = (channelJson(channel) as { thread_metadata: unknown }).thread_metadata;
        }
        (resolved.channels ??= {})[channel.id] = partialChannel;
        return channel.id;
      }
      case 8: {
        const role = id ? ctx.guild.roles.get(id) : undefined;
        if (!role) return fail(`unknown role ${String(id)}`);
        (resolved.roles ??= {})[role.id] = roleJson(role);
        return role.id;
      }
      case 11: {
        if (typeof raw !== 'object' || !('filename' in raw)) return fail('expected { filename, data }');
        const data = typeof raw.data === 'string' ? Buffer.from(raw.data) : raw.data;
        const attId = snowflake();
        const url = `${this.d.attachmentOrigin()}/attachments/${ctx.channel.id}/${attId}/${encodeURIComponent(raw.filename)}`;
        const contentType = raw.contentType ?? 'application/octet-stream';
        this.state.uploads.set(attId, { id: attId, filename: raw.filename, size: data.length, url, proxy_url: url, content_type: contentType, ephemeral: true, data });
        (resolved.attachments ??= {})[attId] = { id: attId, filename: raw.filename, size: data.length, url, proxy_url: url, content_type: contentType, ephemeral: true };
        return attId;
      }
      default:
        return fail('unsupported option type');
    }
  }

  #buildCommand(input: CommandInput): { payload: Obj; id: string; token: string; rec: Pick<InteractionRecord, 'type' | 'guild_id' | 'channel_id' | 'user_id' | 'label' | 'command_name'> } {
    const ctx = this.#context(input.user, input.channelId);
    const data = this.#commandData(input, ctx);
    const perms = this.#memberPermissions(ctx.user, ctx.channel, input.permissions);
    const base = this.#base(2, ctx.user, ctx.channel, ctx.guild, perms, input.locale);
    base.payload.data = data;
    const label = `/${[input.name, input.group, input.subcommand].filter(Boolean).join(' ')}`;
    return { ...base, rec: { type: 2, guild_id: ctx.guild.id, channel_id: ctx.channel.id, user_id: ctx.user.id, label, command_name: label.slice(1) } };
  }

  runCommand(input: CommandInput): InteractionHandle {
    const built = this.#buildCommand(input);
    return this.#send(built.payload, built, built.rec);
  }

  /** A valid chat-input INTERACTION_CREATE payload, not sent: mutate it and pass it to `forge`. */
  commandPayload(input: CommandInput): Obj {
    return this.#buildCommand(input).payload;
  }

  /** Sends a hand-made (possibly malformed) INTERACTION_CREATE payload and tracks the bot's answer. */
  forge(payload: Obj): InteractionHandle {
    const id = typeof payload.id === 'string' ? payload.id : snowflake();
    const token = typeof payload.token === 'string' ? payload.token : `aW50ZXJhY3Rpb246${id}:${randomToken()}`;
    const d: Obj = { application_id: this.state.applicationId, version: 1, ...payload, id, token };
    const sourceId = (d.message as { id?: string } | undefined)?.id;
    const member = d.member as { user?: { id?: string } } | undefined;
    const user = (d.user as { id?: string } | undefined) ?? member?.user;
    const channelId = (d.channel_id as string | undefined) ?? (d.channel as { id?: string } | undefined)?.id ?? '0';
    const data = d.data as { name?: string; custom_id?: string } | undefined;
    return this.#send(d, { id, token }, {
      type: typeof d.type === 'number' ? d.type : 2,
      guild_id: (d.guild_id as string | undefined) ?? '0',
      channel_id: channelId,
      user_id: user?.id ?? '0',
      label: data?.name ? `/${data.name} (forged)` : `component '${String(data?.custom_id)}' (forged)`,
      ...(data?.name ? { command_name: data.name } : {}),
      ...(sourceId ? { source_message_id: sourceId } : {}),
    });
  }

  /** Sends an autocomplete interaction and resolves with the choices the bot answers. */
  async autocomplete(input: AutocompleteInput, timeoutMs = this.d.waitTimeoutMs): Promise<Array<{ name: string; value: string | number }>> {
    const ctx = this.#context(input.user, input.channelId);
    const data = this.#commandData(input, ctx, input.focused);
    const perms = this.#memberPermissions(ctx.user, ctx.channel, input.permissions);
    const base = this.#base(4, ctx.user, ctx.channel, ctx.guild, perms, input.locale);
    base.payload.data = data;
    const label = `autocomplete of /${[input.name, input.group, input.subcommand].filter(Boolean).join(' ')} '${input.focused}'`;
    const handle = this.#send(base.payload, base, { type: 4, guild_id: ctx.guild.id, channel_id: ctx.channel.id, user_id: ctx.user.id, label });
    const response = await handle.response(timeoutMs);
    return ((response.data?.choices as Array<{ name: string; value: string | number }> | undefined) ?? []).slice();
  }

  #component(input: ComponentInput, types: number[]): { ctx: { user: UserRecord; channel: ChannelRecord; guild: GuildRecord }; msg: MessageRecord; component: Obj } {
    const msg = this.state.messages.get(input.messageId);
    if (!msg) throw new LocalDiscordError(`No message ${input.messageId}`);
    const ctx = this.#context(input.user, msg.channel_id);
    if (msg.loading) throw new LocalDiscordError(`Message ${msg.id} is still loading (deferred)`);
    if (msg.ephemeral && msg.interaction && msg.interaction.user_id !== ctx.user.id) {
      throw new LocalDiscordError(`Message ${msg.id} is ephemeral; only its interaction's user can see it`);
    }
    const all = collectComponents(msg.components);
    const component = all.find((c) => c.custom_id === input.customId);
    if (!component) throw new LocalDiscordError(`Message ${msg.id} has no component '${input.customId}' (has ${all.map((c) => String(c.custom_id)).join(', ') || 'none'})`);
    if (!types.includes(component.type as number)) throw new LocalDiscordError(`Component '${input.customId}' is type ${String(component.type)}, not ${types.join('/')}`);
    if (component.disabled === true) throw new LocalDiscordError(`Component '${input.customId}' is disabled`);
    return { ctx, msg, component };
  }

  #componentPayload(input: ComponentInput, ctx: { user: UserRecord; channel: ChannelRecord; guild: GuildRecord }, msg: MessageRecord, data: Obj): InteractionHandle {
    const perms = this.#memberPermissions(ctx.user, ctx.channel, input.permissions);
    const base = this.#base(3, ctx.user, ctx.channel, ctx.guild, perms, input.locale);
    base.payload.data = data;
    base.payload.message = messageJson(this.state, msg);
    return this.#send(base.payload, base, { type: 3, guild_id: ctx.guild.id, channel_id: ctx.channel.id, user_id: ctx.user.id, label: `component '${input.customId}'`, source_message_id: msg.id });
  }

  clickButton(input: ComponentInput): InteractionHandle {
    const { ctx, msg, component } = this.#component(input, [2]);
    if (component.style === 5 || component.style === 6) throw new LocalDiscordError(`Button '${input.customId}' is a link/premium button`);
    return this.#componentPayload(input, ctx, msg, { custom_id: input.customId, component_type: 2 });
  }

  selectMenu(input: SelectInput): InteractionHandle {
    const { ctx, msg, component } = this.#component(input, [3, 5, 6, 7, 8]);
    const min = (component.min_values as number | undefined) ?? 1;
    const max = (component.max_values as number | undefined) ?? 1;
    if (input.values.length < min || input.values.length > max) throw new LocalDiscordError(`Select '${input.customId}' takes ${min}..${max} values, got ${input.values.length}`);
    const data: Obj = { custom_id: input.customId, component_type: component.type, values: input.values };
    if (component.type === 3) {
      const options = ((component.options as Obj[] | undefined) ?? []).map((o) => o.value);
      const bad = input.values.filter((v) => !options.includes(v));
      if (bad.length > 0) throw new LocalDiscordError(`Select '${input.customId}' has no option(s) ${bad.join(', ')} (has ${options.join(', ')})`);
    } else {
      const resolved: Obj & { users?: Obj; members?: Obj; channels?: Obj; roles?: Obj } = {};
      const type = component.type === 5 ? 6 : component.type === 6 ? 8 : component.type === 8 ? 7 : 9;
      for (const v of input.values) this.#optionValue(`select '${input.customId}'`, 'values', type, v, undefined, ctx, resolved, false);
      data.resolved = resolved;
    }
    return this.#componentPayload(input, ctx, msg, data);
  }
}

function inferType(v: OptionValue): number {
  if (typeof v === 'boolean') return 5;
  if (typeof v === 'number') return Number.isInteger(v) ? 4 : 10;
  if (typeof v === 'object') return 'filename' in v ? 11 : 6;
  return 3;
}

/** Every interactive component of a message (rows, containers, section accessories). */
export function collectComponents(list: unknown[]): Obj[] {
  const out: Obj[] = [];
  const walk = (c: unknown): void => {
    if (typeof c !== 'object' || c === null) return;
    const o = c as Obj;
    if (typeof o.custom_id === 'string' || o.type === 2) out.push(o);
    if (Array.isArray(o.components)) o.components.forEach(walk);
    if (o.accessory) walk(o.accessory);
    if (o.component) walk(o.component);
  };
  list.forEach(walk);
  return out;
}
