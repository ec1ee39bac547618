/**
 * The baseline: a bare discord.js client with default options (default caches)
 * that answers every interaction with a constant reply. Same gateway and REST
 * (the local Discord), same payloads, its own process. Plain JavaScript, so that
 * it starts like the compiled bot does: node alone, no TypeScript loader.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';

const token = process.env.DISCORD_TOKEN;
const api = process.env.DISCORD_API_URL;
if (!token || !api) {
  process.stderr.write('baseline-bot needs DISCORD_TOKEN and DISCORD_API_URL\n');
  process.exit(1);
}

// BASELINE_REPLY (diagnostic only): reply with this JSON message body instead of 'ok', e.g. the bot's
// excerpt embed, to tell the cost of the reply's size from the cost of the bot's own work.
/** @type {import('discord.js').InteractionReplyOptions} */
const reply = process.env.BASELINE_REPLY ? JSON.parse(process.env.BASELINE_REPLY) : { content: 'ok' };

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api } });
client.on(Events.InteractionCreate, (interaction) => {
  if (interaction.isAutocomplete()) void interaction.respond([]).catch(() => {});
  else if (interaction.isRepliable()) void interaction.reply(reply).catch((error) => process.stderr.write(`reply failed: ${String(error)}\n`));
});
client.on(Events.Error, (error) => process.stderr.write(`client error: ${String(error)}\n`));

const stop = () => {
  void client.destroy().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
await client.login(token);
