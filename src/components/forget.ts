import { randomBytes } from 'node:crypto';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, time, TimestampStyles, type ChatInputCommandInteraction } from 'discord.js';
import { requireManageServer } from '../commands/lib/permissions.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { findPersonRecords, forgetPerson, hasRecords } from '../quiz/forget.js';
import { describeRecords } from '../render/records.js';
import { encode, int, parts, sameFields } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';

/**
 * `forget:y:<requester>:<target>:<expires, epoch seconds>:<token>` confirms
 * removing the target's quiz records; `forget:n:<requester>` cancels. Only the
 * requester may press them, and removing someone else's records also takes
 * Manage Server when the button is pressed.
 */
const PREFIX = 'forget';
const USER_ID = /^[1-9][0-9]{16,19}$/;
const TOKEN = /^[\w-]{8}$/;
const CONFIRM_MS = 60_000;

export type ForgetButton = { kind: 'confirm'; requester: string; target: string; expires: number; token: string } | { kind: 'cancel'; requester: string };

export function decodeForgetButton(raw: unknown): ForgetButton | null {
  const p = parts(raw, PREFIX);
  const requester = p?.[1] ?? '';
  if (!USER_ID.test(requester)) return null;
  if (p?.[0] === 'n' && p.length === 2) return { kind: 'cancel', requester };
  if (p?.[0] !== 'y' || p.length !== 5) return null;
  const target = p[2] ?? '';
  const expires = int(p[3], 0, 99_999_999_999);
  const token = p[4] ?? '';
  return USER_ID.test(target) && expires !== null && TOKEN.test(token) ? { kind: 'confirm', requester, target, expires, token } : null;
}

export function encodeForgetButton(id: ForgetButton): string {
  const values = id.kind === 'cancel' ? ['n', id.requester] : ['y', id.requester, id.target, id.expires, id.token];
  return encode(PREFIX, values, decodeForgetButton, (back) => sameFields(back, id));
}

/** The requester's pending confirmation: one per person and server, a newer one replacing it. */
export const forgetConfirmKey = (guildId: string, requesterId: string) => `forget-confirmation:${guildId}:${requesterId}`;
interface Pending {
  token: string;
  target: string;
}

const whose = (self: boolean, targetId: string) => (self ? 'your quiz records' : `the quiz records of <@${targetId}>`);
const runAgain = (self: boolean) => (self ? '`/quiz forget-me`' : '`/quiz-admin forget`');

/** `/quiz forget-me` and `/quiz-admin forget`: says what would be removed and asks to confirm; removes nothing yet. */
export async function askToForget(interaction: ChatInputCommandInteraction<'cached'>, ctx: Context, targetId: string): Promise<void> {
  const self = targetId === interaction.user.id;
  const records = await findPersonRecords(ctx, interaction.guildId, targetId);
  if (!hasRecords(records)) {
    const content = self ? 'You have no quiz records in this server: there is nothing to remove.' : `<@${targetId}> has no quiz records in this server: there is nothing to remove.`;
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    return;
  }
  const expires = ctx.clock.now() + CONFIRM_MS;
  const token = randomBytes(6).toString('base64url');
  await ctx.store.set<Pending>(forgetConfirmKey(interaction.guildId, interaction.user.id), { token, target: targetId });
  const confirm = encodeForgetButton({ kind: 'confirm', requester: interaction.user.id, target: targetId, expires: Math.floor(expires / 1000), token });
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(confirm).setLabel(self ? 'Remove my records' : 'Remove their records').setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(encodeForgetButton({ kind: 'cancel', requester: interaction.user.id })).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
  await interaction.reply({
    content: `This removes ${whose(self, targetId)} in this server: ${describeRecords(records)}. It cannot be undone. Confirm ${time(new Date(expires), TimestampStyles.RelativeTime)}.`,
    components: [row],
    flags: MessageFlags.Ephemeral,
  });
}

export const forgetButtons: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodeForgetButton(interaction.customId);
    if (!id) throw new UserError('This button is no longer active.');
    // The confirmation is private, but a custom id can be replayed by anyone.
    if (interaction.user.id !== id.requester) throw new UserError('Only the person who asked can confirm or cancel this.');
    const key = forgetConfirmKey(interaction.guildId, id.requester);
    if (id.kind === 'cancel') {
      await ctx.store.update<Pending>(key, () => undefined);
      await interaction.update({ content: 'Cancelled. Nothing was removed.', components: [] });
      return;
    }
    const self = id.target === id.requester;
    if (!self) requireManageServer(interaction.memberPermissions);
    if (id.expires * 1000 < ctx.clock.now()) throw new UserError(`This confirmation has expired. Run ${runAgain(self)} again.`);
    // One confirmation removes once, and only for the person it was made for.
    let fresh = false;
    await ctx.store.update<Pending>(key, (current) => {
      fresh = current?.token === id.token && current.target === id.target;
      return fresh ? undefined : current;
    });
    if (!fresh) throw new UserError(`This confirmation was already used or replaced by a newer one. Run ${runAgain(self)} again if needed.`);
    const removed = await forgetPerson(ctx, interaction.guildId, id.target);
    // A confirmation the person left pending themselves names them too.
    if (!self) await ctx.store.update<Pending>(forgetConfirmKey(interaction.guildId, id.target), () => undefined);
    ctx.log.info({ self, ...removed }, 'quiz records removed');
    const what = describeRecords(removed);
    const content = !what ? 'There was nothing left to remove.' : self ? `Removed ${what}.` : `Removed ${whose(false, id.target)}: ${what}.`;
    await interaction.update({ content, components: [] });
  },
};
