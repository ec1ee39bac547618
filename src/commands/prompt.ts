import { ChannelType, MessageFlags, PermissionFlagsBits, type AutocompleteInteraction, type GuildTextBasedChannel } from 'discord.js';
import type { Content } from '../content/types.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { missingPromptPermissions, postPrompt } from '../prompts/post.js';
import { nextPromptForGuild } from '../prompts/rotation.js';
import { describeRepeat, renderScheduleList, when } from '../render/schedules.js';
import { fit } from '../render/text.js';
import type { Repeat } from '../schedule/types.js';
import { canonicalTimeZone, parseRepeat, parseWhen } from '../schedule/when.js';
import { formatInZone } from '../schedule/zoned.js';
import { articleHere, resolveHere } from './lib/article.js';
import { guildCommand } from './lib/definition.js';
import { promptChoices, repeatChoices, scheduleChoices, timeZoneChoices } from './lib/prompt-options.js';
import type { Command } from './lib/types.js';

const TEXT_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

const data = guildCommand('prompt', 'Post and schedule discussion prompts, each with its own thread')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) =>
    s
      .setName('post')
      .setDescription('Post a prompt now and open a thread on it')
      .addStringOption((o) => o.setName('prompt').setDescription('Which prompt (default: the next unused one)').setAutocomplete(true).setMaxLength(64))
      .addChannelOption((o) => o.setName('channel').setDescription('Where (default: here)').addChannelTypes(...TEXT_CHANNELS)),
  )
  .addSubcommand((s) =>
    s
      .setName('schedule')
      .setDescription('Post a prompt later, once or on a repeat')
      .addChannelOption((o) => o.setName('channel').setDescription('Where to post').addChannelTypes(...TEXT_CHANNELS).setRequired(true))
      .addStringOption((o) => o.setName('when').setDescription('18:30, 2025-06-01T18:30, in 2h or in 45m').setRequired(true).setMaxLength(40))
      .addStringOption((o) => o.setName('repeat').setDescription('none, daily, weekly, or a 5-field cron expression').setAutocomplete(true).setMaxLength(60))
      .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone (default: the server’s)').setAutocomplete(true).setMaxLength(64))
      .addStringOption((o) => o.setName('prompt').setDescription('Which prompt (default: rotate through the bank)').setAutocomplete(true).setMaxLength(64)),
  )
  .addSubcommand((s) => s.setName('list').setDescription('This server’s schedules'))
  .addSubcommand((s) => s.setName('cancel').setDescription('Delete a schedule').addStringOption((o) => o.setName('id').setDescription('Schedule id').setRequired(true).setAutocomplete(true).setMaxLength(16)))
  .addSubcommand((s) => s.setName('pause').setDescription('Pause a schedule').addStringOption((o) => o.setName('id').setDescription('Schedule id').setRequired(true).setAutocomplete(true).setMaxLength(16)))
  .addSubcommand((s) => s.setName('resume').setDescription('Resume a paused schedule').addStringOption((o) => o.setName('id').setDescription('Schedule id').setRequired(true).setAutocomplete(true).setMaxLength(16)))
  .addSubcommand((s) =>
    s
      .setName('timezone')
      .setDescription('Set the server’s time zone for schedules')
      .addStringOption((o) => o.setName('name').setDescription('IANA name, such as Europe/Berlin').setRequired(true).setAutocomplete(true).setMaxLength(64)),
  )
  .toJSON();

const TIME_ZONE_NAMES = 'Use an IANA name such as Europe/Berlin, America/New_York or UTC.';

function readTimeZone(input: string): string {
  const zone = canonicalTimeZone(input);
  if (!zone) throw new UserError(`“${fit(input, 64)}” is not a time zone I know. ${TIME_ZONE_NAMES}`);
  return zone;
}

function readRepeat(input: string): Repeat {
  const result = parseRepeat(input);
  switch (result.kind) {
    case 'ok':
      return result.repeat;
    case 'extra-fields':
      throw new UserError(`"${result.text}" has ${result.fields} fields; seconds and years are not supported. Use 5 fields: minute hour day-of-month month day-of-week, like 0 18 * * 1-5.`);
    case 'unknown':
      throw new UserError(`"${result.text}" is not a repeat I know. Use none, daily, weekly or a 5-field cron expression like 0 18 * * 1-5.`);
    case 'invalid-cron':
      throw new UserError(`"${result.text}" is not a valid cron expression (${result.reason}).`);
    case 'never-matches':
      throw new UserError(`The cron expression "${result.text}" never matches a date.`);
  }
}

function readWhen(input: string, timeZone: string, now: number): number {
  const result = parseWhen(input, { timeZone, now });
  switch (result.kind) {
    case 'ok':
      return result.at;
    case 'unreadable':
      throw new UserError(
        `I could not read "${input.trim()}" as a time. Use a time of day like 18:30 or 9:05 (${timeZone} time), a date and time like 2025-06-01T18:30 ` +
          `(add Z or +02:00 for a fixed offset), or a delay like in 45m, in 2h, in 1h30m or in 3d.`,
      );
    case 'passed':
      throw new UserError(`That time has already passed (${formatInZone(result.at, timeZone)}). Give a time in the future.`);
    case 'too-far':
      throw new UserError(`That is more than a year ahead (${formatInZone(result.at, timeZone)}). Give a time within the next 366 days.`);
  }
}

function pickPrompt(article: Content, id: string | null) {
  if (id === null) return undefined;
  const prompt = article.prompt(id.trim());
  if (!prompt) throw new UserError(`There is no prompt “${fit(id, 64)}” in “${fit(article.title, 100)}”, the channel’s article. Pick one from the suggestions.`);
  return prompt;
}

/** The article a prompt in the channel discusses: the channel's own (a thread's parent's, else the server's). */
async function channelArticle(ctx: Context, guildId: string, channel: GuildTextBasedChannel): Promise<Content> {
  const article = (await resolveHere(ctx, { guildId, channelId: channel.id, parentId: channel.isThread() ? channel.parentId : null })).content;
  if (article.prompts.length === 0) throw new UserError(`<#${channel.id}> reads “${article.title}”, which has no discussion prompts yet.`);
  return article;
}

async function assertCanPost(channel: GuildTextBasedChannel): Promise<void> {
  const missing = await missingPromptPermissions(channel);
  if (missing.length) throw new UserError(`I cannot post prompts in <#${channel.id}>: I am missing ${missing.join(', ')} there. Grant them or pick another channel.`);
}

/** Autocomplete: the article of the `channel` option typed so far, else of the channel the command is typed in. */
async function promptArticle(interaction: AutocompleteInteraction<'cached'>, ctx: Context): Promise<Content> {
  const picked = interaction.options.get('channel')?.value;
  if (typeof picked === 'string' && picked !== interaction.channelId) {
    const channel = interaction.guild.channels.cache.get(picked);
    return (await resolveHere(ctx, { guildId: interaction.guildId, channelId: picked, parentId: channel?.isThread() ? channel.parentId : null })).content;
  }
  return articleHere(interaction, ctx);
}

const noSuchSchedule = (id: string) => new UserError(`There is no schedule "${id.trim()}" in this server. /prompt list shows the ids.`);

export const prompt: Command = {
  data,
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    const { schedules } = ctx;
    const reply = (content: string) => interaction.reply({ content, flags: MessageFlags.Ephemeral });

    if (sub === 'post') {
      const channel = (interaction.options.getChannel('channel', false, TEXT_CHANNELS) ?? interaction.channel) as GuildTextBasedChannel | null;
      if (!channel) throw new UserError('Pick a text channel to post in.');
      // Only the default (this channel) can be a thread or a voice channel's chat, where a message cannot open a thread.
      if (!(TEXT_CHANNELS as readonly ChannelType[]).includes(channel.type)) {
        throw new UserError('Prompts can only be posted in text or announcement channels, where each opens a thread. Use the channel option to pick one.');
      }
      const article = await channelArticle(ctx, interaction.guildId, channel);
      const chosen = pickPrompt(article, interaction.options.getString('prompt'));
      await assertCanPost(channel);
      // Posting and opening the thread can outlast Discord's 3-second answer window under rate limits.
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const next = chosen ?? (await nextPromptForGuild(ctx.store, interaction.guildId, article))!;
      const { threadId } = await postPrompt(channel, next);
      await interaction.editReply({ content: `Posted prompt \`${next.id}\` in <#${channel.id}>${threadId ? ` with a thread: <#${threadId}>` : ''}.` });
    } else if (sub === 'schedule') {
      const channel = interaction.options.getChannel('channel', true, TEXT_CHANNELS) as GuildTextBasedChannel;
      const zoneInput = interaction.options.getString('timezone');
      const timeZone = zoneInput === null ? await schedules.timeZone(interaction.guildId) : readTimeZone(zoneInput);
      const article = await channelArticle(ctx, interaction.guildId, channel);
      const chosen = pickPrompt(article, interaction.options.getString('prompt'));
      const repeat = readRepeat(interaction.options.getString('repeat') ?? 'none');
      const firstRunAt = readWhen(interaction.options.getString('when', true), timeZone, ctx.clock.now());
      await assertCanPost(channel);
      const result = await schedules.create({ guildId: interaction.guildId, channelId: channel.id, article: article.id, promptId: chosen?.id ?? null, repeat, timeZone, firstRunAt, createdBy: interaction.user.id });
      if (result.kind === 'limit-reached') throw new UserError(`This server already has ${result.limit} schedules; cancel one with /prompt cancel first.`);
      if (result.kind === 'unknown-time-zone') throw new UserError(`"${result.timeZone}" is not a time zone I know. Use an IANA name such as Europe/Berlin.`);
      if (result.kind === 'no-first-run') throw new UserError('Give a time for the first post (for example 18:30 or in 2h).');
      const { schedule } = result;
      await reply(`Scheduled **${schedule.id}** in <#${channel.id}>: first post ${when(schedule.nextRunAt!)}, ${describeRepeat(schedule)} (${timeZone}), prompts from “${fit(article.title, 100)}”. Cancel with \`/prompt cancel id:${schedule.id}\`.`);
    } else if (sub === 'list') {
      const embeds = renderScheduleList(await schedules.list(interaction.guildId), ctx.shelf.current);
      await interaction.reply({ embeds, flags: MessageFlags.Ephemeral });
    } else if (sub === 'cancel') {
      const id = interaction.options.getString('id', true);
      const result = await schedules.cancel(interaction.guildId, id);
      if (result.kind === 'not-found') throw noSuchSchedule(id);
      await reply(`Cancelled schedule **${result.schedule.id}** (<#${result.schedule.channelId}>).`);
    } else if (sub === 'pause') {
      const id = interaction.options.getString('id', true);
      const result = await schedules.pause(interaction.guildId, id);
      if (result.kind === 'not-found') throw noSuchSchedule(id);
      if (result.kind === 'already-paused') throw new UserError(`Schedule ${result.schedule.id} is already paused.`);
      await reply(`Paused schedule **${result.schedule.id}**. Resume it with \`/prompt resume id:${result.schedule.id}\`.`);
    } else if (sub === 'resume') {
      const id = interaction.options.getString('id', true);
      const result = await schedules.resume(interaction.guildId, id);
      if (result.kind === 'not-found') throw noSuchSchedule(id);
      if (result.kind === 'not-paused') throw new UserError(`Schedule ${result.schedule.id} is not paused.`);
      if (result.kind === 'one-off-passed') {
        const { schedule: s, at } = result;
        throw new UserError(`Schedule ${s.id} was a one-off${at ? ` for ${formatInZone(at, s.timeZone)}` : ''}, which has passed. Cancel it and create a new one.`);
      }
      await reply(`Resumed schedule **${result.schedule.id}**: next post ${when(result.schedule.nextRunAt!)}.`);
    } else if (sub === 'timezone') {
      const name = interaction.options.getString('name', true);
      const result = await schedules.setTimeZone(interaction.guildId, name);
      if (result.kind === 'unknown-time-zone') throw new UserError(`"${name.trim()}" is not a time zone I know. ${TIME_ZONE_NAMES}`);
      await reply(`This server’s time zone for new schedules is now **${result.timeZone}**. Existing schedules keep their own.`);
    } else {
      throw new UserError('That prompt subcommand is not known.');
    }
  },

  async autocomplete(interaction, ctx) {
    // Prompts are offered from the article of the channel picked so far (else this channel's).
    const focused = interaction.options.getFocused(true);
    const typed = String(focused.value);
    const choices =
      focused.name === 'prompt'
        ? promptChoices(await promptArticle(interaction, ctx), typed)
        : focused.name === 'repeat'
          ? repeatChoices(typed)
          : focused.name === 'timezone' || focused.name === 'name'
            ? timeZoneChoices(typed)
            : focused.name === 'id'
              ? await scheduleChoices(ctx, interaction.guildId, typed)
              : [];
    await interaction.respond(choices);
  },
};
