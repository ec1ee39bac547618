/**
 * Client events: start-up wires every event of the registry, gateway and REST
 * events are logged with what an operator needs (and no secrets), handlers are
 * typed from discord.js's ClientEvents, and the wiring logs what a handler throws.
 */
import { Client, Events, type Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Context } from '../src/context.js';
import { events } from '../src/events/index.js';
import { registerEvents } from '../src/events/lib/register.js';
import { clientEvent } from '../src/events/lib/types.js';
import { startTestBot } from './support/bot.js';
import { memoryLogger } from './support/log.js';

describe('events of the real bot', () => {
  it('start-up wires every event of the registry (the once ready event has run), and stop removes them', async () => {
    const tb = await startTestBot();
    const { client } = tb.bot;
    const count = (e: (typeof events)[number]) => (e.emitter === 'rest' ? client.rest.listenerCount(e.name) : client.listenerCount(e.name));
    // discord.js listens to some of these itself, so what is counted is the bot's own listeners: those stop removes.
    const running = events.map(count);
    await tb.bot.stop();
    expect(events.map((e, i) => [e.name, running[i]! - count(e)])).toEqual(events.map((e) => [e.name, e.once ? 0 : 1]));
    expect(events.filter((e) => e.once).map((e) => e.name)).toEqual([Events.ClientReady]);
    expect(tb.logs().some((l) => l.msg === 'ready')).toBe(true);
    await tb.stop();
  });

  it('a dropped gateway connection is logged with the shard id: reconnecting, then resumed with the events replayed; no token is logged', async () => {
    const tb = await startTestBot();
    try {
      const since = tb.logs().length;
      expect(tb.discord.dropSocket()).toBe(1);
      const resumed = await tb.discord.waitFor(() => tb.logs().slice(since).find((l) => l.msg === 'gateway session resumed'), 10_000, 'the resume log');
      expect(resumed).toMatchObject({ event: 'shardResume', shardId: 0, replayedEvents: expect.any(Number), level: 30 });
      expect(tb.logs().slice(since).find((l) => l.msg === 'gateway reconnecting')).toMatchObject({ event: 'shardReconnecting', shardId: 0, level: 30 });
      expect(JSON.stringify(tb.logs())).not.toContain(tb.discord.token);
    } finally {
      await tb.stop();
    }
  });

  it('a 429 from Discord is logged as a rate limit with its route, and the post still arrives', async () => {
    const tb = await startTestBot();
    try {
      const { discord } = tb;
      discord.failNext('POST /channels/:id/messages', { status: 429, retryAfter: 0.2 });
      const reply = await discord
        .runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'post', options: { prompt: 'discuss-01', channel: { id: discord.channels.prompts.id } } })
        .reply();
      expect(reply.ephemeral).toBe(true);
      await discord.waitFor(() => discord.messages(discord.channels.prompts.id).find((m) => !m.interaction), 5000, 'the prompt post');
      expect(tb.logs().find((l) => l.msg === 'rate limited by Discord')).toMatchObject({ event: 'rateLimited', level: 40, route: '/channels/:id/messages' });
    } finally {
      await tb.stop();
    }
  });
});

describe('the event wiring', () => {
  it('logs what a handler throws with the event’s name and keeps handling later emits; a once handler’s failure reaches ran()', async () => {
    const client = new Client({ intents: [] });
    const { log, lines } = memoryLogger();
    const seen: string[] = [];
    const wired = registerEvents(
      client,
      [
        clientEvent({
          name: Events.Warn,
          execute(message) {
            seen.push(message);
            throw new Error(`cannot handle ${message}`);
          },
        }),
        clientEvent({
          name: Events.ClientReady,
          once: true,
          async execute() {
            throw new Error('not ready');
          },
        }),
      ],
      { log } as Context,
    );
    client.emit(Events.Warn, 'first');
    client.emit(Events.Warn, 'second');
    client.emit(Events.ClientReady, client as Client<true>);
    await expect(wired.ran(Events.ClientReady)).rejects.toThrow('not ready');
    expect(seen).toEqual(['first', 'second']);
    expect(lines().filter((l) => l.msg === 'event handler failed').map((l) => [l.event, (l.err as { message: string }).message])).toEqual([
      ['warn', 'cannot handle first'],
      ['warn', 'cannot handle second'],
      ['clientReady', 'not ready'],
    ]);
    wired.remove();
    expect(client.listenerCount(Events.Warn)).toBe(0);
    await client.destroy();
  });

  it('types a handler’s arguments from the event’s name (the wrong ones fail to compile)', () => {
    const defined = [
      // @ts-expect-error guildDelete passes a Guild, not an Interaction
      clientEvent({ name: Events.GuildDelete, execute: (interaction: Interaction) => interaction.id }),
      // @ts-expect-error shardResume passes the shard id and the replayed count, then the context: nothing more
      clientEvent({ name: Events.ShardResume, execute: (shardId: number, replayed: number, ctx: Context, extra: string) => [shardId, replayed, ctx, extra] }),
      clientEvent({ name: Events.ShardDisconnect, execute: (close, shardId, ctx) => ctx.log.warn({ shardId, code: close.code }) }),
    ];
    expect(defined.map((e) => [e.emitter, e.name])).toEqual([
      ['client', 'guildDelete'],
      ['client', 'shardResume'],
      ['client', 'shardDisconnect'],
    ]);
  });
});
