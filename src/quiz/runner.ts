import { PermissionFlagsBits, type ChatInputCommandInteraction, type Client, type GuildTextBasedChannel, type Message } from 'discord.js';
import { encodeRoundButton } from '../components/quiz-round.js';
import type { Content } from '../content/types.js';
import type { Logger } from '../logger.js';
import { plural } from '../render/text.js';
import { letter, renderRoundQuestion, renderRoundReveal, renderRoundSummary } from '../render/quiz.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Store } from '../storage/store.js';
import type { Reveal } from './round.js';
import { RoundRegistry } from './rounds.js';
import { channelSeenKey, getSeen, legacyChannelSeenKey, pickQuestions, rememberSeen, seenIn } from './select.js';
import { itemRef } from '../content/refs.js';
import { recordLearning } from '../learning/record.js';
import { savePicks } from './picks.js';
import { recordClassAnswers } from './class-stats.js';
import type { Standings } from './standings.js';
import { recordAnswerOnce } from './tallies.js';
import { deleteRound, dropAnswer, dropQuestionAnswers, loadAnswers, loadRounds, saveAnswer, saveRound, type StoredRound } from './round-store.js';
import { Round } from './round.js';
import type { Library } from '../content/library.js';
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
  /** When the open question closes, epoch ms (stored, so a restart keeps the deadline). */
  closesAt?: number;
}

/** Names one person's answer to one round question in their learning record (its confidence rating uses the same key). */
export const roundAnswerKey = (roundId: string, questionIndex: number) => `round:${roundId}:${questionIndex}`;

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
 * reveals, moves on, and posts the scores. Each round is stored as it goes
 * (round-store.ts): after a restart `restore` takes the rounds up again, a
 * question whose time passed meanwhile is revealed at once, and clicks counted
 * before the restart do not count again. Posts carry a nonce fixed per round
 * and step, so a step redone after a crash returns Discord's first message.
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
    const answer = { guildId: input.guildId, roundId: round.id, question: input.question, userId: input.userId, optionId: input.optionId };
    try {
      // The tally marks the round question answered in the same write that counts it, so a click
      // counted just before a restart is refused after it; the click's own key restores the pick.
      const [tally] = await Promise.all([
        recordAnswerOnce(
          this.deps,
          {
            guildId: input.guildId,
            userId: input.userId,
            userName: input.userName,
            category: question.category,
            article: round.article.id,
            correct: question.options.some((o) => o.id === input.optionId && o.correct),
            at: this.deps.clock.now(),
          },
          `${round.id}:${input.question}`,
          'round',
        ),
        saveAnswer(this.deps.store, answer),
      ]);
      if (tally === 'already-answered') {
        round.withdraw(input.question, input.userId);
        await dropAnswer(this.deps.store, answer);
        return { kind: 'already-answered' };
      }
    } catch (error) {
      round.withdraw(input.question, input.userId);
      await dropAnswer(this.deps.store, answer).catch(() => undefined);
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
      this.#forgetStored(live.round);
      ended++;
    }
    return ended;
  }

  /** Ids of the guild's running rounds in which the user has answered. */
  answeredIn(guildId: string, userId: string): string[] {
    return this.rounds.all().filter((r) => r.guildId === guildId && r.hasAnswered(userId)).map((r) => r.id);
  }

  /** Drops the user's answers from the guild's running rounds (stored ones too); returns the ids of those that had some. */
  async forget(guildId: string, userId: string): Promise<string[]> {
    const rounds = this.rounds.all().filter((r) => r.guildId === guildId && r.forget(userId));
    for (const round of rounds) {
      await dropAnswer(this.deps.store, { guildId, roundId: round.id, question: round.current, userId });
      const live = this.#live.get(round.id);
      if (live) await this.#save(live);
    }
    return rounds.map((r) => r.id);
  }

  /**
   * Takes up the stored rounds of the servers this process serves (at start,
   * once the gateway is ready). A round whose article or questions are gone,
   * or whose channel cannot be reached, is ended and its record deleted.
   */
  async restore(input: { client: Client<true>; library: Library; owns: (guildId: string) => boolean }): Promise<number> {
    let restored = 0;
    for (const stored of await loadRounds(this.deps.store)) {
      if (!input.owns(stored.guildId) || this.rounds.get(stored.id)) continue;
      const article = input.library.article(stored.article);
      const answers = await loadAnswers(this.deps.store, stored.guildId, stored.id, stored.current);
      const round = article && Round.restore(stored, article, answers);
      const fetched = round && input.client.guilds.cache.has(stored.guildId) ? await input.client.channels.fetch(stored.channelId).catch(() => null) : null;
      const channel = fetched?.isTextBased() && !fetched.isDMBased() ? fetched : null;
      if (!round || !channel || !this.rounds.adopt(round)) {
        this.deps.log.warn({ roundId: stored.id, guildId: stored.guildId, article: stored.article }, 'a stored round cannot go on (its article, questions or channel are gone); ended');
        await deleteRound(this.deps.store, stored.guildId, stored.id).catch(() => undefined);
        continue;
      }
      const message = stored.messageId ? await channel.messages.fetch(stored.messageId).catch(() => undefined) : undefined;
      const live: Live = { round, channel, ...(message ? { message } : {}), ...(stored.closesAt !== undefined ? { closesAt: stored.closesAt } : {}) };
      this.#live.set(round.id, live);
      restored++;
      if (round.finished) void this.#finish(live, undefined);
      else if (!round.open) void this.#advance(live);
      else if (!message) void this.#post(live);
      else {
        const left = (stored.closesAt ?? 0) - this.deps.clock.now();
        if (left <= 0) void this.#closeQuestion(live);
        else live.timer = this.deps.clock.setTimeout(() => void this.#closeQuestion(live), left);
      }
    }
    if (restored) this.deps.log.info({ rounds: restored }, 'rounds taken up again after the restart');
    return restored;
  }

  /** Clears every timer; used on shutdown. The rounds stay stored, for the next start. */
  close(): void {
    for (const live of this.#live.values()) if (live.timer) this.deps.clock.clearTimeout(live.timer);
    this.#live.clear();
  }

  async #post(live: Live): Promise<void> {
    const { round } = live;
    const closesAt = this.deps.clock.now() + round.seconds * 1000;
    const position = { index: round.current, total: round.questions.length };
    live.closesAt = closesAt;
    delete live.message;
    await this.#save(live);
    live.timer = this.deps.clock.setTimeout(() => void this.#closeQuestion(live), round.seconds * 1000);
    try {
      const answerId = (optionId: string) => encodeRoundButton({ kind: 'answer', roundId: round.id, question: position.index, optionId });
      live.message = await live.channel.send({
        ...renderRoundQuestion(round.question, round.shown[round.current]!, position, closesAt, answerId),
        // Posted again after a crash, the same nonce returns the message already posted.
        nonce: `${round.id}q${position.index}`,
        enforceNonce: true,
      });
      await this.#save(live);
    } catch (error) {
      this.deps.log.error({ err: error, roundId: round.id }, 'could not post a quiz question; ending the round');
      if (live.timer) this.deps.clock.clearTimeout(live.timer);
      this.rounds.finish(round);
      this.#live.delete(round.id);
      this.#forgetStored(round);
    }
  }

  /** Stores where the round is; a failure is logged (the round goes on, but would not survive a restart). */
  async #save(live: Live): Promise<void> {
    const stored: StoredRound = { ...live.round.toState(), ...(live.closesAt !== undefined ? { closesAt: live.closesAt } : {}), ...(live.message ? { messageId: live.message.id } : {}) };
    await saveRound(this.deps.store, stored).catch((error: unknown) => this.deps.log.warn({ err: error, roundId: live.round.id }, 'could not store the round’s progress'));
  }

  #forgetStored(round: Round): void {
    void deleteRound(this.deps.store, round.guildId, round.id).catch((error: unknown) => this.deps.log.warn({ err: error, roundId: round.id }, 'could not delete a finished round’s record'));
  }

  /** After a reveal: the next question, or the summary. */
  async #advance(live: Live): Promise<void> {
    if (live.round.next()) await this.#post(live);
    else await this.#finish(live, undefined);
  }

  async #closeQuestion(live: Live): Promise<void> {
    const { round } = live;
    live.timer = undefined;
    if (round.finished && !this.#live.has(round.id)) return;
    const position = { index: round.current, total: round.questions.length };
    const reveal = round.close();
    if (reveal) {
      await this.#reveal(live, reveal, position);
      // Revealed and scored: stored as closed, so a restart from here moves on instead of revealing again.
      await this.#save(live);
      await dropQuestionAnswers(this.deps.store, round.guildId, round.id, reveal.questionIndex).catch(() => undefined);
    }
    await this.#advance(live);
  }

  async #reveal(live: Live, reveal: Reveal, position: { index: number; total: number }): Promise<void> {
    const { round } = live;
    // The class figures take the question's answers once, here, in one write (each click already wrote its tally).
    await recordClassAnswers(this.deps.store, round.guildId, { ref: itemRef(round.article.id, reveal.question.id), answered: reveal.answers.size, correct: reveal.correctUsers.length, at: this.deps.clock.now(), key: `round:${round.id}:${reveal.questionIndex}` }).catch((error: unknown) =>
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
    // After the edit, so hundreds of answers do not hold the reveal up; before the next question is posted.
    await this.#learn(round, reveal);
  }

  /**
   * Puts each answer in its person's learning record (review list, practice
   * boxes) at the reveal, not at the click: recorded at the click, a wrong pick
   * would show in /quiz review before the answer is revealed. A failed write is
   * logged and the reveal goes on.
   */
  async #learn(round: Round, reveal: Reveal): Promise<void> {
    const at = this.deps.clock.now();
    const ref = itemRef(round.article.id, reveal.question.id);
    await Promise.all(
      [...reveal.answers].map(([userId, optionId]) =>
        recordLearning(this.deps.store, {
          guildId: round.guildId,
          userId,
          ref,
          optionId,
          correct: optionId === reveal.correctId,
          source: 'round',
          at,
          answerKey: roundAnswerKey(round.id, reveal.questionIndex),
        }).catch((error: unknown) => this.deps.log.error({ err: error, roundId: round.id, userId }, 'could not record a round answer in the learning record')),
      ),
    );
  }

  async #finish(live: Live, openReveal: ReturnType<Round['close']>, stoppedBy?: string): Promise<void> {
    const { round } = live;
    if (live.timer) this.deps.clock.clearTimeout(live.timer);
    this.#live.delete(round.id);
    this.rounds.finish(round);
    if (openReveal) await this.#reveal(live, openReveal, { index: openReveal.questionIndex, total: round.questions.length });
    try {
      await live.channel.send({ ...renderRoundSummary(round.scores(), round.questions.length, stoppedBy), nonce: `${round.id}s`, enforceNonce: true });
    } catch (error) {
      this.deps.log.error({ err: error, roundId: round.id }, 'could not post the round summary');
    }
    await deleteRound(this.deps.store, round.guildId, round.id).catch((error: unknown) => this.deps.log.warn({ err: error, roundId: round.id }, 'could not delete a finished round’s record'));
  }
}
