import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, time, TimestampStyles } from 'discord.js';
import { CATEGORY_LABELS, type Option, type Question } from '../content/schema.js';
import type { Content } from '../content/types.js';
import type { Reveal, RoundScore } from '../quiz/round.js';
import type { PracticeKind } from '../learning/boxes.js';
import { CONFIDENCE_LABELS, confidenceButtons, type ConfidenceChoice } from './confidence.js';
import { blockQuote, fit, plural } from './text.js';

export const LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;
export const letter = (i: number) => LETTERS[i] ?? '?';
const dots = (d: number) => '●'.repeat(d) + '○'.repeat(3 - d);

export function heading(question: Question, position?: { index: number; total: number }): string {
  const where = position ? `Question ${position.index + 1} of ${position.total} · ` : '';
  return `${where}${CATEGORY_LABELS[question.category]} · difficulty ${dots(question.difficulty)}`;
}

export function optionLines(shown: readonly Option[], counts?: ReadonlyMap<string, number>): string {
  return shown
    .map((o, i) => {
      const mark = counts ? (o.correct ? ' ✅' : '') : '';
      const picks = counts ? ` — ${plural(counts.get(o.id) ?? 0, 'pick')}` : '';
      return `**${letter(i)}.** ${o.text}${mark}${picks}`;
    })
    .join('\n');
}

/** The cited sentences, quoted, each with the paragraph (or heading) it stands in. */
export function citation(question: Question, content: Content): string {
  return question.quotes
    .map((quote) => {
      const n = question.cites.find((p) => content.paragraph(p)?.text.includes(quote));
      const heading = n === undefined ? question.headings?.find((h) => h.includes(quote)) : undefined;
      return `${blockQuote(quote)}\n— ${heading ? `the heading “${heading}”` : `¶${n ?? question.cites[0]}`}`;
    })
    .join('\n');
}

/** One button per option, lettered in the order shown; each button's id names its option, not its position. */
export function letterButtons(shown: readonly Option[], customId: (optionId: string) => string, disabled = false, chosenId?: string) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    shown.map((o, i) =>
      new ButtonBuilder()
        .setCustomId(customId(o.id))
        .setLabel(letter(i))
        .setStyle(o.id === chosenId ? ButtonStyle.Success : ButtonStyle.Primary)
        .setDisabled(disabled),
    ),
  );
}

export const answerLine = (shown: readonly Option[]) => {
  const i = shown.findIndex((o) => o.correct);
  return `**${letter(i)}.** ${shown[i]?.text ?? ''}`;
};

export function renderRoundQuestion(question: Question, shown: readonly Option[], position: { index: number; total: number }, closesAt: number, answerId: (optionId: string) => string) {
  const embed = new EmbedBuilder()
    .setTitle(heading(question, position))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(shown)}\n\nCloses ${time(Math.ceil(closesAt / 1000), TimestampStyles.RelativeTime)}. Your first click is final.`, 4096));
  return { embeds: [embed], components: [letterButtons(shown, answerId)] };
}

export function renderRoundReveal(content: Content, reveal: Reveal, position: { index: number; total: number }, ids: { answer: (optionId: string) => string; why: string }) {
  const { question, shown, counts } = reveal;
  const answered = [...counts.values()].reduce((a, b) => a + b, 0);
  const embed = new EmbedBuilder()
    .setTitle(fit(`${heading(question, position)} · revealed`, 256))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(shown, counts)}`, 4096))
    .addFields(
      { name: 'Answer', value: fit(answerLine(shown), 1024) },
      { name: 'Why', value: fit(question.explanation, 1024) },
      { name: 'From the article', value: fit(citation(question, content), 1024) },
    )
    .setFooter({ text: plural(answered, 'answer') });
  const why = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(ids.why).setLabel('Why not mine?').setStyle(ButtonStyle.Secondary),
  );
  return { embeds: [embed], components: [letterButtons(shown, ids.answer, true), why] };
}

/** "Why not mine?": the clicker's own pick in a revealed question, with that option's feedback. */
export function renderPickFeedback(question: Question, shown: readonly Option[], pickedId: string | undefined): string {
  if (pickedId === undefined) {
    return `You did not answer this question. The answer was ${answerLine(shown)}: ${question.explanation}`;
  }
  const i = shown.findIndex((o) => o.id === pickedId);
  const picked = shown[i];
  if (!picked) return `The answer was ${answerLine(shown)}.`;
  if (picked.correct) return `You picked **${letter(i)}.** ${picked.text}, the answer. ${question.explanation}`;
  return `You picked **${letter(i)}.** ${picked.text}\n${picked.why ?? ''}\n\nThe answer was ${answerLine(shown)}.`;
}

export function renderRoundSummary(scores: readonly RoundScore[], total: number, stoppedBy?: string) {
  const lines = scores.length
    ? scores.map((s, i) => `${i + 1}. <@${s.userId}> — ${s.correct}/${total} correct`)
    : ['No one answered this round.'];
  const embed = new EmbedBuilder()
    .setTitle(stoppedBy ? 'Round stopped: scores' : 'Round over: scores')
    .setDescription(fit(lines.join('\n'), 4096))
    .setFooter({ text: 'Your overall record: /quiz score · the server: /quiz leaderboard' });
  return { embeds: [embed] };
}

/** The line above a practice question: why spaced practice asks it now. */
export const PRACTICE_KIND_LABELS: Readonly<Record<PracticeKind, string>> = {
  due: 'Due for review',
  new: 'New question',
  seen: 'Answered before',
};

export function renderPracticeQuestion(question: Question, shown: readonly Option[], ids: { answer: (optionId: string) => string }, kind?: PracticeKind) {
  const embed = new EmbedBuilder()
    .setTitle(`Practice · ${heading(question)}`)
    .setDescription(fit(`${question.prompt}\n\n${optionLines(shown)}`, 4096))
    .setFooter({ text: 'Only you can see this. It counts in your tallies.' });
  if (kind) embed.setAuthor({ name: PRACTICE_KIND_LABELS[kind] });
  return { embeds: [embed], components: [letterButtons(shown, ids.answer)] };
}

/**
 * Practice after the pick and before the feedback: the question with the pick
 * marked, asking how sure the person was. Nothing here says whether the pick
 * is right.
 */
export function renderPracticeConfidence(question: Question, shown: readonly Option[], chosenId: string, ids: { answer: (optionId: string) => string; level: (level: ConfidenceChoice) => string }, label?: string) {
  const chosen = shown.findIndex((o) => o.id === chosenId);
  const embed = new EmbedBuilder()
    .setTitle(fit(`Practice · ${heading(question)}`, 256))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(shown)}`, 4096))
    .addFields({ name: `You chose ${letter(chosen)}`, value: 'How sure were you? Then you see the answer.' })
    .setFooter({ text: 'Only you can see this. Your answer is counted; saying how sure you were helps you see when your confidence is right.' });
  if (label) embed.setAuthor({ name: label });
  return { embeds: [embed], components: [letterButtons(shown, ids.answer, true, chosenId), confidenceButtons(ids.level, true)] };
}

/** Practice feedback: the right answer, and for a wrong pick what that option overlooks. */
export function renderPracticeFeedback(
  content: Content,
  question: Question,
  shown: readonly Option[],
  chosenId: string,
  ids: { answer: (optionId: string) => string; next: string },
  extra: { label?: string | undefined; said?: ConfidenceChoice | undefined; nextLabel?: string; note?: string; titlePrefix?: string } = {},
) {
  const correctIndex = shown.findIndex((o) => o.correct);
  const chosenIndex = shown.findIndex((o) => o.id === chosenId);
  const chosen = shown[chosenIndex];
  const right = chosen?.correct === true;
  const embed = new EmbedBuilder()
    .setTitle(fit(`${extra.titlePrefix ?? 'Practice'} · ${heading(question)}`, 256))
    .setDescription(fit(`${question.prompt}\n\n${optionLines(shown)}`, 4096))
    .addFields({
      name: right ? `✅ Right: ${letter(correctIndex)}` : `❌ You chose ${letter(chosenIndex)}; the answer is ${letter(correctIndex)}`,
      value: fit(answerLine(shown), 1024),
    });
  if (!right && chosen?.why) embed.addFields({ name: `Why not ${letter(chosenIndex)}`, value: fit(chosen.why, 1024) });
  embed.addFields(
    { name: right ? 'Why' : `Why ${letter(correctIndex)}`, value: fit(question.explanation, 1024) },
    { name: 'From the article', value: fit(citation(question, content), 1024) },
  );
  if (extra.label) embed.setAuthor({ name: extra.label });
  const footer = [extra.said && extra.said !== 'skip' ? `You said: ${CONFIDENCE_LABELS[extra.said]}.` : '', extra.note ?? ''].filter(Boolean).join(' ');
  if (footer) embed.setFooter({ text: footer });
  const next = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(ids.next).setLabel(extra.nextLabel ?? 'Next question').setStyle(ButtonStyle.Secondary),
  );
  return { embeds: [embed], components: [letterButtons(shown, ids.answer, true, chosenId), next] };
}
