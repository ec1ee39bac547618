import { AttachmentBuilder, MessageFlags } from 'discord.js';
import { channelsByArticle, getChoice, setChoice } from '../articles/choice.js';
import { normalise } from '../content/loader.js';
import type { ReloadResult } from '../content/shelf.js';
import { UserError } from '../errors.js';
import { renderArticleInfo, renderArticleList } from '../render/articles.js';
import { fit, plural, preview } from '../render/text.js';
import { articleChoices, resolveHere, whereOf } from './lib/article.js';
import { guildCommand } from './lib/definition.js';
import { requireManageServer } from './lib/permissions.js';
import type { Command } from './lib/types.js';

const data = guildCommand('article', 'The articles this bot serves, and which one this channel reads')
  .addSubcommand((s) => s.setName('list').setDescription('Every article, and where this server reads it'))
  .addSubcommand((s) => s.setName('info').setDescription('The article this channel reads: its source and how to check it'))
  .addSubcommand((s) =>
    s
      .setName('use')
      .setDescription('Pick the article of this channel, or the server default (Manage Server)')
      .addStringOption((o) => o.setName('article').setDescription('Which article').setRequired(true).setAutocomplete(true).setMaxLength(100))
      .addStringOption((o) =>
        o.setName('scope').setDescription('This channel (default) or the whole server’s default').addChoices({ name: 'this channel', value: 'channel' }, { name: 'server default', value: 'server' }),
      ),
  )
  .addSubcommand((s) => s.setName('reload').setDescription('Re-read the article packs from disk (Manage Server)'))
  .toJSON();

/** The private answer to a reload: what changed, and each problem pack with its report attached. */
function reloadReply(result: ReloadResult) {
  if (result.kind === 'refused') {
    const report = new AttachmentBuilder(Buffer.from(result.error.message, 'utf8'), { name: 'content-report.txt' });
    return { content: 'Nothing changed: no pack in the folder is valid now, so the articles already served stay. The attached report lists the problems.', files: [report] };
  }
  const { library, added, removed, updated, kept, notLoaded } = result;
  const ids = (list: string[]) => list.map((id) => `\`${id}\``).join(', ');
  const lines = [`Reloaded: ${plural(library.articles.length, 'article')} served.`];
  if (added.length) lines.push(`Added: ${ids(added)}.`);
  if (updated.length) lines.push(`Updated: ${ids(updated)}. Rounds already running finish on the version they started with.`);
  if (removed.length) lines.push(`No longer served: ${ids(removed)}. Channels that used them read the server default.`);
  if (!added.length && !updated.length && !removed.length) lines.push('No article changed.');
  for (const k of kept) lines.push(`Kept the earlier version of \`${k.name}\`: its files now have ${plural(k.problems.length, 'problem')}.`);
  for (const n of notLoaded) lines.push(`Not loaded: \`${n.name}\` (${plural(n.problems.length, 'problem')}).`);
  const problems = [...kept, ...notLoaded];
  const files = problems.length ? [new AttachmentBuilder(Buffer.from(problems.map((p) => `${p.name}\n${p.report}`).join('\n\n'), 'utf8'), { name: 'content-report.txt' })] : [];
  return { content: fit(lines.join('\n'), 2000), files };
}

export const article: Command = {
  data,
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    const library = ctx.shelf.current;
    if (sub === 'list') {
      const choice = await getChoice(ctx.store, interaction.guildId);
      const serverDefault = (choice.server && library.article(choice.server)?.id) || library.first.id;
      await interaction.reply({ embeds: [renderArticleList(library, channelsByArticle(library, choice), serverDefault)], flags: MessageFlags.Ephemeral });
    } else if (sub === 'info') {
      await interaction.reply({ embeds: [renderArticleInfo(await resolveHere(ctx, whereOf(interaction)))], flags: MessageFlags.Ephemeral });
    } else if (sub === 'use') {
      requireManageServer(interaction.memberPermissions);
      const typed = interaction.options.getString('article', true).trim();
      const chosen = library.article(typed) ?? library.articles.find((a) => normalise(a.title) === normalise(typed));
      if (!chosen) throw new UserError(`There is no article “${preview(typed, 80)}”. Pick one from the suggestions, or see \`/article list\`.`);
      const scope = interaction.options.getString('scope') === 'server' ? 'server' : 'channel';
      await setChoice(ctx.store, interaction.guildId, chosen.id, scope === 'server' ? { scope } : { scope, channelId: interaction.channelId });
      const where = scope === 'server' ? 'This server’s default article (for channels without their own choice) is now' : `<#${interaction.channelId}> now reads`;
      const running = scope === 'channel' && ctx.quiz.rounds.inChannel(interaction.channelId) ? ' The round running here finishes on its own article.' : '';
      await interaction.reply({ content: `${where} **${fit(chosen.title, 200)}**.${running}` });
    } else if (sub === 'reload') {
      requireManageServer(interaction.memberPermissions);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply(reloadReply(await ctx.shelf.reload()));
    } else {
      throw new UserError('That article subcommand is not known.');
    }
  },

  async autocomplete(interaction, ctx) {
    await interaction.respond(articleChoices(ctx.shelf.current, String(interaction.options.getFocused())));
  },
};
