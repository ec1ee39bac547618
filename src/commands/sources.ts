import { EmbedBuilder, codeBlock } from 'discord.js';
import type { ParagraphAttribution } from '../content/schema.js';
import { UserError } from '../errors.js';
import { sourceTree } from '../render/source-tree.js';
import { fit } from '../render/text.js';
import { articleHere } from './lib/article.js';
import { guildCommand } from './lib/definition.js';
import type { Command } from './lib/types.js';

const data = guildCommand('sources', 'Show who said what, through whom, as a tree')
  .addIntegerOption((o) => o.setName('paragraph').setDescription('Only this paragraph (¶)').setMinValue(1).setMaxValue(999))
  .toJSON();

export const sources: Command = {
  data,
  async execute(interaction, ctx) {
    const content = await articleHere(interaction, ctx);
    const n = interaction.options.getInteger('paragraph');
    let attributions: ParagraphAttribution[];
    if (n !== null) {
      const one = content.paragraph(n) && content.attribution(n);
      if (!one) throw new UserError(`There is no ¶${n}: the article has paragraphs 1 to ${content.paragraphs.length}.`);
      attributions = [one];
    } else {
      attributions = content.paragraphs.flatMap((p) => content.attribution(p.n) ?? []);
    }
    const missing = (['byline', 'outlet', 'date'] as const).filter((k) => content.provenance[k] === null);
    const list = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} or ${missing.at(-1)}` : missing[0];
    const root = `The article${list ? ` (this copy gives no ${list})` : ''}${n !== null ? ` — ¶${n}` : ''}`;
    const tree = sourceTree(root, attributions);
    const embed = new EmbedBuilder()
      .setTitle(n !== null ? `Source chain of ¶${n}` : 'Source chain of the whole article')
      .setDescription(codeBlock(fit(tree, 4096 - 8)))
      .setFooter({ text: 'Each step is a hand the claim passed through. To check a step, find its original: search for the outlet’s report or the speaker’s exact words.' });
    await interaction.reply({ embeds: [embed] });
  },
};
