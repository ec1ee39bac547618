import type { APIApplication, ApplicationFlags } from 'discord-api-types/v10';
import { ApiError, notFound } from '../errors.js';
import { userJson } from '../payloads.js';
import { noContent, ok, type Ctx, type Result, type RouteDef } from '../router.js';
import { snowflake } from '../snowflake.js';
import type { State } from '../state.js';
import type { CommandRecord } from '../types.js';
import { FormErrors, validateCommand, validateCommandList } from '../validate.js';
import { guildAccess, type RouteConfig } from './common.js';

type Obj = Record<string, unknown>;

function applicationJson(state: State): APIApplication {
  return {
    id: state.applicationId,
    name: state.bot.username,
    icon: null,
    description: '',
    summary: '',
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0 as ApplicationFlags,
    flags_new: '0',
    team: null,
    owner: userJson({ id: state.bot.id, username: 'owner', global_name: null, bot: false, locale: 'en-US' }),
    bot: userJson(state.bot),
    integration_types_config: { '0': {} },
    approximate_guild_count: state.guilds.size,
    redirect_uris: [],
    interactions_endpoint_url: null,
  };
}

/** The command as Discord returns it, with defaults filled in. */
function commandJson(state: State, input: Obj, id: string, version: string, guildId: string | undefined): Obj {
  const type = (input.type as number | undefined) ?? 1;
  const json: Obj = {
    id,
    application_id: state.applicationId,
    version,
    default_member_permissions: (input.default_member_permissions as string | null | undefined) ?? null,
    type,
    name: input.name,
    description: (input.description as string | undefined) ?? '',
    dm_permission: input.dm_permission ?? true,
    contexts: input.contexts ?? null,
    integration_types: input.integration_types ?? [0],
    nsfw: input.nsfw ?? false,
  };
  if (input.name_localizations) json.name_localizations = input.name_localizations;
  if (input.description_localizations) json.description_localizations = input.description_localizations;
  if (Array.isArray(input.options) && input.options.length > 0) json.options = input.options;
  if (guildId) json.guild_id = guildId;
  return json;
}

function toRecord(state: State, input: Obj, prev: CommandRecord | undefined, guildId: string | undefined): CommandRecord {
  const id = prev?.id ?? snowflake();
  const fresh = commandJson(state, input, id, '', guildId);
  const same = prev && JSON.stringify({ ...prev.json, version: '' }) === JSON.stringify(fresh);
  const version = same && prev ? prev.version : snowflake();
  fresh.version = version;
  return {
    id,
    application_id: state.applicationId,
    version,
    name: input.name as string,
    type: (input.type as number | undefined) ?? 1,
    json: fresh,
    ...(guildId ? { guild_id: guildId } : {}),
  };
}

export function appRoutes(cfg: RouteConfig): RouteDef[] {
  const { state } = cfg;

  const scope = (ctx: Ctx): { list: CommandRecord[]; guildId: string | undefined } => {
    if (ctx.params.app !== state.applicationId) throw new ApiError(403, 50001, 'Missing Access');
    const guildId = ctx.params.guild;
    if (guildId) guildAccess(state, guildId);
    return { list: state.commandsFor(guildId), guildId };
  };

  const put = (ctx: Ctx): Result => {
    const { list, guildId } = scope(ctx);
    validateCommandList(ctx.body);
    const next = (ctx.body as Obj[]).map((input) => {
      const type = (input.type as number | undefined) ?? 1;
      return toRecord(state, input, list.find((c) => c.name === input.name && c.type === type), guildId);
    });
    list.splice(0, list.length, ...next);
    cfg.onCommandPut();
    state.changed();
    return ok(next.map((c) => c.json));
  };

  const create = (ctx: Ctx): Result => {
    const { list, guildId } = scope(ctx);
    const e = new FormErrors();
    validateCommand(e, ctx.body, []);
    e.throwIfAny();
    const input = ctx.body as Obj;
    const type = (input.type as number | undefined) ?? 1;
    const i = list.findIndex((c) => c.name === input.name && c.type === type);
    const rec = toRecord(state, input, list[i], guildId);
    if (i >= 0) list[i] = rec;
    else list.push(rec);
    state.changed();
    return ok(rec.json, i >= 0 ? 200 : 201);
  };

  const one = (ctx: Ctx): { list: CommandRecord[]; index: number; guildId: string | undefined } => {
    const { list, guildId } = scope(ctx);
    const index = list.findIndex((c) => c.id === ctx.params.cmd);
    if (index < 0) throw notFound(10063);
    return { list, index, guildId };
  };

  const routesFor = (base: string): RouteDef[] => [
    { method: 'GET', template: base, auth: true, handler: (ctx) => ok(scope(ctx).list.map((c) => c.json)) },
    { method: 'PUT', template: base, auth: true, handler: put },
    { method: 'POST', template: base, auth: true, handler: create },
    {
      method: 'GET',
      template: `${base}/:cmd`,
      auth: true,
      handler: (ctx) => {
        const { list, index } = one(ctx);
        return ok(list[index]?.json);
      },
    },
    {
      method: 'PATCH',
      template: `${base}/:cmd`,
      auth: true,
      handler: (ctx) => {
        const { list, index, guildId } = one(ctx);
        const prev = list[index] as CommandRecord;
        const merged = { ...prev.json, ...(ctx.body as Obj) };
        const e = new FormErrors();
        validateCommand(e, merged, []);
        e.throwIfAny();
        const rec = toRecord(state, merged, prev, guildId);
        list[index] = rec;
        state.changed();
        return ok(rec.json);
      },
    },
    {
      method: 'DELETE',
      template: `${base}/:cmd`,
      auth: true,
      handler: (ctx) => {
        const { list, index } = one(ctx);
        list.splice(index, 1);
        state.changed();
        return noContent();
      },
    },
  ];

  return [
    {
      method: 'GET',
      template: '/gateway/bot',
      auth: true,
      handler: () =>
        ok({
          url: cfg.gatewayUrl(),
          shards: cfg.recommendedShards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: cfg.maxConcurrency },
        }),
    },
    { method: 'GET', template: '/gateway', auth: false, handler: () => ok({ url: cfg.gatewayUrl() }) },
    {
      method: 'GET',
      template: '/users/@me',
      auth: true,
      handler: () => ok({ ...userJson(state.bot), verified: true, mfa_enabled: false, email: null, flags: 0, locale: 'en-US', banner: null, accent_color: null }),
    },
    { method: 'GET', template: '/applications/@me', auth: true, handler: () => ok(applicationJson(state)) },
    { method: 'GET', template: '/oauth2/applications/@me', auth: true, handler: () => ok(applicationJson(state)) },
    ...routesFor('/applications/:app/commands'),
    ...routesFor('/applications/:app/guilds/:guild/commands'),
  ];
}
