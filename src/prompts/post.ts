import { EmbedBuilder, PermissionFlagsBits, type Client, type GuildTextBasedChannel } from 'discord.js';
import type { Prompt } from '../content/schema.js';
import type { Library } from '../content/library.js';
import { fit, preview } from '../render/text.js';
import { nextPromptForGuild } from './rotation.js';
import type { Schedule } from '../schedule/types.js';
import type { Store } from '../storage/store.js';

/** What the bot needs in a channel to post a prompt and open its thread. */
const PROMPT_PERMISSIONS: Array<[bigint, string]> = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
];

// Discord answers this when a thread already exists on the message (a repeated nonce returned the old one).
const THREAD_ALREADY_CREATED = 160004;

export function renderPrompt(prompt: Prompt) {
  const cites = prompt.cites.length ? `\n\nSee ${prompt.cites.map((n) => `¶${n}`).join(', ')} (\`/excerpt paragraph:${prompt.cites[0]}\`).` : '';
  const embed = new EmbedBuilder()
    .setTitle('Discussion prompt')
    .setDescription(fit(`${prompt.text}${cites}`, 4096))
    .setFooter({ text: 'Reply in the thread. Disagree with ideas, not people.' });
  return { embeds: [embed] };
}

/** The names of the permissions the bot lacks to post prompts in the channel; empty when it can. */
export async function missingPromptPermissions(channel: GuildTextBasedChannel): Promise<string[]> {
  const me = channel.guild.members.me ?? (await channel.guild.members.fetchMe());
  const permissions = channel.permissionsFor(me);
  return PROMPT_PERMISSIONS.filter(([flag]) => !permissions.has(flag)).map(([, name]) => name);
}

/** Posts a prompt and opens a public thread on it, named after the prompt. */
export async function postPrompt(channel: GuildTextBasedChannel, prompt: Prompt, nonce?: string): Promise<{ messageId: string; threadId?: string }> {
  const message = await channel.send({ ...renderPrompt(prompt), ...(nonce ? { nonce, enforceNonce: true } : {}) });
  // A repeated nonce returns the message posted before a crash, flagged HAS_THREAD if its thread was opened too;
  // discord.js then refuses startThread locally (MessageExistingThread). A thread started from a message has its id.
  if (message.hasThread) return { messageId: message.id, threadId: message.id };
  try {
    const thread = await message.startThread({ name: preview(prompt.text, 100) });
    return { messageId: message.id, threadId: thread.id };
  } catch (error) {
    if ((error as { code?: unknown }).code === THREAD_ALREADY_CREATED) return { messageId: message.id };
    throw error;
  }
}

/**
 * The scheduler's way of posting: resolves the channel, the schedule's article
 * (in the library as it is at run time) and the prompt.
 */
export function schedulePoster(client: Client<true>, articles: () => Library, store: Store) {
  return async (schedule: Schedule, run: { nonce: string }): Promise<{ messageId: string }> => {
    const channel = await client.channels.fetch(schedule.channelId);
    if (!channel || !channel.isTextBased() || channel.isDMBased()) throw Object.assign(new Error('Unknown Channel'), { status: 404, code: 10003 });
    const article = articles().article(schedule.article);
    // A plain Error is not retried: the scheduler records its message as the run's result for /prompt list.
    if (!article) throw new Error(`the article “${schedule.article}” is no longer served`);
    const prompt = (schedule.promptId && article.prompt(schedule.promptId)) || (await nextPromptForGuild(store, schedule.guildId, article));
    if (!prompt) throw new Error(`the article “${article.title}” has no prompts yet`);
    return postPrompt(channel, prompt, run.nonce);
  };
}
