import { time, TimestampStyles } from 'discord.js';
import { normalise } from '../content/loader.js';
import type { Paragraph } from '../content/types.js';
import { UserError } from '../errors.js';
import { excerptMessage } from '../components/excerpt-page.js';
import { preview } from '../render/text.js';
import { articleHere } from './lib/article.js';
import { guildCommand } from './lib/definition.js';
import type { Command } from './lib/types.js';

const data = guildCommand('excerpt', 'Post a paragraph of the article with notes on who says what')
  .addIntegerOption((o) => o.setName('paragraph').setDescription('Paragraph number (¶)').setMinValue(1).setMaxValue(999).setAutocomplete(true))
  .addStringOption((o) => o.setName('search').setDescription('Words to find in the article').setMaxLength(100))
  .toJSON();

export const excerpt: Command = {
  data,
  async execute(interaction, ctx) {
    const content = await articleHere(interaction, ctx);
    const number = interaction.options.getInteger('paragraph');
    const words = interaction.options.getString('search')?.trim();
    let paragraph: Paragraph | undefined;
    if (number !== null) {
      paragraph = content.paragraph(number);
      if (!paragraph) throw new UserError(`There is no ¶${number}: the article has paragraphs 1 to ${content.paragraphs.length}.`);
    } else if (words) {
      paragraph = content.search(words);
      if (!paragraph) throw new UserError(`No paragraph contains “${preview(words, 100)}”. Try fewer or different words.`);
    } else {
      paragraph = content.paragraphs[Math.floor(Math.random() * content.paragraphs.length)]!;
    }

    const cooldownMs = ctx.config.EXCERPT_COOLDOWN_SECONDS * 1000;
    const wait = ctx.cooldowns.take(`excerpt:${interaction.guildId}:${interaction.user.id}`, ctx.clock.now(), cooldownMs);
    if (wait > 0) {
      const at = new Date(ctx.clock.now() + wait);
      throw new UserError(`You posted an excerpt a moment ago. You can post another ${time(at, TimestampStyles.RelativeTime)}.`);
    }
    await interaction.reply(excerptMessage(content, paragraph));
  },

  async autocomplete(interaction, ctx) {
    const typed = String(interaction.options.getFocused()).trim();
    // Digits match paragraph numbers; anything else matches the text.
    const words = /^\d*$/.test(typed) ? null : normalise(typed);
    const content = await articleHere(interaction, ctx);
    const choices = content.paragraphs
      .filter((p) => (words === null ? String(p.n).startsWith(typed) : normalise(p.text).includes(words)))
      .slice(0, 25)
      .map((p) => ({ name: preview(`¶${p.n}: ${p.text}`, 100), value: p.n }));
    await interaction.respond(choices);
  },
};
