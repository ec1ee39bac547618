import type { Prompt } from '../content/schema.js';
import type { Store } from '../storage/store.js';

/** One key per guild: which prompts its current round has used. */
export const rotationKey = (guildId: string) => `prompt-rotation:${guildId}`;

interface Rotation {
  /** Ids used in the current round, oldest first. */
  used: string[];
}

/**
 * The guild's next prompt: a random one not used yet in this round. When every
 * prompt in the bank has been used, a new round starts (avoiding the prompt
 * just posted). Ids no longer in the bank are ignored and dropped.
 */
export async function nextPromptForGuild(
  store: Store,
  guildId: string,
  prompts: readonly Prompt[],
  random: () => number = Math.random,
): Promise<Prompt> {
  if (prompts.length === 0) throw new Error('the prompt bank is empty');
  let picked: Prompt | undefined;
  await store.update<Rotation>(rotationKey(guildId), (current) => {
    const inBank = new Set(prompts.map((p) => p.id));
    let used = (current?.used ?? []).filter((id) => inBank.has(id));
    let candidates = prompts.filter((p) => !used.includes(p.id));
    if (candidates.length === 0) {
      const last = used.at(-1);
      used = [];
      candidates = prompts.length > 1 ? prompts.filter((p) => p.id !== last) : [...prompts];
    }
    picked = candidates[Math.floor(random() * candidates.length)] ?? candidates[0]!;
    return { used: [...used, picked.id] };
  });
  return picked!;
}
