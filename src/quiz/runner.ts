import { PermissionFlagsBits, type ChatInputCommandInteraction, type GuildTextBasedChannel, type Message } from 'discord.js';
import { encodeRoundButton } from '../components/quiz-round.js';
import type { Content } from '../content/types.js';
import type { Logger } from '../logger.js';
import { plural } from '../render/text.js';
import { letter, renderRoundQuestion, renderRoundReveal, renderRoundSummary } from '../render/quiz.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Store } from '../storage/store.js';
import type { Reveal, Round } from './round.js';
import { RoundRegistry } from './rounds.js';
import { channelSeenKey, getSeen, legacyChannelSeenKey, pickQuestions, rememberSeen, seenIn } from './select.js';
import { itemRef } from '../content/refs.js';
import { savePicks } from './picks.js';
import { recordClassAnswers } from './class-stats.js';
import type { Standings } from './standings.js';
import { recordAnswer } from './tallies.js';
import type { Category } from '../content/schema.js';

export interface RoundRequest {
  count: number;
  seconds: number;
  category?: Category | undefined;
  difficulty?: 1 | 2 | 3 | undefined;
}

interface Live {
  round: Round;
  channel: GuildTextBasedChannel;
  message?: Message;
  timer?: TimerHandle;
}

const NEEDED = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];

/** Why a round did not start; the command turns each into words. */
export type StartRefusal =
  | { kind: 'not-text-channel' }
  | { kind: 'missing-permissions'; channelId: string }
  | { kind: 'no-questions' }
  | { kind: 'empty-bank'; title: string }
  | { kind: 'busy'; channelId: string };

export type StopResult = { kind: 'stopped' } | { kind: 'no-round' } | { kind: 'not-allowed' };

export type AnswerOutcome =
  | { kind: 'accepted'; letter: string }
  | { kind: 'over' }
  | { kind: 'closed' }
  | { kind: 'already-answered' }
  | { kind: 'invalid' }
  | { kind: 'not-recorded' };

/**
 * Runs public rounds: posts each question, closes it when its time is up,
 * reveals, moves on, and posts the scores. Rounds live in memory only, so a
 * restart ends them and their old buttons answer "this round is over".
 */
export class QuizRunner {
  readonly rounds = new RoundRegistry();
  readonly #live = new Map<string, Live>();

  constructor(private readonly deps: { store: Store; standings: Standings; clock: Clock; log: Logger }) {}

  /** Starts a round on the article's questions and posts its first one; a refusal is returned for the command to word. */
  async start(interaction: ChatInputCommandInteraction<'cached'>, article: Content, request: RoundRequest): Promise<StartRefusal | { kind: 'started' }> {
    // Threads the bot has not seen since it started are not cached; fetch them.
    const fetched = interaction.channel ?? (await interaction.client.channels.fetch(interaction.channelId).catch(() => null));
    const channel = fetched?.isTextBased() && !fetched.isDMBased() ? fetched : null;
    if (!channel) return { kind: 'not-text-channel' };
    if (!interaction.appPermissions.has(NEEDED)) return { kind: 'missing-permissions', channelId: channel.id };
    if (article.questions().length === 0) return { kind: 'empty-bank', title: article.title };
    const recent = seenIn(article.id, await getSeen(this.deps.store, channelSeenKey(interaction.guildId, channel.id), legacyChannelSeenKey(channel.id)));
    const bank = article.questions({ category: request.category, difficulty: request.difficulty });
    const questions = pickQuestions(bank, { count: request.count, recent });
    if (questions.length === 0) return { kind: 'no-questions' };

    const started = this.rounds.start({
      guildId: interaction.guildId,
      channelId: channel.id,
      starterId: interaction.user.id,
      article,
      questions,
      seconds: request.seconds,
    });
    if (started.kind === 'busy') return { kind: 'busy', channelId: started.running.channelId };
    const { round } = started;
    const live: Live = { round, channel };
    this.#live.set(round.id, live);
    const fewer = questions.length < request.count ? ` (only ${questions.length} match your choice)` : '';
    try {
      await interaction.reply({
        content: `Quiz round: ${plural(questions.length, 'question')}${fewer}, ${request.seconds} seconds each. Click a letter to lock in your answer; answers are revealed when time is up.`,
      });
    } catch (error) {
      // Nothing was posted and no timer runs: free the channel so trying again works.
      this.#live.delete(round.id);
      this.rounds.finish(round);
      throw error;
    }
    await rememberSeen(this.deps.store, channelSeenKey(interaction.guildId, channel.id), questions.map((q) => itemRef(article.id, q.id)), legacyChannelSeenKey(channel.id)).catch((error: unknown) =>
      this.deps.log.warn({ err: error }, 'could not remember the questions this channel saw'),
    );
    await this.#post(live);
    return { kind: 'started' };
  }

  /** Counts one click on an option, named by id. The tally is written before the click is acknowledged. */
  async answer(input: { roundId: string; question: number; optionId: string; guildId: string; userId: string; userName: string }): Promise<AnswerOutcome> {
    const round = this.rounds.get(input.roundId);
    if (!round || round.finished) return { kind: 'over' };
    const result = round.answer(input.question, input.userId, input.optionId);
    if (result !== 'accepted') return { kind: result };
    const question = round.questions[input.question]!;
    try {
      await recordAnswer(this.deps, {
        guildId: input.guildId,
        userId: input.userId,
        userName: input.userName,
        category: question.category,
        article: round.article.id,
        correct: question.options.some((o) => o.id === input.optionId && o.correct),
        at: this.deps.clock.now(),
      });
    } catch (error) {
      round.withdraw(input.question, input.userId);
      this.deps.log.error({ err: error, roundId: round.id }, 'answer not recorded');
      return { kind: 'not-recorded' };
    }
    return { kind: 'accepted', letter: letter(round.shown[input.question]!.findIndex((o) => o.id === input.optionId)) };
  }

  /** Ends the channel's round now, revealing the open question. */
  async stop(interaction: ChatInputCommandInteraction<'cached'>): Promise<StopResult> {
    const round = this.rounds.inChannel(interaction.channelId);
    if (!round) return { kind: 'no-round' };
    const allowed = round.starterId === interaction.user.id || interaction.memberPermissions.has(PermissionFlagsBits.ManageMessages);
    if (!allowed) return { kind: 'not-allowed' };
    const live = this.#live.get(round.id);
    const stopped = this.rounds.stop(round.channelId);
    await interaction.reply({ content: 'Round stopped.' });
    if (live && stopped) await this.#finish(live, stopped.reveal, interaction.user.id);
    return { kind: 'stopped' };
  }

  /** Ends the server's rounds without posting anything: the bot has left the server. Returns how many. */
  endGuild(guildId: string): number {
    let ended = 0;
    for (const live of [...this.#live.values()]) {
      if (live.round.guildId !== guildId) continue;
      if (live.timer) this.deps.clock.clearTimeout(live.timer);
      this.#live.delete(live.round.id);
      this.rounds.finish(live.round);
      ended++;
    }
    return ended;
  }

  /** Ids of the guild's running rounds in which the user has answered. */
  answeredIn(guildId: string, userId: string): string[] {
    return this.rounds.all().filter((r) => r.guildId === guildId && r.hasAnswered(userId)).map((r) => r.id);
  }

  /** Drops the user's answers from the guild's running rounds; returns the ids of those that had some. */
  forget(guildId: string, userId: string): string[] {
    return this.rounds.all().filter((r) => r.guildId === guildId && r.forget(userId)).map((r) => r.id);
  }

  /** Clears every timer; used on shutdown. */
  close(): void {
    for (const live of this.#live.values()) if (live.timer) this.deps.clock.clearTimeout(live.timer);
    this.#live.clear();
  }

  async #post(live: Live): Promise<void> {
    const { round } = live;
    const closesAt = this.deps.clock.now() + round.seconds * 1000;
    const position = { index: round.current, total: round.questions.length };
    live.timer = this.deps.clock.setTimeout(() => void this.#closeQuestion(live), round.seconds * 1000);
    try {
      const answerId = (optionId: string) => encodeRoundButton({ kind: 'answer', roundId: round.id, question: position.index, optionId });
      live.message = await live.channel.send(renderRoundQuestion(round.question, round.shown[round.current]!, position, closesAt, answerId));
    } catch (error) {
      this.deps.log.error({ err: error, roundId: round.id }, 'could not post a quiz question; ending the round');
      if (live.timer) this.deps.clock.clearTimeout(live.timer);
      this.rounds.finish(round);
      this.#live.delete(round.id);
    }
  }

  async #closeQuestion(live: Live): Promise<void> {
    const { round } = live;
    live.timer = undefined;
    if (round.finished && !this.#live.has(round.id)) return;
    const position = { index: round.current, total: round.questions.length };
    const reveal = round.close();
    if (reveal) await this.#reveal(live, reveal, position);
    if (round.next()) await this.#post(live);
    else await this.#finish(live, undefined);
  }

  async #reveal(live: Live, reveal: Reveal, position: { index: number; total: number }): Promise<void> {
    const { round } = live;
    // The class figures take the question's answers once, here, in one write (each click already wrote its tally).
    await recordClassAnswers(this.deps.store, round.guildId, { ref: itemRef(round.article.id, reveal.question.id), answered: reveal.answers.size, correct: reveal.correctUsers.length, at: this.deps.clock.now() }).catch((error: unknown) =>
      this.deps.log.warn({ err: error, roundId: round.id }, 'could not add a round question to the class figures'),
    );
    // Saved before the reveal is shown, so "Why not mine?" can answer as soon as its button appears.
    await savePicks(this.deps.store, {
      guildId: round.guildId,
      roundId: round.id,
      questionIndex: reveal.questionIndex,
      at: this.deps.clock.now(),
      entry: { article: round.article.id, questionId: reveal.question.id, order: reveal.shown.map((o) => o.id), picks: Object.fromEntries(reveal.answers) },
    }).catch((error: unknown) => this.deps.log.warn({ err: error, roundId: round.id }, 'could not keep the picks for “Why not mine?”'));
    try {
      const ids = {
        answer: (optionId: string) => encodeRoundButton({ kind: 'answer', roundId: round.id, question: position.index, optionId }),
        why: encodeRoundButton({ kind: 'why', roundId: round.id, question: position.index }),
      };
      await live.message?.edit(renderRoundReveal(round.article, reveal, position, ids));
    } catch (error) {
      this.deps.log.error({ err: error, roundId: live.round.id }, 'could not reveal a quiz answer');
    }
  }

  async #finish(live: Live, openReveal: ReturnType<Round['close']>, stoppedBy?: string): Promise<void> {
    const { round } = live;
    if (live.timer) this.deps.clock.clearTimeout(live.timer);
    this.#live.delete(round.id);
    this.rounds.finish(round);
    if (openReveal) await this.#reveal(live, openReveal, { index: openReveal.questionIndex, total: round.questions.length });
    try {
      await live.channel.send(renderRoundSummary(round.scores(), round.questions.length, stoppedBy));
    } catch (error) {
      this.deps.log.error({ err: error, roundId: round.id }, 'could not post the round summary');
    }
  }
}
