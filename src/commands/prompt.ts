import { ChannelType, MessageFlags, PermissionFlagsBits, type GuildTextBasedChannel } from 'discord.js';
import { UserError } from '../errors.js';
import { assertCanPost, postPrompt } from '../prompts/post.js';
import { describeRepeat, renderScheduleList, when } from '../render/schedules.js';
import { fit } from '../render/text.js';
import { cancelSchedule, createSchedule, listSchedules, pauseSchedule, resumeSchedule } from '../schedule/repository.js';
import { nextPromptForGuild } from '../prompts/rotation.js';
import { getGuildTimeZone, setGuildTimeZone } from '../schedule/settings.js';
import { canonicalTimeZone, parseRepeat, parseWhen } from '../schedule/when.js';
import type { Context } from '../context.js';
import { guildCommand } from './lib/definition.js';
import { scheduleChoices, promptChoices, repeatChoices, timeZoneChoices } from './lib/prompt-options.js';
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

function pickPrompt(ctx: Context, id: string | null) {
  if (id === null) return undefined;
  const prompt = ctx.content.prompt(id.trim());
  if (!prompt) throw new UserError(`There is no prompt “${fit(id, 64)}”. Pick one from the suggestions.`);
  return prompt;
}

export const prompt: Command = {
  data,
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    const { store, clock } = ctx;
    const reply = (content: string) => interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });

    if (sub === 'post') {
      const channel = (interaction.options.getChannel('channel', false, TEXT_CHANNELS) ?? interaction.channel) as GuildTextBasedChannel | null;
      if (!channel) throw new UserError('Pick a text channel to post in.');
      // Only the default (this channel) can be a thread or a voice channel's chat, where a message cannot open a thread.
      if (!(TEXT_CHANNELS as readonly ChannelType[]).includes(channel.type)) {
        throw new UserError('Prompts can only be posted in text or announcement channels, where each opens a thread. Use the channel option to pick one.');
      }
      const chosen = pickPrompt(ctx, interaction.options.getString('prompt'));
      await assertCanPost(channel);
      // Posting and opening the thread can outlast Discord's 3-second answer window under rate limits.
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const next = chosen ?? (await nextPromptForGuild(store, interaction.guildId, ctx.content.prompts));
      const { threadId } = await postPrompt(channel, next);
      await interaction.editReply({ content: `Posted prompt \`${next.id}\` in <#${channel.id}>${threadId ? ` with a thread: <#${threadId}>` : ''}.`, allowedMentions: { parse: [] } });
    } else if (sub === 'schedule') {
      const channel = interaction.options.getChannel('channel', true, TEXT_CHANNELS) as GuildTextBasedChannel;
      const zoneInput = interaction.options.getString('timezone');
      const timeZone = zoneInput === null ? await getGuildTimeZone(store, interaction.guildId, ctx.config.DEFAULT_TIMEZONE) : canonicalTimeZone(zoneInput);
      if (!timeZone) throw new UserError(`“${fit(zoneInput ?? '', 64)}” is not a time zone I know. Use an IANA name such as Europe/Berlin, America/New_York or UTC.`);
      const chosen = pickPrompt(ctx, interaction.options.getString('prompt'));
      const repeat = parseRepeat(interaction.options.getString('repeat') ?? 'none');
      const firstRunAt = parseWhen(interaction.options.getString('when', true), { timeZone, now: clock.now() }).getTime();
      await assertCanPost(channel);
      const schedule = await createSchedule(
        store,
        { guildId: interaction.guildId, channelId: channel.id, promptId: chosen?.id ?? null, repeat, timeZone, firstRunAt, createdBy: interaction.user.id },
        clock.now(),
      );
      ctx.scheduler.add(schedule);
      await reply(`Scheduled **${schedule.id}** in <#${channel.id}>: first post ${when(schedule.nextRunAt!)}, ${describeRepeat(schedule)} (${timeZone}). Cancel with \`/prompt cancel id:${schedule.id}\`.`);
    } else if (sub === 'list') {
      const embeds = renderScheduleList(await listSchedules(store, interaction.guildId), ctx.content);
      await interaction.reply({ embeds, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    } else if (sub === 'cancel') {
      const removed = await cancelSchedule(store, interaction.guildId, interaction.options.getString('id', true));
      ctx.scheduler.remove(removed);
      await reply(`Cancelled schedule **${removed.id}** (<#${removed.channelId}>).`);
    } else if (sub === 'pause') {
      const paused = await pauseSchedule(store, interaction.guildId, interaction.options.getString('id', true));
      ctx.scheduler.refresh(paused);
      await reply(`Paused schedule **${paused.id}**. Resume it with \`/prompt resume id:${paused.id}\`.`);
    } else if (sub === 'resume') {
      const resumed = await resumeSchedule(store, interaction.guildId, interaction.options.getString('id', true), clock.now());
      ctx.scheduler.refresh(resumed);
      await reply(`Resumed schedule **${resumed.id}**: next post ${when(resumed.nextRunAt!)}.`);
    } else if (sub === 'timezone') {
      const zone = await setGuildTimeZone(store, interaction.guildId, interaction.options.getString('name', true));
      await reply(`This server’s time zone for new schedules is now **${zone}**. Existing schedules keep their own.`);
    } else {
      throw new UserError('That prompt subcommand is not known.');
    }
  },

  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    const typed = String(focused.value);
    const choices =
      focused.name === 'prompt'
        ? promptChoices(ctx, typed)
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
