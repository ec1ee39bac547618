/** Where a bot token comes from, for every message about a missing or unusable one. */
export const WHERE_TO_GET_A_TOKEN = 'copy the bot token from the Discord developer portal (your application → Bot → Reset Token) into .env';

const SNOWFLAKE = /^\d{17,20}$/;
const PART = /^[A-Za-z0-9_-]+$/;

/**
 * Why a value cannot be a Discord bot token, or undefined when it can be.
 *
 * A bot token is three base64url parts joined by dots; the first encodes the
 * bot's id. Checking that shape before any network call turns the common
 * mistakes (the client secret, the public key, the application id, a "Bot "
 * prefix, a truncated paste) into a message instead of a 401 from Discord.
 * The message describes the value but never contains any of it.
 */
export function tokenProblem(token: string): string | undefined {
  if (/^bot\s/i.test(token)) return 'starts with "Bot ": set the token alone, without "Bot " in front';
  if (/\s/.test(token)) return 'contains spaces or line breaks: paste the token alone, on one line';
  if (SNOWFLAKE.test(token)) return `looks like an application or user id, not a token: ${WHERE_TO_GET_A_TOKEN}`;
  if (/^[0-9a-f]{64}$/i.test(token)) return `looks like the application's public key, not the bot token: ${WHERE_TO_GET_A_TOKEN}`;
  if (/^[A-Za-z0-9_-]{32}$/.test(token)) return `looks like the OAuth2 client secret, not the bot token: ${WHERE_TO_GET_A_TOKEN}`;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => PART.test(part))) {
    const shape = parts.length === 3 ? 'has characters a token never contains' : `has ${parts.length === 1 ? 'no dots' : `${parts.length} parts`}`;
    return `is not a Discord bot token (a token is three parts of letters, digits, "-" and "_" joined by dots; this value ${shape}): ${WHERE_TO_GET_A_TOKEN}`;
  }
  const id = Buffer.from(parts[0]!, 'base64url').toString('latin1');
  if (!SNOWFLAKE.test(id)) return `is not a Discord bot token (its first part should encode the bot's id, and does not; was it cut short or mistyped?): ${WHERE_TO_GET_A_TOKEN}`;
  return undefined;
}
