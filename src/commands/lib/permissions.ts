import { PermissionFlagsBits } from 'discord.js';
import { UserError } from '../../errors.js';

/** Discord hides a command from members without its default permission, but a button's custom id can be replayed by anyone. */
export function requireManageServer(permissions: { has(flag: bigint): boolean }): void {
  if (!permissions.has(PermissionFlagsBits.ManageGuild)) throw new UserError('Only people who can manage this server can do that.');
}
