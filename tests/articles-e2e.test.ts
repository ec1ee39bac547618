/**
 * Several articles through the real bot (startBot) and the local Discord: a
 * packs folder with the bundled article, the fictional harbour-bridge pack and
 * a broken pack; two channels of one server reading different articles; the
 * choice kept across a restart; /article reload with an edited and a broken pack.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../src/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import type { Content } from '../src/content/types.js';
import { getTally } from '../src/quiz/tallies.js';
import { ManualClock } from '../tools/manual-clock.js';
import type { MessageRecord, UserRecord } from '../tools/local-discord/index.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { buttonsOf, correctIndex, embedOf, isRevealed, promptPostsWithThreads, questionOf } from './support/messages.js';
import { tempDir } from './support/temp.js';

const HARBOUR_FIXTURE = join(import.meta.dirname, 'fixtures', 'packs', 'harbour-bridge');
const GHP = 'global-health-passport';
const HARBOUR = 'harbour-bridge';

const tmp = tempDir();
const packs = join(tmp.dir, 'packs');
const clock = new ManualClock(Date.now());
let bot: TestBot;
let ghp: Content;
let harbour: Content;
const d = () => bot.discord;

beforeAll(async () => {
  mkdirSync(packs);
  cpSync(DEFAULT_CONTENT_DIR, join(packs, 'a-passport'), { recursive: true });
  cpSync(HARBOUR_FIXTURE, join(packs, 'b-harbour'), { recursive: true });
  // A half-written pack: an article.json that is not JSON, nothing else.
  mkdirSync(join(packs, 'c-broken'));
  writeFileSync(join(packs, 'c-broken', 'article.json'), '{ "title": ');
  ghp = await loadContent(join(packs, 'a-passport'));
  harbour = await loadContent(join(packs, 'b-harbour'));
  bot = await startTestBot({ clock, env: { CONTENT_DIR: packs } });
});
afterAll(async () => {
  await bot.stop();
  tmp.cleanup();
});

let channels = 0;
const freshChannel = (label: string) => d().addChannel(`${label}-${++channels}`).id;
const run = (user: UserRecord, channelId: string, name: string, subcommand?: string, options?: Record<string, string | number>) =>
  d().runCommand({ user, channelId, name, ...(subcommand ? { subcommand } : {}), ...(options ? { options } : {}) });
const useArticle = async (channelId: string, article: string, scope?: 'channel' | 'server') =>
  (await run(d().moderator, channelId, 'article', 'use', { article, ...(scope ? { scope } : {}) }).reply()).content;
const excerptText = async (channelId: string, paragraph: number) => embedOf(await run(d().member, channelId, 'excerpt', undefined, { paragraph }).reply()).description ?? '';

/** Two channels, the second switched to the harbour article. */
async function twoChannels(label: string): Promise<{ passport: string; bridge: string }> {
  const passport = freshChannel(`${label}-passport`);
  const bridge = freshChannel(`${label}-bridge`);
  expect(await useArticle(bridge, HARBOUR)).toBe(`<#${bridge}> now reads **${harbour.title}**.`);
  return { passport, bridge };
}

describe('a packs folder with one broken pack', () => {
  it('serves the valid packs, logs the broken one with its report, and lists it as not loaded', async () => {
    const logged = bot.logs().find((l) => l['msg'] === 'content pack not loaded');
    expect(logged?.['dir']).toBe(join(packs, 'c-broken'));
    expect(String(logged?.['report'])).toMatch(/^4 problems:\narticle\.json: .*JSON/);
    expect(bot.bot.services.shelf.current.articles.map((a) => a.id)).toEqual([GHP, HARBOUR]);

    const list = await run(d().member, freshChannel('list'), 'article', 'list').reply();
    expect(list.ephemeral).toBe(true);
    const text = embedOf(list).description ?? '';
    expect(text).toContain(`**${ghp.title}** (\`${GHP}\`)\n15 paragraphs · ${ghp.questions().length} questions · ${ghp.prompts.length} prompts\nserver default`);
    expect(text).toContain(`**${harbour.title}** (\`${HARBOUR}\`)\n7 paragraphs · 7 questions · 2 prompts`);
    expect(text).toContain('✖ `c-broken`: not loaded (4 problems;');
  });
});

describe('two channels of one server read two articles at once', () => {
  it('/excerpt, its autocomplete and its paging, and /sources follow each channel’s article', async () => {
    const { passport, bridge } = await twoChannels('excerpt');
    expect(await excerptText(passport, 1)).toContain(ghp.paragraph(1)!.text.slice(0, 80));
    const bridged = await run(d().member, bridge, 'excerpt', undefined, { paragraph: 2 }).reply();
    expect(embedOf(bridged).description).toContain(harbour.paragraph(2)!.text.slice(0, 80));
    // Paging stays in the article the excerpt came from.
    const next = buttonsOf(bridged).find((b) => b.label.endsWith('▶'))!;
    const paged = await d().clickButton({ user: d().member2, messageId: bridged.id, customId: next.custom_id }).reply();
    expect(embedOf(paged).description).toContain(harbour.paragraph(3)!.text.slice(0, 80));
    // Autocomplete offers the channel's paragraphs: the harbour article has 7.
    const offered = await d().autocomplete({ user: d().member, channelId: bridge, name: 'excerpt', options: { paragraph: '' }, focused: 'paragraph' });
    expect(offered.map((c) => c.value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const refused = await run(d().member, bridge, 'excerpt', undefined, { paragraph: 9 }).reply();
    expect(refused.content).toBe('There is no ¶9: the article has paragraphs 1 to 7.');

    const sources = embedOf(await run(d().member, bridge, 'sources').reply()).description ?? '';
    // Each article's tree names its own sources.
    const sourceNames = (content: Content) => content.paragraphs.flatMap((p) => content.attribution(p.n)?.claims.flatMap((c) => c.chain.map((s) => s.name)) ?? []);
    const harbourSource = sourceNames(harbour).find((name) => !sourceNames(ghp).includes(name))!;
    expect(sources).toContain(harbourSource);
    expect(embedOf(await run(d().member, passport, 'sources').reply()).description).not.toContain(harbourSource);
  });

  it('/article info describes the channel’s article, its source and how to check the original', async () => {
    const { passport, bridge } = await twoChannels('info');
    const info = embedOf(await run(d().member, bridge, 'article', 'info').reply());
    expect(info.title).toBe(harbour.title);
    expect(info.description).toContain('This channel reads it: chosen for this channel.');
    expect(info.fields?.map((f) => f.name)).toEqual(['What the text says of its source', 'Notes on this copy', 'How to check the original']);
    const passportInfo = embedOf(await run(d().member, passport, 'article', 'info').reply());
    expect(passportInfo.title).toBe(ghp.title);
    expect(passportInfo.description).toContain('the first article, as nothing was chosen here');
    expect(passportInfo.fields?.[0]?.value).toBe('Byline: not given in this copy\nOutlet: not given in this copy\nDate: not given in this copy');
  });

  it('practice asks from the channel’s article and counts per article; /quiz score shows both', async () => {
    const { passport, bridge } = await twoChannels('practice');
    const user = d().addUser({ username: 'two-articles' });
    for (const [channelId, content] of [[bridge, harbour], [passport, ghp]] as const) {
      const m = await run(user, channelId, 'quiz', 'practice').reply();
      const q = questionOf(content, m);
      expect(buttonsOf(m)[0]!.custom_id.startsWith(`practice:q:${content.id}:${q.id}:`)).toBe(true);
      const right = buttonsOf(m)[correctIndex(q, m)]!;
      await d().clickButton({ user, messageId: m.id, customId: right.custom_id }).response();
      const skip = buttonsOf(d().message(m.id)!).find((b) => b.label === 'Skip')!;
      expect(skip.custom_id).toBe(`conf:p:s:${content.id}:${q.id}:${right.custom_id.split(':')[4]}:a`);
      await d().clickButton({ user, messageId: m.id, customId: skip.custom_id }).response();
      expect(embedOf(d().message(m.id)!).fields?.[0]?.name).toMatch(/^✅ Right: /);
    }
    const tally = await getTally(bot.bot.services.store, d().guild.id, user.id);
    expect(tally?.byArticle).toEqual({ [HARBOUR]: { answered: 1, correct: 1 }, [GHP]: { answered: 1, correct: 1 } });
    const score = embedOf(await run(user, passport, 'quiz', 'score').reply()).description ?? '';
    expect(score).toContain(`By article:\n${ghp.title}: 1/1 (100%)\n${harbour.title}: 1/1 (100%)`);
  });

  it('a round asks the channel’s questions, cites its text at the reveal, and keeps its article when the channel changes mid-round', async () => {
    const { bridge } = await twoChannels('round');
    await run(d().member, bridge, 'quiz', 'start', { questions: 2, seconds: 10 }).reply();
    const first = await d().waitForMessage(bridge, (m) => buttonsOf(m).some((b) => /^quiz:a:[^:]+:0:/.test(b.custom_id)));
    const q = questionOf(harbour, first);
    // Mid-round the channel switches back to the passport article; the round goes on with the harbour questions.
    await useArticle(bridge, GHP);
    await clock.advance(10_000);
    const revealed = await d().waitFor(() => (isRevealed(d().message(first.id)) ? d().message(first.id) : undefined), 5000, 'the reveal');
    const cited = harbour.paragraph(q.cites[0]!)!;
    expect(JSON.stringify(revealed!.embeds)).toContain(`¶${cited.n}`);
    const second = await d().waitForMessage(bridge, (m) => buttonsOf(m).some((b) => /^quiz:a:[^:]+:1:/.test(b.custom_id)));
    expect(() => questionOf(harbour, second)).not.toThrow();
    await clock.advance(10_000);
    await d().waitForMessage(bridge, (m) => /scores|Round over|Final/i.test(embedOf(m).title ?? ''));
    // The next round reads the channel's new article.
    await run(d().member, bridge, 'quiz', 'start', { questions: 1, seconds: 10 }).reply();
    const after = await d().waitForMessage(bridge, (m) => m.id !== second.id && m.id !== first.id && buttonsOf(m).some((b) => /^quiz:a:[^:]+:0:/.test(b.custom_id)));
    expect(() => questionOf(ghp, after)).not.toThrow();
    await run(d().member, bridge, 'quiz', 'stop').reply();
  });

  it('/prompt post takes the target channel’s prompts, and a schedule keeps the article it was made with', async () => {
    const { passport, bridge } = await twoChannels('prompt');
    const posted = await run(d().moderator, passport, 'prompt', 'post', { channel: bridge }).reply();
    expect(posted.content).toMatch(/^Posted prompt `[a-z0-9-]+` in/);
    const [post] = await promptPostsWithThreads(d(), bridge, 1);
    const id = /`([a-z0-9-]+)`/.exec(posted.content)![1]!;
    expect(harbour.prompt(id)).toBeDefined();
    expect(embedOf(post!).description).toContain(harbour.prompt(id)!.text.slice(0, 60));

    const scheduled = await run(d().moderator, bridge, 'prompt', 'schedule', { channel: bridge, when: 'in 1h' }).reply();
    expect(scheduled.content).toContain(`prompts from “${harbour.title}”`);
    await useArticle(bridge, GHP);
    await clock.advance(3_600_000);
    const posts = await promptPostsWithThreads(d(), bridge, 2);
    const text = embedOf(posts[1]!).description ?? '';
    expect(harbour.prompts.some((p) => text.startsWith(p.text.slice(0, 60)))).toBe(true);
  });

  it('/quiz leaderboard filters by article; a member cannot pick articles; an unknown article is refused', async () => {
    const ch = freshChannel('board');
    const board = embedOf(await run(d().member, ch, 'quiz', 'leaderboard', { article: HARBOUR }).reply());
    expect(board.title).toBe(`Leaderboard: correct answers on ${harbour.title}`);
    expect(board.description).toContain('1. two\\-articles: 1/1 correct (100%)');
    const refused = await run(d().member, ch, 'article', 'use', { article: HARBOUR }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('Only people who can manage this server can do that.');
    const unknown = await run(d().moderator, ch, 'article', 'use', { article: 'no-such-thing' }).reply();
    expect(unknown.content).toBe('There is no article “no-such-thing”. Pick one from the suggestions, or see `/article list`.');
    expect((await run(d().member, ch, 'quiz', 'leaderboard', { article: 'nope' }).reply()).content).toContain('There is no article “nope”');
    const offered = await d().autocomplete({ user: d().moderator, channelId: ch, name: 'article', subcommand: 'use', options: { article: 'bridge' }, focused: 'article' });
    expect(offered).toEqual([{ name: `${harbour.title} (${HARBOUR})`.slice(0, 100), value: HARBOUR }]);
  });

  it('a server default applies to channels without their own choice; a thread follows its channel', async () => {
    const own = freshChannel('own');
    await useArticle(own, GHP);
    const other = freshChannel('other');
    expect(await useArticle(other, HARBOUR, 'server')).toBe(`This server’s default article (for channels without their own choice) is now **${harbour.title}**.`);
    expect(await excerptText(other, 1)).toContain(harbour.paragraph(1)!.text.slice(0, 60));
    expect(await excerptText(own, 1)).toContain(ghp.paragraph(1)!.text.slice(0, 60));
    const thread = d().addChannel('a thread', { type: 11, parentId: own });
    expect(await excerptText(thread.id, 1)).toContain(ghp.paragraph(1)!.text.slice(0, 60));
    await useArticle(other, GHP, 'server');
  });
});

describe('the choice, restarts and reloads', () => {
  it('a channel’s article survives a restart', async () => {
    const bridge = freshChannel('restart');
    await useArticle(bridge, HARBOUR);
    await bot.restart();
    expect(await excerptText(bridge, 1)).toContain(harbour.paragraph(1)!.text.slice(0, 60));
  });

  it('/article reload picks up an edited pack, keeps the served version of a pack broken since, and serves a new pack', async () => {
    const bridge = freshChannel('reload');
    await useArticle(bridge, HARBOUR);
    const articleFile = join(packs, 'b-harbour', 'article.json');
    const original = readFileSync(articleFile, 'utf8');
    writeFileSync(articleFile, original.replace(`"title": ${JSON.stringify(harbour.title)}`, '"title": "The harbour bridge bill, edited"'));
    const reloaded = await run(d().moderator, bridge, 'article', 'reload').reply();
    expect(reloaded.ephemeral).toBe(true);
    expect(reloaded.content).toContain('Reloaded: 2 articles served.\nUpdated: `harbour-bridge`. Rounds already running finish on the version they started with.');
    expect(reloaded.content).toContain('Not loaded: `c-broken` (4 problems).');
    expect(embedOf(await run(d().member, bridge, 'article', 'info').reply()).title).toBe('The harbour bridge bill, edited');

    // Now broken: the questions file is cut short. The edited version stays served and the moderator gets the report.
    const questionsFile = join(packs, 'b-harbour', 'questions.json');
    const questions = readFileSync(questionsFile, 'utf8');
    writeFileSync(questionsFile, questions.slice(0, 200));
    const refused = await run(d().moderator, bridge, 'article', 'reload').reply();
    expect(refused.content).toContain('Kept the earlier version of `b-harbour`: its files now have 1 problem.');
    const report = refused.attachments.find((a) => a.filename === 'content-report.txt');
    expect(report?.data.toString('utf8')).toMatch(/b-harbour\n1 problem:\nquestions\.json: /);
    expect(embedOf(await run(d().member, bridge, 'article', 'info').reply()).title).toBe('The harbour bridge bill, edited');
    expect(embedOf(await run(d().member, bridge, 'article', 'list').reply()).description).toContain('⚠ `b-harbour`: its files now have 1 problem; the version read earlier is still served');

    // Fixed again, plus a new pack made by content:new (no questions or prompts yet).
    writeFileSync(questionsFile, questions);
    writeFileSync(articleFile, original);
    const fresh = join(packs, 'd-fresh');
    cpSync(join(packs, 'b-harbour'), fresh, { recursive: true });
    writeFileSync(join(fresh, 'article.json'), original.replace(`"id": "${HARBOUR}"`, '"id": "fresh"').replace(`"title": ${JSON.stringify(harbour.title)}`, '"title": "A fresh article"'));
    writeFileSync(join(fresh, 'questions.json'), '{ "questions": [] }');
    writeFileSync(join(fresh, 'prompts.json'), '{ "prompts": [] }');
    const added = await run(d().moderator, bridge, 'article', 'reload').reply();
    expect(added.content).toContain('Added: `fresh`.');
    expect(added.content).toContain('Updated: `harbour-bridge`.');

    // Its channels are told it has no questions or prompts yet.
    const empty = freshChannel('empty');
    await useArticle(empty, 'fresh');
    const quiz = await run(d().member, empty, 'quiz', 'start').reply();
    expect(quiz.ephemeral).toBe(true);
    expect(quiz.content).toBe('This article has no questions yet: “A fresh article”. A moderator can pick another one for this channel with `/article use`.');
    expect((await run(d().member, empty, 'quiz', 'practice').reply()).content).toBe(quiz.content);
    expect((await run(d().moderator, empty, 'prompt', 'post').reply()).content).toBe(`<#${empty}> reads “A fresh article”, which has no discussion prompts yet.`);
    expect(await excerptText(empty, 1)).toContain(harbour.paragraph(1)!.text.slice(0, 60));
  });
});

