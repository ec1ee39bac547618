import { ApplicationCommandOptionType, InteractionContextType, type APIApplicationCommandOption } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { commandsHash } from '../src/commands/lib/sync.js';

const NAME = /^[-_\p{Ll}\p{N}]{1,32}$/u;

function textLength(option: { name: string; description: string; options?: readonly APIApplicationCommandOption[]; choices?: ReadonlyArray<{ name: string; value: unknown }> }): number {
  let n = option.name.length + option.description.length;
  for (const c of option.choices ?? []) n += c.name.length + String(c.value).length;
  for (const o of option.options ?? []) n += textLength(o as never);
  return n;
}

function checkOptions(path: string, options: readonly APIApplicationCommandOption[] | undefined, problems: string[]): void {
  if (!options) return;
  if (options.length > 25) problems.push(`${path}: more than 25 options`);
  let optionalSeen = false;
  for (const option of options) {
    const where = `${path} ${option.name}`;
    if (!NAME.test(option.name)) problems.push(`${where}: bad name`);
    if (option.description.length < 1 || option.description.length > 100) problems.push(`${where}: description length`);
    const nested = option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup;
    if (nested) checkOptions(where, (option as { options?: APIApplicationCommandOption[] }).options, problems);
    else {
      const required = 'required' in option && option.required === true;
      if (required && optionalSeen) problems.push(`${where}: required option after an optional one`);
      if (!required) optionalSeen = true;
      const choices = 'choices' in option ? option.choices : undefined;
      if (choices && choices.length > 25) problems.push(`${where}: more than 25 choices`);
      if (choices && 'autocomplete' in option && option.autocomplete) problems.push(`${where}: choices and autocomplete together`);
    }
  }
}

describe('command registry', () => {
  it('lists each command once, with definitions Discord accepts', () => {
    const names = commands.map((c) => c.data.name);
    expect(new Set(names).size).toBe(names.length);
    const problems: string[] = [];
    for (const { data } of commands) {
      if (!NAME.test(data.name)) problems.push(`${data.name}: bad name`);
      if (!data.description || data.description.length > 100) problems.push(`${data.name}: description length`);
      if (textLength(data as never) > 4000) problems.push(`${data.name}: over 4000 characters`);
      checkOptions(`/${data.name}`, data.options, problems);
    }
    expect(problems).toEqual([]);
  });

  it('makes every command usable in servers only', () => {
    for (const { data } of commands) expect(data.contexts, data.name).toEqual([InteractionContextType.Guild]);
  });

  it('includes /help', () => {
    expect(commands.map((c) => c.data.name)).toContain('help');
  });

  it('hash changes exactly when a definition or its target changes', () => {
    const definitions = commands.map((c) => c.data);
    const target = { applicationId: '100000000000000001' };
    const base = commandsHash(definitions, target);
    expect(commandsHash(structuredClone(definitions), target)).toBe(base);
    const reordered = definitions.map((d) => Object.fromEntries(Object.entries(d).reverse())) as typeof definitions;
    expect(commandsHash(reordered, target)).toBe(base);
    const changed = structuredClone(definitions);
    changed[0]!.description = `${changed[0]!.description}!`;
    expect(commandsHash(changed, target)).not.toBe(base);
    expect(commandsHash(definitions, { ...target, guildId: '100000000000000002' })).not.toBe(base);
    expect(commandsHash(definitions, { ...target, api: 'http://127.0.0.1:9/api' })).not.toBe(base);
  });
});
