import { EmbedBuilder, MessageFlags } from 'discord.js';
import { askToForget } from '../components/forget.js';
import { askPractice } from '../components/practice.js';
import { reviewPage } from '../components/review.js';
import { CATEGORIES, CATEGORY_LABELS, categorySchema, type Category } from '../content/schema.js';
import { UserError } from '../errors.js';
import { articleLeaderboard, leaderboardOf, renderLeaderboard } from '../quiz/leaderboard.js';
import { listTallies, rankTallies } from '../quiz/tallies.js';
import { noQuestionsYet } from '../render/articles.js';
import { articleChoices, articleHere } from './lib/article.js';
import type { StartRefusal, StopResult } from '../quiz/runner.js';
import { fit, plural } from '../render/text.js';
import { guildCommand } from './lib/definition.js';
import { showScore } from './lib/score.js';
import type { Command } from './lib/types.js';

const categoryChoices = CATEGORIES.map((c) => ({ name: CATEGORY_LABELS[c], value: c }));

const data = guildCommand('quiz', 'Practise judging the article’s sourcing')
  .addSubcommand((s) =>
    s
      .setName('start')
      .setDescription('Run a timed round in this channel')
      .addIntegerOption((o) => o.setName('questions').setDescription('How many questions (default 5)').setMinValue(1).setMaxValue(10))
      .addStringOption((o) => o.setName('category').setDescription('Only this skill').addChoices(...categoryChoices))
      .addIntegerOption((o) => o.setName('difficulty').setDescription('Only this difficulty').addChoices({ name: 'easy', value: 1 }, { name: 'medium', value: 2 }, { name: 'hard', value: 3 }))
      .addIntegerOption((o) => o.setName('seconds').setDescription('Seconds per question (default 30)').setMinValue(10).setMaxValue(120)),
  )
  .addSubcommand((s) => s.setName('stop').setDescription('End the round running in this channel'))
  .addSubcommand((s) =>
    s
      .setName('practice')
      .setDescription('Private questions with instant feedback')
      .addStringOption((o) => o.setName('category').setDescription('Only this skill').addChoices(...categoryChoices)),
  )
  .addSubcommand((s) => s.setName('review').setDescription('Your missed questions in this server, to look at again and retry (private)'))
  .addSubcommand((s) =>
    s
      .setName('score')
      .setDescription('Show quiz tallies')
      .addUserOption((o) => o.setName('user').setDescription('Whose tallies (default: yours)')),
  )
  .addSubcommand((s) =>
    s
      .setName('leaderboard')
      .setDescription('The server’s top 10 by correct answers')
      .addStringOption((o) => o.setName('article').setDescription('Only answers to this article’s questions').setAutocomplete(true).setMaxLength(100)),
  )
  .addSubcommand((s) => s.setName('forget-me').setDescription('Remove your quiz records in this server (asks to confirm)'))
  .toJSON();

function categoryOption(value: string | null): Category | undefined {
  if (value === null) return undefined;
  const parsed = categorySchema.safeParse(value);
  if (!parsed.success) throw new UserError(`“${fit(value, 40)}” is not a category. Pick one from the list.`);
  return parsed.data;
}

function difficultyOption(value: number | null): 1 | 2 | 3 | undefined {
  if (value === null) return undefined;
  if (value !== 1 && value !== 2 && value !== 3) throw new UserError('Difficulty is 1 (easy), 2 (medium) or 3 (hard).');
  return value;
}

function range(value: number | null, fallback: number, min: number, max: number, what: string): number {
  if (value === null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new UserError(`${what} must be a whole number from ${min} to ${max}.`);
  return value;
}

const startRefusal = (r: StartRefusal): string => {
  switch (r.kind) {
    case 'not-text-channel':
      return 'Rounds run in text channels of this server.';
    case 'missing-permissions':
      return `I need View Channel, Send Messages and Embed Links in <#${r.channelId}> to run a round here.`;
    case 'no-questions':
      return 'No questions match that category and difficulty. Try a wider choice.';
    case 'empty-bank':
      return noQuestionsYet({ title: r.title });
    case 'busy':
      return `A round is already running in <#${r.channelId}>: finish it or use /quiz stop.`;
  }
};

const STOP_REFUSALS: Record<Exclude<StopResult['kind'], 'stopped'>, string> = {
  'no-round': 'No round is running in this channel.',
  'not-allowed': 'Only the person who started this round, or someone who can manage messages, can stop it.',
};

export const quiz: Command = {
  data,
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    if (sub === 'start') {
      const started = await ctx.quiz.start(interaction, await articleHere(interaction, ctx), {
        count: range(interaction.options.getInteger('questions'), 5, 1, 10, 'Questions'),
        seconds: range(interaction.options.getInteger('seconds'), 30, 10, 120, 'Seconds'),
        category: categoryOption(interaction.options.getString('category')),
        difficulty: difficultyOption(interaction.options.getInteger('difficulty')),
      });
      if (started.kind !== 'started') throw new UserError(startRefusal(started));
    } else if (sub === 'stop') {
      const stopped = await ctx.quiz.stop(interaction);
      if (stopped.kind !== 'stopped') throw new UserError(STOP_REFUSALS[stopped.kind]);
    } else if (sub === 'practice') {
      const category = categoryOption(interaction.options.getString('category')) ?? null;
      await interaction.reply(await askPractice(ctx, await articleHere(interaction, ctx), interaction.guildId, interaction.user.id, category));
    } else if (sub === 'review') {
      await interaction.reply({ ...(await reviewPage(ctx, interaction.guildId, interaction.user.id, 0)), flags: MessageFlags.Ephemeral });
    } else if (sub === 'score') {
      await showScore(interaction, ctx);
    } else if (sub === 'leaderboard') {
      const typed = interaction.options.getString('article')?.trim();
      const article = typed ? ctx.shelf.current.article(typed) : undefined;
      if (typed && !article) throw new UserError(`There is no article “${fit(typed, 80)}”. Pick one from the suggestions, or see \`/article list\`.`);
      const board = article
        ? articleLeaderboard(await listTallies(ctx, interaction.guildId), article.id, interaction.user.id)
        : leaderboardOf(await rankTallies(ctx, interaction.guildId), interaction.user.id);
      const embed = new EmbedBuilder()
        .setTitle(article ? `Leaderboard: correct answers on ${fit(article.title, 200)}` : 'Leaderboard: correct answers')
        .setDescription(fit(renderLeaderboard(board), 4096))
        .setFooter({ text: `${plural(board.total, 'person has', 'people have')} answered · ties go to accuracy, then to who got there first` });
      await interaction.reply({ embeds: [embed] });
    } else if (sub === 'forget-me') {
      await askToForget(interaction, ctx, interaction.user.id);
    } else {
      throw new UserError('That quiz subcommand is not known.');
    }
  },

  async autocomplete(interaction, ctx) {
    await interaction.respond(articleChoices(ctx.shelf.current, String(interaction.options.getFocused())));
  },
};
