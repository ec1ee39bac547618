import { REST, Routes, type RESTGetAPIOAuth2CurrentApplicationResult } from 'discord.js';
import { commands } from './commands/index.js';
import { registerCommands } from './commands/lib/sync.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { scrubSecrets } from './logger.js';

/** `npm run deploy`: registers the commands now, in one guild when DISCORD_GUILD_ID is set, else globally. */
async function deploy(): Promise<void> {
  loadDotEnv();
  const config = loadConfig(process.env);
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(config.DISCORD_TOKEN);
  const applicationId =
    config.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as RESTGetAPIOAuth2CurrentApplicationResult).id;
  await registerCommands(rest, commands.map((c) => c.data), { applicationId, guildId: config.DISCORD_GUILD_ID });
  const scope = config.DISCORD_GUILD_ID ? `in guild ${config.DISCORD_GUILD_ID}` : 'globally (may take up to an hour to appear)';
  process.stdout.write(`Registered ${commands.length} commands ${scope}.\n`);
}

deploy().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Deploy failed: ${scrubSecrets((error as Error).message)}`}\n`);
  process.exit(1);
});
