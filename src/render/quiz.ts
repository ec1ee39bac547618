import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, time, TimestampStyles } from 'discord.js';
import { CATEGORY_LABELS, type Question } from '../content/schema.js';
import type { Content } from '../content/types.js';
import { encodeCustomId } from '../quiz/custom-id.js';
import type { Reveal, RoundScore } from '../quiz/round.js';
import { blockQuote, fit, plural } from './text.js';

export const LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;
export const letter = (i: number) => LETTERS[i] ?? '?';
const dots = (d: number) => '●'.repeat(d) + '○'.repeat(3 - d);

function heading(question: Question, position?: { index: number; total: number }): string {
  const where = position ? `Question ${position.index + 1} of ${position.total} · ` : '';
  return `${where}${CATEGORY_LABELS[question.category]} · difficulty ${dots(question.difficulty)}`;
}

function optionLines(question: Question, counts?: readonly number[]): string {
  return question.options
    .map((o, i) => {
      const mark = counts ? (o.correct ? ' ✅' : '') : '';
      const picks = counts ? ` — ${plural(counts[i] ?? 0, 'pick')}` : '';
      return `**${letter(i)}.** ${o.text}${mark}${picks}`;
    })
    .join('\n');
}

/** The cited sentences, quoted, each with the paragraph it stands in. */
export function citation(question: Question, content: Content): string {
  return question.quotes
    .map((quote) => {
      const n = question.cites.find((p) => content.paragraph(p)?.text.includes(quote)) ?? question.cites[0];
      return `${blockQuote(quote)}\n— ¶${n}`;
    })
    .join('\n');
}

export function letterButtons(question: Question, customId: (option: number) => string, disabled = false) {
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    question.options.map((_, i) =>
      new ButtonBuilder().setCustomId(customId(i)).setLabel(letter(i)).setStyle(ButtonStyle.Primary).setDisabled(disabled),
    ),
  );
  return [row];
}

export function renderRoundQuestion(roundId: string, question: Question, position: { index: number; total: number }, closesAt: number) {
  const embed = new EmbedBuilder()
    .setTitle(heading(question, position))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(question)}\n\nCloses ${time(Math.ceil(closesAt / 1000), TimestampStyles.RelativeTime)}. Your first click is final.`, 4096));
  const id = (option: number) => encodeCustomId({ kind: 'quiz-answer', roundId, question: position.index, option });
  return { embeds: [embed], components: letterButtons(question, id), allowedMentions: { parse: [] } };
}

export function renderRoundReveal(content: Content, roundId: string, reveal: Reveal, position: { index: number; total: number }) {
  const { question, correctIndex, counts } = reveal;
  const answered = counts.reduce((a, b) => a + b, 0);
  const embed = new EmbedBuilder()
    .setTitle(fit(`${heading(question, position)} · revealed`, 256))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(question, counts)}`, 4096))
    .addFields(
      { name: 'Answer', value: fit(`**${letter(correctIndex)}.** ${question.options[correctIndex]?.text ?? ''}`, 1024) },
      { name: 'Why', value: fit(question.explanation, 1024) },
      { name: 'From the article', value: fit(citation(question, content), 1024) },
    )
    .setFooter({ text: plural(answered, 'answer') });
  const id = (option: number) => encodeCustomId({ kind: 'quiz-answer', roundId, question: position.index, option });
  return { embeds: [embed], components: letterButtons(question, id, true), allowedMentions: { parse: [] } };
}

export function renderRoundSummary(scores: readonly RoundScore[], total: number, stoppedBy?: string) {
  const lines = scores.length
    ? scores.map((s, i) => `${i + 1}. <@${s.userId}> — ${s.correct}/${total} correct`)
    : ['No one answered this round.'];
  const embed = new EmbedBuilder()
    .setTitle(stoppedBy ? 'Round stopped: scores' : 'Round over: scores')
    .setDescription(fit(lines.join('\n'), 4096))
    .setFooter({ text: 'Your overall record: /quiz score · the server: /quiz leaderboard' });
  return { embeds: [embed], allowedMentions: { parse: [] } };
}

const practiceNextRow = (category: Question['category'] | null) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(encodeCustomId({ kind: 'practice-next', category }))
      .setLabel('Next question')
      .setStyle(ButtonStyle.Secondary),
  );

export function renderPracticeQuestion(question: Question, category: Question['category'] | null) {
  const embed = new EmbedBuilder()
    .setTitle(`Practice · ${heading(question)}`)
    .setDescription(fit(`${question.prompt}\n\n${optionLines(question)}`, 4096))
    .setFooter({ text: 'Only you can see this. It counts in your tallies.' });
  const id = (option: number) => encodeCustomId({ kind: 'practice-answer', questionId: question.id, option, category });
  return { embeds: [embed], components: letterButtons(question, id), allowedMentions: { parse: [] } };
}

export function renderPracticeFeedback(content: Content, question: Question, chosen: number, category: Question['category'] | null) {
  const correctIndex = question.options.findIndex((o) => o.correct);
  const right = chosen === correctIndex;
  const embed = new EmbedBuilder()
    .setTitle(fit(`Practice · ${heading(question)}`, 256))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(question)}`, 4096))
    .addFields(
      {
        name: right ? `✅ Right: ${letter(correctIndex)}` : `❌ You chose ${letter(chosen)}; the answer is ${letter(correctIndex)}`,
        value: fit(`**${letter(correctIndex)}.** ${question.options[correctIndex]?.text ?? ''}`, 1024),
      },
      { name: 'Why', value: fit(question.explanation, 1024) },
      { name: 'From the article', value: fit(citation(question, content), 1024) },
    );
  const id = (option: number) => encodeCustomId({ kind: 'practice-answer', questionId: question.id, option, category });
  return { embeds: [embed], components: [...letterButtons(question, id, true), practiceNextRow(category)], allowedMentions: { parse: [] } };
}
