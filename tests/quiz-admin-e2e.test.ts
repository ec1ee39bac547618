/**
 * /quiz-admin export and reset through the real bot and the local Discord.
 * Each test works in a server of its own, so the tallies it sees are the ones it seeded.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../src/quiz/csv.js';
import { listTallies, recordAnswer, type Tally } from '../src/quiz/tallies.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { LocalDiscordError, type GuildRecord, type MessageRecord, type UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';
import { buttonsOf, EPHEMERAL, type Button } from './support/messages.js';
import { parseCsv } from './support/csv.js';


let bot: TestBot;
const clock = new ManualClock(Date.UTC(2025, 4, 17, 9, 30));
beforeAll(async () => {
  bot = await startTestBot({ clock });
});
afterAll(() => bot.stop());

const d = () => bot.discord;

interface World {
  guild: GuildRecord;
  channelId: string;
  /** Manage Server in this guild. */
  admin: UserRecord;
  /** A plain member of this guild. */
  member: UserRecord;
}

let guilds = 0;
function world(): World {
  const n = ++guilds;
  const guild = d().addGuild({ name: `admin-guild-${n}`, channels: ['staff'], members: [] });
  const admin = d().addUser({ username: `admin${n}`, guildIds: [guild.id], permissions: ['ManageGuild'] });
  const member = d().addUser({ username: `member${n}`, guildIds: [guild.id] });
  return { guild, channelId: d().channel('staff', guild.id).id, admin, member };
}

/** Seeds tallies straight into the bot's storage: [name, correct, answered] each. */
async function seed(guild: GuildRecord, rows: Array<[string, number, number]>): Promise<void> {
  for (const [i, [name, correct, answered]] of rows.entries()) {
    for (let k = 0; k < answered; k++) {
      const category = k % 2 === 0 ? 'attribution' : 'verification';
      await recordAnswer(bot.bot.services, { guildId: guild.id, userId: `90000000000000${String(i).padStart(4, '0')}`, userName: name, category, article: 'global-health-passport', correct: k < correct, at: clock.now() + k });
    }
  }
}

const admin = (w: World, subcommand: 'export' | 'reset', user = w.admin) => d().runCommand({ user, channelId: w.channelId, name: 'quiz-admin', subcommand });
const click = (user: UserRecord, m: MessageRecord, customId: string) => d().clickButton({ user, messageId: m.id, customId });

describe('/quiz-admin definition and access', () => {
  it('is registered for Manage Server only, usable in servers only', () => {
    const def = d().commands().find((c) => c['name'] === 'quiz-admin');
    expect(def?.['default_member_permissions']).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(def?.['contexts']).toEqual([0]);
  });

  it('a plain member is not offered the command by Discord', () => {
    const w = world();
    expect(() => admin(w, 'export', w.member)).toThrow(LocalDiscordError);
    expect(() => admin(w, 'reset', w.member)).toThrow(/lacks default_member_permissions/);
  });

  it('if a server lets a plain member see the command anyway, the bot still refuses them', async () => {
    const w = world();
    await seed(w.guild, [['someone', 1, 1]]);
    const reply = await d().runCommand({ user: w.member, channelId: w.channelId, name: 'quiz-admin', subcommand: 'reset', skipPermissionCheck: true }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Only people who can manage this server can do that.');
    expect(await listTallies(bot.bot.services, w.guild.id)).toHaveLength(1);
  });
});

describe('/quiz-admin export', () => {
  it('attaches a CSV, only to the admin, whose rows are the server’s tallies', async () => {
    const w = world();
    await seed(w.guild, [
      ['ann', 3, 4],
      ['=cmd|calc', 0, 2], // a name a spreadsheet would run as a formula
      ['Zoë, "the reader"', 5, 5],
    ]);
    // Answers in another server stay out of this export.
    await recordAnswer(bot.bot.services, { guildId: '123456789012345678', userId: '1', userName: 'elsewhere', category: 'attribution', article: 'global-health-passport', correct: true, at: clock.now() });
    const reply = await admin(w, 'export').reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toBe('Quiz tallies of 3 people.');
    expect(reply.attachments).toHaveLength(1);
    const file = reply.attachments[0]!;
    expect(file.filename).toBe('quiz-tallies-2025-05-17.csv');
    const text = file.data.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    // The fixed columns, then answered and correct per served article, then the learning figures.
    expect(header).toEqual([...CSV_HEADER, 'global-health-passport_answered', 'global-health-passport_correct', 'calibration', 'due_reviews']);
    const tallies = await listTallies(bot.bot.services, w.guild.id);
    expect(rows).toHaveLength(tallies.length);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    for (const [i, t] of tallies.entries()) {
      const row = rows[i]!;
      expect(row).toHaveLength(header!.length);
      expect(Number(col(row, 'global-health-passport_answered'))).toBe(t.answered);
      expect(Number(col(row, 'global-health-passport_correct'))).toBe(t.correct);
      expect(col(row, 'user_id')).toBe(t.userId);
      expect(col(row, 'user_name')).toBe(t.userName.startsWith('=') ? `'${t.userName}` : t.userName);
      expect(Number(col(row, 'answered'))).toBe(t.answered);
      expect(Number(col(row, 'correct'))).toBe(t.correct);
      expect(Number(col(row, 'attribution_answered'))).toBe(t.byCategory.attribution?.answered ?? 0);
      expect(Number(col(row, 'verification_correct'))).toBe(t.byCategory.verification?.correct ?? 0);
      expect(Number(col(row, 'source-chain_answered'))).toBe(0);
      // Seeded tallies have no learning record: no figure yet, nothing due.
      expect(col(row, 'calibration')).toBe('');
      expect(Number(col(row, 'due_reviews'))).toBe(0);
      expect(Number(col(row, 'streak'))).toBe(t.streak);
      expect(Number(col(row, 'best_streak'))).toBe(t.bestStreak);
      expect(col(row, 'last_answered')).toBe(new Date(t.lastAnsweredAt).toISOString());
    }
    expect(rows.map((r) => col(r, 'user_name'))).toEqual(['ann', "'=cmd|calc", 'Zoë, "the reader"']);
    expect(rows.map((r) => [col(r, 'answered'), col(r, 'correct'), col(r, 'accuracy')])).toEqual([['4', '3', '0.75'], ['2', '0', '0'], ['5', '5', '1']]);
  });

  it('with no tallies says there is nothing to export', async () => {
    const w = world();
    const reply = await admin(w, 'export').reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('No one has answered a quiz question in this server yet, so there is nothing to export.');
    expect(reply.attachments).toEqual([]);
  });
});

describe('/quiz-admin reset', () => {
  const countIn = async (w: World) => (await listTallies(bot.bot.services, w.guild.id)).length;

  async function askToReset(w: World): Promise<{ message: MessageRecord; confirm: Button; cancel: Button }> {
    const message = await admin(w, 'reset').reply();
    const [confirm, cancel] = buttonsOf(message);
    return { message, confirm: confirm!, cancel: cancel! };
  }

  it('asks for confirmation first and clears nothing until the button is clicked', async () => {
    const w = world();
    await seed(w.guild, [['a', 1, 1], ['b', 0, 1]]);
    const { message, confirm, cancel } = await askToReset(w);
    expect(message.ephemeral).toBe(true);
    expect(message.content).toMatch(/^This clears the quiz tallies of 2 people in this server, and everyone’s review lists, practice progress and confidence ratings\. It cannot be undone/);
    expect(message.content).toMatch(/Confirm <t:\d+:R>\.$/);
    expect(confirm.label).toBe('Clear all tallies');
    expect(cancel.label).toBe('Cancel');
    expect(await countIn(w)).toBe(2);
  });

  it('clicking “Clear all tallies” clears this server’s tallies, says how many, and leaves other servers alone', async () => {
    const w = world();
    const other = world();
    await seed(w.guild, [['a', 1, 1], ['b', 0, 1], ['c', 2, 3]]);
    await seed(other.guild, [['keep', 1, 1]]);
    const { message, confirm } = await askToReset(w);
    const response = await click(w.admin, message, confirm.custom_id).response();
    expect(response.type).toBe(7);
    const updated = d().message(message.id)!;
    expect(updated.content).toBe('Cleared the quiz tallies of 3 people, and everyone’s review lists, practice progress and confidence ratings.');
    expect(updated.components).toEqual([]);
    expect(await countIn(w)).toBe(0);
    expect(await countIn(other)).toBe(1);
    expect(bot.logs().some((l) => l['msg'] === 'quiz tallies reset' && l['cleared'] === 3)).toBe(true);
  });

  it('a confirmation clears once: a second click from a client still showing it clears nothing', async () => {
    const w = world();
    await seed(w.guild, [['a', 1, 1], ['b', 0, 1]]);
    const { message, confirm } = await askToReset(w);
    const stale = messageJson(d().state, message);
    await click(w.admin, message, confirm.custom_id).response();
    expect(await countIn(w)).toBe(0);
    await seed(w.guild, [['c', 1, 1]]);
    const base = d().commandPayload({ user: w.admin, channelId: w.channelId, name: 'quiz', subcommand: 'score' });
    const again = await d().dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...base, type: 3, data: { custom_id: confirm.custom_id, component_type: 2 }, message: stale } }).reply();
    expect(again.ephemeral).toBe(true);
    expect(again.content).toMatch(/already used or replaced by a newer one/);
    expect(await countIn(w)).toBe(1);
  });

  it('Cancel clears nothing', async () => {
    const w = world();
    await seed(w.guild, [['a', 1, 1], ['b', 0, 1]]);
    const before: Tally[] = await listTallies(bot.bot.services, w.guild.id);
    const { message, cancel } = await askToReset(w);
    await click(w.admin, message, cancel.custom_id).response();
    const updated = d().message(message.id)!;
    expect(updated.content).toBe('Reset cancelled. Nothing was cleared.');
    expect(updated.components).toEqual([]);
    expect(await listTallies(bot.bot.services, w.guild.id)).toEqual(before);
  });

  it('a forged reset click from a member without Manage Server is refused and clears nothing', async () => {
    const w = world();
    await seed(w.guild, [['a', 1, 1], ['b', 0, 1]]);
    const { message, confirm } = await askToReset(w);
    // The confirmation is the admin's alone; Discord would not let the member press it.
    expect(() => click(w.member, message, confirm.custom_id)).toThrow(/ephemeral/);
    // A hand-made interaction replaying the custom id reaches the bot anyway.
    const base = d().commandPayload({ user: w.member, channelId: w.channelId, name: 'quiz', subcommand: 'score' });
    const forged = d().dispatchRaw({
      t: 'INTERACTION_CREATE',
      d: { ...base, type: 3, data: { custom_id: confirm.custom_id, component_type: 2 }, message: messageJson(d().state, message) },
    });
    const reply = await forged.reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Only people who can manage this server can do that.');
    expect(await countIn(w)).toBe(2);
    // So is the admin's own click once they have lost Manage Server.
    const demoted = await d().clickButton({ user: w.admin, messageId: message.id, customId: confirm.custom_id, permissions: ['ViewChannel', 'SendMessages'] }).reply();
    expect(demoted.content).toBe('Only people who can manage this server can do that.');
    expect(await countIn(w)).toBe(2);
  });

  it('a confirmation older than a minute is refused and clears nothing', async () => {
    const w = world();
    await seed(w.guild, [['a', 1, 1]]);
    const { message, confirm } = await askToReset(w);
    await clock.advance(61_000);
    const reply = await click(w.admin, message, confirm.custom_id).reply();
    expect(reply.content).toBe('This confirmation has expired. Run `/quiz-admin reset` again.');
    expect(reply.ephemeral).toBe(true);
    expect(await countIn(w)).toBe(1);
  });

  it('with no tallies there is nothing to confirm', async () => {
    const w = world();
    const reply = await admin(w, 'reset').reply();
    expect(reply.content).toBe('There are no tallies to reset in this server.');
    expect(reply.components).toEqual([]);
  });
});
