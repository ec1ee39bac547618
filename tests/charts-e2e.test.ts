/**
 * The charts through the real bot and the local Discord: /quiz score and
 * /quiz-admin report attach PNG files that are decoded here with pngjs, with
 * their alt text as the attachment description, and the class figures come
 * from answers given in practice and in rounds. A ManualClock moves the weeks.
 * Each test works in a server of its own; the last one closes the renderer.
 */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekStart, type ChartRenderer } from '../src/charts/index.js';
import { PALETTE } from '../src/charts/palette.js';
import { itemRef } from '../src/content/refs.js';
import type { Category, Question } from '../src/content/schema.js';
import { rateConfidence, recordLearning } from '../src/learning/record.js';
import type { Confidence } from '../src/learning/state.js';
import { getClassStats } from '../src/quiz/class-stats.js';
import { listTallies } from '../src/quiz/tallies.js';
import { CATEGORIES } from '../src/content/schema.js';
import { LocalDiscordError, type AttachmentRecord, type GuildRecord, type MessageRecord, type UserRecord } from '../tools/local-discord/index.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { buttonsOf, correctIndex, EPHEMERAL, embedOf, isRevealed, questionOf as questionIn } from './support/messages.js';
import { parseCsv } from './support/csv.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const LETTERS = ['A', 'B', 'C', 'D', 'E'];

let tb: TestBot;
// A Wednesday morning (UTC): the week started on Monday 12 May 2025.
const clock = new ManualClock(Date.UTC(2025, 4, 14, 9, 30));
beforeAll(async () => {
  tb = await startTestBot({ clock });
});
afterAll(async () => {
  expect(tb.discord.serverErrors).toEqual([]);
  expect(tb.logs().filter((l) => Number(l['level']) >= 50)).toEqual([]);
  await tb.stop();
});

const d = () => tb.discord;
const services = () => tb.bot.services;
const first = () => services().shelf.current.first;
const questionOf = (m: MessageRecord): Question => questionIn(first(), m);

interface World {
  guild: GuildRecord;
  channelId: string;
  admin: UserRecord;
  users: (n: number) => UserRecord[];
}

let worlds = 0;
function world(): World {
  const n = ++worlds;
  const guild = d().addGuild({ name: `Charts club ${n}`, channels: ['class'], members: [] });
  const admin = d().addUser({ username: `teacher${n}`, guildIds: [guild.id], permissions: ['ManageGuild'] });
  let made = 0;
  const users = (count: number) => Array.from({ length: count }, () => d().addUser({ username: `learner${n}-${++made}`, guildIds: [guild.id] }));
  return { guild, channelId: d().channel('class', guild.id).id, admin, users };
}

const practice = (w: World, user: UserRecord, category?: Category) =>
  d().runCommand({ user, channelId: w.channelId, name: 'quiz', subcommand: 'practice', ...(category ? { options: { category } } : {}) });
const letterButton = (m: MessageRecord, option: number) => buttonsOf(m).find((b) => b.custom_id.startsWith('practice:q:') && b.label === LETTERS[option])!;

/** One practice question answered right or wrong (or as `choose` decides once it sees the question); returns the question. */
async function practiseOnce(w: World, user: UserRecord, right: boolean | ((q: Question) => boolean), category?: Category): Promise<Question> {
  const m = await practice(w, user, category).reply();
  const q = questionOf(m);
  const c = correctIndex(q, m);
  const isRight = typeof right === 'function' ? right(q) : right;
  await d().clickButton({ user, messageId: m.id, customId: letterButton(m, isRight ? c : (c + 1) % q.options.length).custom_id }).response();
  return q;
}

const score = (w: World, user: UserRecord, of?: UserRecord) => d().runCommand({ user, channelId: w.channelId, name: 'quiz', subcommand: 'score', ...(of ? { options: { user: { id: of.id } } } : {}) });
const report = (w: World, user = w.admin, skipPermissionCheck = false) =>
  d().runCommand({ user, channelId: w.channelId, name: 'quiz-admin', subcommand: 'report', ...(skipPermissionCheck ? { skipPermissionCheck } : {}) });

/** The reply once the chart is in it, or the note that it could not be drawn (the words may come first, the picture by an edit). */
async function finalReply(run: ReturnType<typeof score>): Promise<MessageRecord> {
  const m = await run.reply();
  return d().waitFor(() => {
    const now = d().message(m.id);
    return now && (now.attachments.some((a) => a.filename.endsWith('.png')) || now.content.includes('could not be drawn')) ? now : undefined;
  }, 10_000, 'the reply with its chart');
}

const png = (m: MessageRecord): AttachmentRecord => {
  const file = m.attachments.find((a) => a.filename.endsWith('.png'));
  if (!file) throw new Error(`no PNG attached; content: ${m.content}`);
  return file;
};

/** Decodes a PNG (pngjs, independent of the canvas that drew it) and counts what is in it. */
function decode(data: Buffer, region?: { x: number; y: number; width: number; height: number }) {
  const image = PNG.sync.read(data);
  const r = region ?? { x: 0, y: 0, width: image.width, height: image.height };
  const colours = new Map<number, number>();
  let dark = 0;
  let opaque = true;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const i = (y * image.width + x) * 4;
      const [red, green, blue] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
      if (image.data[i + 3] !== 255) opaque = false;
      // Text is drawn dark on a light card; the bars' colours each have a channel above 120.
      if (Math.max(red, green, blue) < 120) dark++;
      const c = (red << 16) | (green << 8) | blue;
      colours.set(c, (colours.get(c) ?? 0) + 1);
    }
  }
  return { width: image.width, height: image.height, opaque, dark, distinct: colours.size, count: (hex: string) => colours.get(parseInt(hex.slice(1), 16)) ?? 0 };
}
const TITLE = { x: 20, y: 16, width: 400, height: 36 };

function rate(w: World, user: UserRecord, n: number, level: Confidence, correct: boolean, from = 0) {
  const q = first().questions()[0]!;
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      rateConfidence(services().store, { guildId: w.guild.id, userId: user.id, answerKey: `practice:rated-${from + i}`, ref: itemRef(first().id, q.id), level, correct, at: clock.now() }),
    ),
  );
}

describe('/quiz score', () => {
  it('keeps the record in words and attaches the score chart, its alt text naming the learner’s and the server’s figures', async () => {
    const w = world();
    const [ann, bob] = w.users(2);
    await practiseOnce(w, ann!, true, 'attribution');
    await practiseOnce(w, ann!, true, 'attribution');
    await practiseOnce(w, ann!, false, 'attribution');
    await practiseOnce(w, bob!, true, 'attribution');
    await practiseOnce(w, bob!, false, 'verification');

    const reply = await finalReply(score(w, ann!));
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    const text = embedOf(reply).description ?? '';
    expect(text).toMatch(/^2\/3 correct \(66%\)\n/);
    expect(text).toContain('Attribution: 2/3 (66%)');
    expect(text).toContain('Due for review: none right now.');
    // No rating yet: no confidence line at all.
    expect(text).not.toContain('Confidence');

    const file = png(reply);
    expect(file.filename).toBe('quiz-score.png');
    expect(file.description).toBeDefined();
    expect(file.description!.length).toBeLessThanOrEqual(1024);
    // Ann: 2 of 3 in attribution; the server: 3 of 4 in attribution, 0 of 1 in verification (Ann has none there).
    expect(file.description).toMatch(/^Your accuracy per skill, with the server average: /);
    expect(file.description).toContain('Attribution 67% of 3 (server 75%)');
    expect(file.description).toContain('Verification moves no answers yet (server 0%)');
    expect(file.description).not.toContain('Calibration');

    const picture = decode(file.data);
    expect([picture.width, picture.height]).toEqual([900, 470]);
    expect(picture.opaque).toBe(true);
    expect(picture.distinct).toBeGreaterThan(20);
    expect(picture.count(PALETTE.blue)).toBeGreaterThan(1000);
    expect(picture.count(PALETTE.vermillion)).toBeGreaterThan(50);
    expect(decode(file.data, TITLE).dark).toBeGreaterThan(300);
  });

  it('someone else’s chart carries their name in the title and the alt text', async () => {
    const w = world();
    const [ann, bob] = w.users(2);
    await practiseOnce(w, bob!, true, 'source-chain');
    const reply = await finalReply(score(w, ann!, bob));
    const file = png(reply);
    expect(file.description).toMatch(new RegExp(`^${bob!.username}'s accuracy per skill`));
    expect(decode(file.data, TITLE).dark).toBeGreaterThan(300);
  });

  it('counts the questions due for review among the served ones', async () => {
    const w = world();
    const [ann] = w.users(1);
    await practiseOnce(w, ann!, true);
    const [q1, q2] = first().questions();
    for (const [i, ref] of [itemRef(first().id, q1!.id), itemRef(first().id, q2!.id), itemRef('no-longer-served', 'old-1')].entries()) {
      await recordLearning(services().store, { guildId: w.guild.id, userId: ann!.id, ref: ref as `${string}/${string}`, optionId: 'x', correct: false, source: 'practice', at: clock.now(), answerKey: `due-test:${i}` });
    }
    expect(embedOf(await finalReply(score(w, ann!))).description).toContain('Due for review: none right now.');
    // A missed question comes back a day later; the one of an article no longer served does not count.
    await clock.advance(DAY + 1);
    expect(embedOf(await finalReply(score(w, ann!))).description).toContain('Due for review: 2 questions.');
  });

  it('shows confidence against results and the calibration panel from the 10th rating, and how many more before', async () => {
    const w = world();
    const [ann] = w.users(1);
    await practiseOnce(w, ann!, true);
    await rate(w, ann!, 6, 'certain', false);
    await rate(w, ann!, 3, 'certain', true, 6);

    const before = await finalReply(score(w, ann!));
    const text = embedOf(before).description ?? '';
    expect(text).toContain('Confidence: 9 answers rated so far; 1 more and this shows how your confidence matches your results (it takes 10).');
    expect(text).not.toContain('Certain: right');
    expect(text).not.toMatch(/over-confident|under-confident/);
    expect(decode(png(before).data).height).toBe(470);
    expect(png(before).description).not.toContain('Calibration');

    await rate(w, ann!, 1, 'guessing', true, 9);
    const after = await finalReply(score(w, ann!));
    const lines = (embedOf(after).description ?? '').split('\n');
    expect(lines).toContain('Certain: right 3 of 9 (33%)');
    expect(lines).toContain('Guessing: right 1 of 1 (100%)');
    expect(lines).toContain('Fairly sure: no rated answers');
    expect(lines).toContain('You tend to be over-confident: you feel surer than your results bear out.');
    expect(lines.some((l) => l.startsWith('Confidence:') && l.includes('more'))).toBe(false);
    const file = png(after);
    const picture = decode(file.data);
    expect([picture.width, picture.height]).toEqual([900, 800]);
    expect(picture.distinct).toBeGreaterThan(20);
    expect(file.description).toContain('Calibration, share right by how sure: Guessing 1 of 1 right (100%), ideal 25%; Fairly sure no answers yet, ideal 75%; Certain 3 of 9 right (33%), ideal 100%.');
  });

  it('someone who is right more often than sure is told they are under-confident', async () => {
    const w = world();
    const [ann] = w.users(1);
    await practiseOnce(w, ann!, true);
    await rate(w, ann!, 10, 'guessing', true);
    const text = embedOf(await finalReply(score(w, ann!))).description ?? '';
    expect(text).toContain('Guessing: right 10 of 10 (100%)');
    expect(text).toContain('You tend to be under-confident: you are right more often than you feel.');
  });

  it('a chart slower than the wait: the words go out at once, and the picture is edited in once drawn', async () => {
    const w = world();
    const [ann] = w.users(1);
    await practiseOnce(w, ann!, true);
    // The renderer is one object shared by every context copy: its method is slowed for this test, then restored.
    const charts = services().charts as { -readonly [K in keyof ChartRenderer]: ChartRenderer[K] };
    const draw = charts.scoreChart;
    charts.scoreChart = async (input, options) => (await new Promise((r) => setTimeout(r, 2000)), draw(input, options));
    try {
      const run = score(w, ann!);
      const response = await run.response();
      // Within Discord's 3 s: the words, privately, without the picture.
      expect(response.type).toBe(4);
      const data = response.data as { flags?: number; embeds?: Array<{ description?: string }>; attachments?: unknown[] };
      expect(data.flags).toBe(EPHEMERAL);
      expect(data.embeds?.[0]?.description).toMatch(/^1\/1 correct/);
      expect(data.attachments ?? []).toEqual([]);
      const reply = await finalReply(run);
      expect(reply.edits).toBe(1);
      expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedOf(reply).description).toMatch(/^1\/1 correct/);
      expect(decode(png(reply).data).width).toBe(900);
      expect(png(reply).description).toMatch(/^Your accuracy per skill/);
    } finally {
      charts.scoreChart = draw;
    }
  });
});

describe('/quiz-admin report', () => {
  it('a member without Manage Server is refused: Discord hides it, and the bot refuses a forged run', async () => {
    const w = world();
    const [ann] = w.users(1);
    await practiseOnce(w, ann!, true);
    expect(() => report(w, ann!)).toThrow(LocalDiscordError);
    const refused = await report(w, ann!, true).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('Only people who can manage this server can do that.');
    expect(refused.attachments).toEqual([]);
  });

  it('a server with no answers gets a plain message', async () => {
    const w = world();
    const reply = await report(w).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('No one has answered a quiz question in this server yet, so there is no report to show.');
    expect(reply.attachments).toEqual([]);
  });

  it('a slow report picture is edited in, and the CSV sent with the words is still attached after the edit', async () => {
    const w = world();
    const [ann] = w.users(1);
    await practiseOnce(w, ann!, false);
    const charts = services().charts as { -readonly [K in keyof ChartRenderer]: ChartRenderer[K] };
    const draw = charts.classReport;
    charts.classReport = async (input, options) => (await new Promise((r) => setTimeout(r, 2000)), draw(input, options));
    try {
      const run = report(w);
      // The words and the CSV, before the picture (which is still 2 s away).
      const first = await run.reply();
      expect(first.edits).toBe(0);
      expect(first.attachments.map((a) => a.filename)).toEqual([`class-report-${new Date(clock.now()).toISOString().slice(0, 10)}.csv`]);
      const reply = await finalReply(run);
      expect(reply.attachments.map((a) => a.filename).sort()).toEqual(['class-report.png', `class-report-${new Date(clock.now()).toISOString().slice(0, 10)}.csv`].sort());
      expect(reply.attachments.find((a) => a.filename.endsWith('.csv'))!.data.toString('utf8')).toContain('skill,attribution');
      expect(decode(png(reply).data).width).toBe(1200);
    } finally {
      charts.classReport = draw;
    }
  });

  it('a confirmed /quiz-admin reset clears the class figures with the tallies: the report then has nothing to show', async () => {
    const w = world();
    const other = world();
    const [ann] = w.users(1);
    const [bob] = other.users(1);
    await practiseOnce(w, ann!, false);
    await practiseOnce(other, bob!, false);
    expect((await getClassStats(services().store, w.guild.id)).updates).toBe(1);
    const asked = await d().runCommand({ user: w.admin, channelId: w.channelId, name: 'quiz-admin', subcommand: 'reset' }).reply();
    const confirm = buttonsOf(asked).find((b) => b.label === 'Clear all tallies')!;
    await d().clickButton({ user: w.admin, messageId: asked.id, customId: confirm.custom_id }).response();
    expect(await services().store.get(`class-stats:${w.guild.id}`)).toBeUndefined();
    expect((await report(w).reply()).content).toBe('No one has answered a quiz question in this server yet, so there is no report to show.');
    // Another server's figures stay.
    expect((await getClassStats(services().store, other.guild.id)).updates).toBe(1);
  });

  it('attaches the class report picture and CSV: most missed from a round and practice, CSV rows as stored, weeks moving with the clock', async () => {
    const w = world();
    const learners = w.users(3);

    // A round of 3 attribution questions: Q1 missed by all, Q2 right by all, Q3 right by two of three.
    const run = d().runCommand({ user: w.admin, channelId: w.channelId, name: 'quiz', subcommand: 'start', options: { questions: 3, seconds: 10, category: 'attribution' } });
    await run.reply();
    const rightBy = [0, 3, 2];
    const roundQuestions: Question[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await d().waitFor(() => d().messages(w.channelId).find((x) => !x.ephemeral && buttonsOf(x).some((b) => new RegExp(`^quiz:a:[^:]+:${i}:`).test(b.custom_id))), 5000, `question ${i + 1}`);
      const q = questionOf(m);
      roundQuestions.push(q);
      const c = correctIndex(q, m);
      for (const [k, user] of learners.entries()) {
        const option = k < rightBy[i]! ? c : (c + 1) % q.options.length;
        await d().clickButton({ user, messageId: m.id, customId: buttonsOf(m)[option]!.custom_id }).reply();
      }
      await clock.advance(10_000);
      await d().waitFor(() => (isRevealed(d().message(m.id)) ? true : undefined), 5000, 'the reveal');
    }
    const [q1, q2, q3] = roundQuestions.map((q) => itemRef(first().id, q.id));
    const stats = await getClassStats(services().store, w.guild.id);
    // One write per question at its reveal, with all of its answers.
    expect(stats.questions).toEqual({ [q1!]: { answered: 3, correct: 0 }, [q2!]: { answered: 3, correct: 3 }, [q3!]: { answered: 3, correct: 2 } });
    expect(stats.updates).toBe(3);

    const beforePractice = parseCsv((await finalReply(report(w))).attachments.find((a) => a.filename.endsWith('.csv'))!.data.toString('utf8').slice(1));
    expect(beforePractice.filter((r) => r[0] === 'most_missed').map((r) => r[1])).toEqual([q1, q3, q2]);

    // Practice in the same skill: each learner meets Q2 and misses it (3 of 6 right: 50%, now below Q3),
    // misses Q1 too if it comes up (it stays at 0%), and gets every other question right (Q3 stays at 67% or more).
    const practised = new Map<string, { answered: number; correct: number }>();
    for (const user of learners) {
      let met = false;
      for (let tries = 0; tries < 11 && !met; tries++) {
        await practiseOnce(w, user, (q) => {
          const right = q.id !== roundQuestions[0]!.id && q.id !== roundQuestions[1]!.id;
          const ref = itemRef(first().id, q.id);
          const c = practised.get(ref) ?? { answered: 0, correct: 0 };
          practised.set(ref, { answered: c.answered + 1, correct: c.correct + (right ? 1 : 0) });
          if (q.id === roundQuestions[1]!.id) met = true;
          return right;
        }, 'attribution');
      }
      expect(met).toBe(true);
    }
    const plus = (ref: string, answered: number, correct: number) => [String(answered + (practised.get(ref)?.answered ?? 0)), String(correct + (practised.get(ref)?.correct ?? 0))];

    const reply = await finalReply(report(w));
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toMatch(/^Class report: \d+ answers from 3 people\. The CSV holds the same figures\.$/);
    const now = await getClassStats(services().store, w.guild.id);
    const totalAnswers = Object.values(now.questions).reduce((sum, q) => sum + q.answered, 0);

    // The CSV: the same figures as stored.
    const csvFile = reply.attachments.find((a) => a.filename.endsWith('.csv'))!;
    expect(csvFile.filename).toBe(`class-report-${new Date(clock.now()).toISOString().slice(0, 10)}.csv`);
    const csvText = csvFile.data.toString('utf8');
    expect(csvText.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(csvText.slice(1));
    expect(rows[0]).toEqual(['section', 'id', 'label', 'answered', 'correct', 'share_correct']);
    const missed = rows.filter((r) => r[0] === 'most_missed');
    expect(missed.slice(0, 3).map((r) => r[1])).toEqual([q1, q2, q3]);
    expect(missed.slice(0, 3).map((r) => [r[3], r[4]])).toEqual([plus(q1!, 3, 0), ['6', '3'], plus(q3!, 3, 2)]);
    const listed = Object.entries(now.questions).filter(([, c]) => c.answered >= 3);
    expect(missed).toHaveLength(Math.min(10, listed.length));
    for (const row of missed) {
      expect(now.questions[row[1] as `${string}/${string}`]).toEqual({ answered: Number(row[3]), correct: Number(row[4]) });
      expect(Number(row[5])).toBeCloseTo(Number(row[4]) / Number(row[3]), 4);
    }
    const shares = missed.map((r) => Number(r[5]));
    expect([...shares].sort((a, b) => a - b)).toEqual(shares);
    expect(missed[0]![2]).toBe(`${roundQuestions[0]!.id} (${first().id}): ${roundQuestions[0]!.prompt.replace(/\s+/g, ' ').trim()}`);
    const tallies = await listTallies(services(), w.guild.id);
    for (const category of CATEGORIES) {
      const row = rows.find((r) => r[0] === 'skill' && r[1] === category)!;
      const answered = tallies.reduce((sum, t) => sum + (t.byCategory[category]?.answered ?? 0), 0);
      const correct = tallies.reduce((sum, t) => sum + (t.byCategory[category]?.correct ?? 0), 0);
      expect([Number(row[3]), Number(row[4])]).toEqual([answered, correct]);
    }
    const weekRows = rows.filter((r) => r[0] === 'week');
    expect(weekRows).toHaveLength(8);
    expect(weekRows.at(-1)![1]).toBe('2025-05-12');
    expect(weekRows.map((r) => Number(r[3]))).toEqual([0, 0, 0, 0, 0, 0, 0, totalAnswers]);

    // The picture: the report's size, drawn, with a title; its alt text says the figures.
    const file = png(reply);
    expect(file.filename).toBe('class-report.png');
    const picture = decode(file.data);
    expect([picture.width, picture.height]).toEqual([1200, 1000]);
    expect(picture.opaque).toBe(true);
    expect(picture.distinct).toBeGreaterThan(20);
    expect(picture.count(PALETTE.vermillion)).toBeGreaterThan(1000);
    expect(decode(file.data, TITLE).dark).toBeGreaterThan(300);
    expect(file.description!.length).toBeLessThanOrEqual(1024);
    expect(file.description).toMatch(new RegExp(`^Class report for ${w.guild.name}\\. Accuracy per skill across the server: `));
    expect(file.description).toContain(`Answers per week, the last 8 from the week of 24 Mar: 0, 0, 0, 0, 0, 0, 0, ${totalAnswers} (${totalAnswers} in all).`);
    expect(file.description).toContain(`Most-missed questions, share right: 1. ${roundQuestions[0]!.id} (${first().id}):`);
    expect(file.description).toContain(`: 0% of ${plus(q1!, 3, 0)[0]}; 2. `);
    expect(file.description).toContain(': 50% of 6; 3. ');

    // A week later: one more practice answer lands in the new week; the window moves on by one.
    await clock.advance(WEEK);
    await practiseOnce(w, learners[0]!, true, 'verification');
    const nextWeek = parseCsv((await finalReply(report(w))).attachments.find((a) => a.filename.endsWith('.csv'))!.data.toString('utf8').slice(1));
    const weeks = nextWeek.filter((r) => r[0] === 'week');
    expect(weeks.at(-1)![1]).toBe(new Date(weekStart(clock.now())).toISOString().slice(0, 10));
    expect(weeks.at(-1)![1]).toBe('2025-05-19');
    expect(weeks.map((r) => Number(r[3]))).toEqual([0, 0, 0, 0, 0, 0, totalAnswers, 1]);
  });
});


describe('when a chart cannot be drawn', () => {
  it('the words still go out, with a short note (the renderer closed, as at shutdown)', async () => {
    const w = world();
    const [ann] = w.users(1);
    await practiseOnce(w, ann!, true);
    await services().charts.close();
    const reply = await finalReply(score(w, ann!));
    expect(reply.attachments).toEqual([]);
    expect(embedOf(reply).description).toMatch(/^1\/1 correct/);
    expect(reply.content).toBe('The chart could not be drawn this time; the figures are all here in words.');
    const admin = await finalReply(report(w));
    expect(admin.attachments.map((a) => a.filename)).toEqual([`class-report-${new Date(clock.now()).toISOString().slice(0, 10)}.csv`]);
    expect(admin.content).toContain('The picture could not be drawn this time; the CSV holds every figure.');
    expect(tb.logs().filter((l) => l['msg'] === 'chart not drawn; answered without it')).toHaveLength(2);
  });
});
