import { EmbedBuilder, MessageFlags } from 'discord.js';
import { CATEGORIES, CATEGORY_LABELS, categorySchema, type Category } from '../content/schema.js';
import { UserError } from '../errors.js';
import { decodeCustomId } from '../quiz/custom-id.js';
import { leaderboard, renderLeaderboard } from '../quiz/leaderboard.js';
import { nextPracticeQuestion, recordPracticeAnswer } from '../quiz/practice.js';
import { renderTallySummary, summariseTally } from '../quiz/summary.js';
import { getTally, listTallies } from '../quiz/tallies.js';
import { renderPracticeFeedback, renderPracticeQuestion } from '../render/quiz.js';
import { fit, plural } from '../render/text.js';
import { guildCommand } from './lib/definition.js';
import type { Command, ComponentHandler } from './lib/types.js';

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
  .addSubcommand((s) =>
    s
      .setName('score')
      .setDescription('Show quiz tallies')
      .addUserOption((o) => o.setName('user').setDescription('Whose tallies (default: yours)')),
  )
  .addSubcommand((s) => s.setName('leaderboard').setDescription('The server’s top 10 by correct answers'))
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

export const quiz: Command = {
  data,
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    const { store, content } = ctx;
    if (sub === 'start') {
      await ctx.quiz.start(interaction, {
        count: range(interaction.options.getInteger('questions'), 5, 1, 10, 'Questions'),
        seconds: range(interaction.options.getInteger('seconds'), 30, 10, 120, 'Seconds'),
        category: categoryOption(interaction.options.getString('category')),
        difficulty: difficultyOption(interaction.options.getInteger('difficulty')),
      });
    } else if (sub === 'stop') {
      await ctx.quiz.stop(interaction);
    } else if (sub === 'practice') {
      const category = categoryOption(interaction.options.getString('category')) ?? null;
      const question = await nextPracticeQuestion(store, content, interaction.guildId, interaction.user.id, category);
      await interaction.reply({ ...renderPracticeQuestion(question, category), flags: MessageFlags.Ephemeral });
    } else if (sub === 'score') {
      const user = interaction.options.getUser('user') ?? interaction.user;
      const tally = await getTally(store, interaction.guildId, user.id);
      const who = user.id === interaction.user.id ? 'You have' : `<@${user.id}> has`;
      const text = tally ? renderTallySummary(summariseTally(tally)) : `${who} not answered any quiz questions in this server yet.`;
      const embed = new EmbedBuilder().setTitle(`Quiz record: ${fit(user.displayName, 200)}`).setDescription(fit(text, 4096));
      await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    } else if (sub === 'leaderboard') {
      const board = leaderboard(await listTallies(store, interaction.guildId), interaction.user.id);
      const embed = new EmbedBuilder()
        .setTitle('Leaderboard: correct answers')
        .setDescription(fit(renderLeaderboard(board), 4096))
        .setFooter({ text: `${plural(board.total, 'person has', 'people have')} answered · ties go to accuracy, then to who got there first` });
      await interaction.reply({ embeds: [embed], allowedMentions: { parse: [] } });
    } else {
      throw new UserError('That quiz subcommand is not known.');
    }
  },
};

export const quizButtons: ComponentHandler = {
  prefix: 'quiz',
  async handle(interaction, ctx) {
    const id = decodeCustomId(interaction.customId);
    if (id?.kind !== 'quiz-answer') throw new UserError('This button is no longer active.');
    const ack = await ctx.quiz.answer({
      roundId: id.roundId,
      question: id.question,
      option: id.option,
      guildId: interaction.guildId,
      userId: interaction.user.id,
      userName: interaction.user.username,
    });
    await interaction.reply({ content: ack, flags: MessageFlags.Ephemeral });
  },
};

export const practiceButtons: ComponentHandler = {
  prefix: 'practice',
  async handle(interaction, ctx) {
    const id = decodeCustomId(interaction.customId);
    if (id?.kind === 'practice-next') {
      const question = await nextPracticeQuestion(ctx.store, ctx.content, interaction.guildId, interaction.user.id, id.category);
      await interaction.reply({ ...renderPracticeQuestion(question, id.category), flags: MessageFlags.Ephemeral });
      return;
    }
    if (id?.kind !== 'practice-answer') throw new UserError('This button is no longer active.');
    const question = ctx.content.question(id.questionId);
    if (!question || id.option >= question.options.length) throw new UserError('That question is no longer in the bank. Start again with `/quiz practice`.');
    await recordPracticeAnswer(ctx.store, {
      guildId: interaction.guildId,
      userId: interaction.user.id,
      userName: interaction.user.username,
      messageId: interaction.message.id,
      question,
      option: id.option,
      at: ctx.clock.now(),
    });
    await interaction.update(renderPracticeFeedback(ctx.content, question, id.option, id.category));
  },
};
