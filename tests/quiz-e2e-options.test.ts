/**
 * Options are shuffled at every presentation and known by their id: through the
 * real bot and the local Discord, two rounds show one question in two orders,
 * clicks are scored by the option they name, and "Why not mine?" answers each
 * clicker privately with the feedback for their own pick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../src/content/schema.js';
import { getTally } from '../src/quiz/tallies.js';
import { ManualClock } from '../tools/manual-clock.js';
import { buttonsOf, embedOf, isRevealed, optionIdOf, questionOf as questionIn, shownOptions } from './support/messages.js';
import { startTestBot, type TestBot } from './support/bot.js';
import type { MessageRecord, UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';

let bot: TestBot;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  bot = await startTestBot({ clock });
});
afterAll(() => bot.stop());

const d = () => bot.discord;
let channels = 0;
const freshChannel = () => d().addChannel(`options-${++channels}`).id;
const questionOf = (m: MessageRecord): Question => questionIn(bot.bot.services.shelf.current.first, m);
const order = (m: MessageRecord) => buttonsOf(m).flatMap((b) => optionIdOf(b.custom_id) ?? []);
const clickOption = (user: UserRecord, m: MessageRecord, optionId: string) =>
  d().clickButton({ user, messageId: m.id, customId: buttonsOf(m).find((b) => optionIdOf(b.custom_id) === optionId)!.custom_id });
const waitForReveal = (id: string) => d().waitFor(() => { const m = d().message(id); return isRevealed(m) ? m : undefined; }, 5000, 'the reveal');
const waitForSummary = (ch: string) => d().waitForMessage(ch, (m) => /^Round (over|stopped): scores$/.test(embedOf(m).title ?? ''));

/** Plays a whole round in a fresh channel, clicking nothing; returns each question message as posted. */
async function playRound(channelId: string, options: Record<string, string | number>): Promise<MessageRecord[]> {
  const before = d().messages(channelId).length;
  await d().runCommand({ user: d().moderator, channelId, name: 'quiz', subcommand: 'start', options: { seconds: 10, ...options } }).reply();
  const posted: MessageRecord[] = [];
  for (let i = 0; i < Number(options['questions']); i++) {
    const m = await d().waitFor(() => d().messages(channelId).slice(before).find((x) => buttonsOf(x).some((b) => b.custom_id.startsWith('quiz:a:') && b.custom_id.split(':')[3] === String(i))), 5000, `question ${i + 1}`);
    posted.push(m);
    await clock.advance(10_000);
    await waitForReveal(m.id);
  }
  await waitForSummary(channelId);
  return posted;
}

describe('options shuffled per presentation', () => {
  it('the same questions shown in two rounds come in different orders, each a permutation of the bank’s options', async () => {
    const ch = freshChannel();
    const category = 'attribution';
    const count = bot.bot.services.shelf.current.first.questions({ category }).length;
    const first = await playRound(ch, { questions: Math.min(10, count), category });
    const second = await playRound(ch, { questions: Math.min(10, count), category });
    const orders = new Map(first.map((m) => [questionOf(m).id, order(m)]));
    const shared = second.filter((m) => orders.has(questionOf(m).id));
    expect(shared.length).toBeGreaterThanOrEqual(5);
    for (const m of [...first, ...second]) expect([...order(m)].sort()).toEqual(questionOf(m).options.map((o) => o.id).sort());
    // With 4 options, five shared questions all in the same order again has odds of 1 in 24^5.
    expect(shared.some((m) => order(m).join() !== orders.get(questionOf(m).id)!.join())).toBe(true);
  }, 30_000);

  it('a click is scored by the option its button names, not by its position', async () => {
    const ch = freshChannel();
    await d().runCommand({ user: d().moderator, channelId: ch, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } }).reply();
    const m = await d().waitForMessage(ch, (x) => buttonsOf(x).some((b) => b.custom_id.startsWith('quiz:a:')));
    const question = questionOf(m);
    const right = question.options.find((o) => o.correct)!;
    const wrong = question.options.find((o) => !o.correct)!;
    const [amy, ben] = [d().addUser({ username: 'id-amy' }), d().addUser({ username: 'id-ben' })];
    const shown = shownOptions(question, m);
    expect((await clickOption(amy, m, right.id).reply()).content).toBe(`Locked in: ${'ABCDE'[shown.indexOf(right)]}`);
    await clickOption(ben, m, wrong.id).reply();
    expect(await getTally(bot.bot.services.store, d().guild.id, amy.id)).toMatchObject({ answered: 1, correct: 1 });
    expect(await getTally(bot.bot.services.store, d().guild.id, ben.id)).toMatchObject({ answered: 1, correct: 0 });
    await clock.advance(10_000);
    const revealed = await waitForReveal(m.id);
    // The reveal marks and counts by option: the right one has amy's pick, the one ben named has his.
    const line = (o: Question['options'][number]) => (embedOf(revealed).description ?? '').split('\n').find((l) => l.includes(o.text)) ?? '';
    expect(line(right)).toMatch(/✅ — 1 pick$/);
    expect(line(wrong)).toMatch(/[^✅] — 1 pick$/);
    await waitForSummary(ch);
  });
});

describe('"Why not mine?" on a reveal', () => {
  it('answers each clicker privately: the feedback for a wrong pick, the explanation for a right one, and a plain message for someone who did not answer', async () => {
    const ch = freshChannel();
    await d().runCommand({ user: d().moderator, channelId: ch, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } }).reply();
    const m = await d().waitForMessage(ch, (x) => buttonsOf(x).some((b) => b.custom_id.startsWith('quiz:a:')));
    const question = questionOf(m);
    const shown = shownOptions(question, m);
    const right = question.options.find((o) => o.correct)!;
    const wrong = question.options.filter((o) => !o.correct)[1]!;
    const [wrongUser, rightUser, silent] = ['why-wrong', 'why-right', 'why-silent'].map((username) => d().addUser({ username })) as [UserRecord, UserRecord, UserRecord];
    await clickOption(wrongUser, m, wrong.id).reply();
    await clickOption(rightUser, m, right.id).reply();
    await clock.advance(10_000);
    const revealed = await waitForReveal(m.id);
    const why = buttonsOf(revealed).find((b) => b.label === 'Why not mine?')!;
    expect(why.disabled).not.toBe(true);
    const ask = (user: UserRecord) => d().clickButton({ user, messageId: revealed.id, customId: why.custom_id }).reply();

    const toWrong = await ask(wrongUser);
    expect(toWrong.ephemeral).toBe(true);
    const letterOf = (o: Question['options'][number]) => 'ABCDE'[shown.indexOf(o)];
    expect(toWrong.content).toContain(`You picked **${letterOf(wrong)}.** ${wrong.text}`);
    expect(toWrong.content).toContain(wrong.why!);
    expect(toWrong.content).toContain(`The answer was **${letterOf(right)}.** ${right.text}`);

    const toRight = await ask(rightUser);
    expect(toRight.ephemeral).toBe(true);
    expect(toRight.content).toBe(`You picked **${letterOf(right)}.** ${right.text}, the answer. ${question.explanation}`);

    const toSilent = await ask(silent);
    expect(toSilent.ephemeral).toBe(true);
    expect(toSilent.content).toMatch(/^You did not answer this question\./);
    // None of it went to the channel.
    expect(d().messages(ch, { ephemeral: false }).filter((x) => /You picked|You did not answer/.test(x.content))).toEqual([]);
    await waitForSummary(ch);
  });

  it('still answers after a restart, from the kept picks', async () => {
    const ch = freshChannel();
    await d().runCommand({ user: d().moderator, channelId: ch, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } }).reply();
    const m = await d().waitForMessage(ch, (x) => buttonsOf(x).some((b) => b.custom_id.startsWith('quiz:a:')));
    const wrong = questionOf(m).options.find((o) => !o.correct)!;
    const user = d().addUser({ username: 'why-restart' });
    await clickOption(user, m, wrong.id).reply();
    await clock.advance(10_000);
    const revealed = await waitForReveal(m.id);
    await waitForSummary(ch);
    await bot.restart();
    const why = buttonsOf(revealed).find((b) => b.label === 'Why not mine?')!;
    const reply = await d().clickButton({ user, messageId: revealed.id, customId: why.custom_id }).reply();
    expect(reply.content).toContain(wrong.why!);
  });

  it('a forged "Why not mine?" for a round that never was gets a plain private message', async () => {
    const ch = freshChannel();
    await d().runCommand({ user: d().moderator, channelId: ch, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } }).reply();
    const m = await d().waitForMessage(ch, (x) => buttonsOf(x).some((b) => b.custom_id.startsWith('quiz:a:')));
    await clock.advance(10_000);
    const revealed = await waitForReveal(m.id);
    await waitForSummary(ch);
    const reply = await d().dispatchRaw({
      t: 'INTERACTION_CREATE',
      d: { ...d().commandPayload({ user: d().member, channelId: ch, name: 'quiz', subcommand: 'score' }), type: 3, data: { custom_id: 'quiz:w:NoSuchRd:0', component_type: 2 }, message: messageJson(d().state, revealed) },
    }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('I no longer have the answers of that round, so I cannot say what you picked.');
  });
});

describe('practice across a restart', () => {
  it('a click on a practice question rendered before a restart is scored by the option it names, with that option’s feedback', async () => {
    const ch = freshChannel();
    const user = d().addUser({ username: 'practice-restart' });
    const m = await d().runCommand({ user, channelId: ch, name: 'quiz', subcommand: 'practice' }).reply();
    const question = questionOf(m);
    const wrong = question.options.find((o) => !o.correct)!;
    await bot.restart();
    const response = await clickOption(user, m, wrong.id).response();
    expect(response.type).toBe(7);
    // The confidence step holds nothing in memory either: after another restart its click shows the right feedback.
    expect(embedOf(d().message(m.id)!).fields?.[0]?.name).toBe(`You chose ${'ABCDE'[shownOptions(question, m).indexOf(wrong)]}`);
    await bot.restart();
    const sure = buttonsOf(d().message(m.id)!).find((b) => b.label === 'Fairly sure')!;
    expect((await d().clickButton({ user, messageId: m.id, customId: sure.custom_id }).response()).type).toBe(7);
    const updated = d().message(m.id)!;
    expect(embedOf(updated).footer?.text).toBe('You said: Fairly sure.');
    const letter = 'ABCDE'[shownOptions(question, m).indexOf(wrong)];
    expect(embedOf(updated).fields?.find((f) => f.name === `Why not ${letter}`)?.value).toBe(wrong.why);
    expect(await getTally(bot.bot.services.store, d().guild.id, user.id)).toMatchObject({ answered: 1, correct: 0 });
  });
});
