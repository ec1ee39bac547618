import { PermissionFlagsBits, type ChatInputCommandInteraction, type GuildTextBasedChannel, type Message } from 'discord.js';
import type { Content } from '../content/types.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { plural } from '../render/text.js';
import { renderRoundQuestion, renderRoundReveal, renderRoundSummary } from '../render/quiz.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Store } from '../storage.js';
import type { Round } from './round.js';
import { RoundRegistry } from './rounds.js';
import { getSeen, pickQuestions, rememberSeen } from './select.js';
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

/**
 * Runs public rounds: posts each question, closes it when its time is up,
 * reveals, moves on, and posts the scores. Rounds live in memory only, so a
 * restart ends them and their old buttons answer "this round is over".
 */
export class QuizRunner {
  readonly rounds = new RoundRegistry();
  readonly #live = new Map<string, Live>();

  constructor(private readonly deps: { store: Store; content: Content; clock: Clock; log: Logger }) {}

  async start(interaction: ChatInputCommandInteraction<'cached'>, request: RoundRequest): Promise<void> {
    // Threads the bot has not seen since it started are not cached; fetch them.
    const fetched = interaction.channel ?? (await interaction.client.channels.fetch(interaction.channelId).catch(() => null));
    const channel = fetched?.isTextBased() && !fetched.isDMBased() ? fetched : null;
    if (!channel) throw new UserError('Rounds run in text channels of this server.');
    if (!interaction.appPermissions.has(NEEDED)) {
      throw new UserError(`I need View Channel, Send Messages and Embed Links in <#${channel.id}> to run a round here.`);
    }
    const recent = await getSeen(this.deps.store, channel.id);
    const bank = this.deps.content.questions({ category: request.category, difficulty: request.difficulty });
    const questions = pickQuestions(bank, { count: request.count, recent });
    if (questions.length === 0) throw new UserError('No questions match that category and difficulty. Try a wider choice.');

    const round = this.rounds.start({
      guildId: interaction.guildId,
      channelId: channel.id,
      starterId: interaction.user.id,
      questions,
      seconds: request.seconds,
    });
    const live: Live = { round, channel };
    this.#live.set(round.id, live);
    const fewer = questions.length < request.count ? ` (only ${questions.length} match your choice)` : '';
    try {
      await interaction.reply({
        content: `Quiz round: ${plural(questions.length, 'question')}${fewer}, ${request.seconds} seconds each. Click a letter to lock in your answer; answers are revealed when time is up.`,
        allowedMentions: { parse: [] },
      });
    } catch (error) {
      // Nothing was posted and no timer runs: free the channel so trying again works.
      this.#live.delete(round.id);
      this.rounds.finish(round);
      throw error;
    }
    await rememberSeen(this.deps.store, channel.id, questions.map((q) => q.id)).catch((error: unknown) =>
      this.deps.log.warn({ err: error }, 'could not remember the questions this channel saw'),
    );
    await this.#post(live);
  }

  /** Counts one click. The tally is written before the click is acknowledged. */
  async answer(input: { roundId: string; question: number; option: number; guildId: string; userId: string; userName: string }): Promise<string> {
    const round = this.rounds.get(input.roundId);
    if (!round || round.finished) throw new UserError('This round is over. Start a new one with `/quiz start`.');
    const result = round.answer(input.question, input.userId, input.option);
    if (result === 'closed') throw new UserError('This question is closed; its answer has been revealed.');
    if (result === 'already-answered') throw new UserError('You have already answered this question. Your first answer stands.');
    if (result === 'invalid') throw new UserError('That button does not belong to the current question.');
    const question = round.questions[input.question]!;
    try {
      await recordAnswer(this.deps.store, {
        guildId: input.guildId,
        userId: input.userId,
        userName: input.userName,
        category: question.category,
        correct: question.options[input.option]?.correct === true,
        at: this.deps.clock.now(),
      });
    } catch (error) {
      round.withdraw(input.question, input.userId);
      this.deps.log.error({ err: error, roundId: round.id }, 'answer not recorded');
      throw new UserError('Your answer was not recorded because of a storage problem. Please click again in a moment.');
    }
    return `Locked in: ${String.fromCharCode(65 + input.option)}`;
  }

  /** Ends the channel's round now, revealing the open question. */
  async stop(interaction: ChatInputCommandInteraction<'cached'>): Promise<void> {
    const round = this.rounds.inChannel(interaction.channelId);
    if (!round) throw new UserError('No round is running in this channel.');
    const allowed = round.starterId === interaction.user.id || interaction.memberPermissions.has(PermissionFlagsBits.ManageMessages);
    if (!allowed) throw new UserError('Only the person who started this round, or someone who can manage messages, can stop it.');
    const live = this.#live.get(round.id);
    const stopped = this.rounds.stop(round.channelId);
    await interaction.reply({ content: 'Round stopped.', allowedMentions: { parse: [] } });
    if (live && stopped) await this.#finish(live, stopped.reveal, interaction.user.id);
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
      live.message = await live.channel.send(renderRoundQuestion(round.id, round.question, position, closesAt));
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

  async #reveal(live: Live, reveal: NonNullable<ReturnType<Round['close']>>, position: { index: number; total: number }): Promise<void> {
    try {
      await live.message?.edit(renderRoundReveal(this.deps.content, live.round.id, reveal, position));
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
