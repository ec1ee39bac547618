import { requireManageServer } from '../commands/lib/permissions.js';
import { UserError } from '../errors.js';
import { resetConfirmKey, resetTallies } from '../quiz/tallies.js';
import { plural } from '../render/text.js';
import { encode, int, parts, sameFields } from './lib/codec.js';
import type { ComponentHandler } from './lib/types.js';

/** `admin:reset:<expires, epoch seconds>:<token>` confirms a reset; `admin:cancel` abandons it. */
const PREFIX = 'admin';
const TOKEN = /^[\w-]{8}$/;

export type AdminId = { kind: 'reset'; expires: number; token: string } | { kind: 'cancel' };

export function decodeAdminId(raw: unknown): AdminId | null {
  const p = parts(raw, PREFIX);
  if (p?.length === 1 && p[0] === 'cancel') return { kind: 'cancel' };
  if (p?.length !== 3 || p[0] !== 'reset') return null;
  const expires = int(p[1], 0, 99_999_999_999);
  const token = p[2] ?? '';
  return expires !== null && TOKEN.test(token) ? { kind: 'reset', expires, token } : null;
}

export function encodeAdminId(id: AdminId): string {
  const values = id.kind === 'cancel' ? ['cancel'] : ['reset', id.expires, id.token];
  return encode(PREFIX, values, decodeAdminId, (back) => sameFields(back, id));
}

export const adminButtons: ComponentHandler = {
  prefix: PREFIX,
  async handle(interaction, ctx) {
    const id = decodeAdminId(interaction.customId);
    if (id?.kind === 'cancel') {
      await interaction.update({ content: 'Reset cancelled. Nothing was cleared.', components: [] });
      return;
    }
    if (!id) throw new UserError('This button is no longer active.');
    requireManageServer(interaction.memberPermissions);
    if (id.expires * 1000 < ctx.clock.now()) throw new UserError('This confirmation has expired. Run `/quiz-admin reset` again.');
    // One confirmation clears once: a double click or an older confirmation message does nothing.
    let fresh = false;
    await ctx.store.update<string>(resetConfirmKey(interaction.guildId), (current) => {
      fresh = current === id.token;
      return fresh ? undefined : current;
    });
    if (!fresh) throw new UserError('This confirmation was already used or replaced by a newer one. Run `/quiz-admin reset` again if needed.');
    const cleared = await resetTallies(ctx, interaction.guildId);
    ctx.log.info({ cleared }, 'quiz tallies reset');
    await interaction.update({ content: `Cleared the quiz tallies of ${plural(cleared, 'person', 'people')}, and everyone’s review lists, practice progress and confidence ratings.`, components: [] });
  },
};
