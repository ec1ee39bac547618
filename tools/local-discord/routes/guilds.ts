import { notFound } from '../errors.js';
import { channelJson, guildJson, memberJson, roleJson } from '../payloads.js';
import { ok, type RouteDef } from '../router.js';
import { guildAccess, type RouteConfig } from './common.js';

export function guildRoutes(cfg: RouteConfig): RouteDef[] {
  const { state } = cfg;
  return [
    {
      method: 'GET',
      template: '/guilds/:id',
      auth: true,
      handler: (ctx) => {
        const guild = guildAccess(state, ctx.params.id as string);
        const json = guildJson(guild);
        if (ctx.query.get('with_counts') === 'true') {
          json.approximate_member_count = guild.members.size;
          json.approximate_presence_count = 0;
        }
        return ok(json);
      },
    },
    {
      method: 'GET',
      template: '/guilds/:id/channels',
      auth: true,
      handler: (ctx) => ok(guildAccess(state, ctx.params.id as string).channels.map((c) => channelJson(c))),
    },
    {
      method: 'GET',
      template: '/guilds/:id/roles',
      auth: true,
      handler: (ctx) => ok([...guildAccess(state, ctx.params.id as string).roles.values()].map(roleJson)),
    },
    {
      method: 'GET',
      template: '/guilds/:id/members/:user',
      auth: true,
      handler: (ctx) => {
        const guild = guildAccess(state, ctx.params.id as string);
        const userId = ctx.params.user === '@me' ? state.bot.id : (ctx.params.user as string);
        const member = guild.members.get(userId);
        if (!member) throw notFound(state.users.has(userId) ? 10007 : 10013);
        return ok(memberJson(state, member));
      },
    },
    {
      method: 'GET',
      template: '/guilds/:id/members',
      auth: true,
      handler: (ctx) => {
        const guild = guildAccess(state, ctx.params.id as string);
        const limit = Math.min(1000, Math.max(1, Number(ctx.query.get('limit') ?? 1) || 1));
        const after = ctx.query.get('after') ?? '0';
        const list = [...guild.members.values()].filter((m) => BigInt(m.userId) > BigInt(after)).sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1));
        return ok(list.slice(0, limit).map((m) => memberJson(state, m)));
      },
    },
  ];
}
