import { fileURLToPath } from 'node:url';

/** The pack bundled with the bot. */
export const DEFAULT_CONTENT_DIR = fileURLToPath(new URL('./pack', import.meta.url));
