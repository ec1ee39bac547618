import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { Confidence } from '../learning/state.js';

/** A confidence level, or 'skip' (practice only): see the feedback without saying. */
export type ConfidenceChoice = Confidence | 'skip';

export const CONFIDENCE_LABELS: Readonly<Record<ConfidenceChoice, string>> = {
  guessing: 'Guessing',
  'fairly-sure': 'Fairly sure',
  certain: 'Certain',
  skip: 'Skip',
};

/** "How sure were you?" buttons: the three levels, and Skip where the answer waits behind them (practice). */
export function confidenceButtons(customId: (level: ConfidenceChoice) => string, withSkip: boolean) {
  const levels: ConfidenceChoice[] = withSkip ? ['guessing', 'fairly-sure', 'certain', 'skip'] : ['guessing', 'fairly-sure', 'certain'];
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    levels.map((level) =>
      new ButtonBuilder()
        .setCustomId(customId(level))
        .setLabel(CONFIDENCE_LABELS[level])
        .setStyle(level === 'skip' ? ButtonStyle.Secondary : ButtonStyle.Primary),
    ),
  );
}
