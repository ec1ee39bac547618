import { fileURLToPath } from 'node:url';

/**
 * The pack bundled with the bot, always src/content/pack. This module runs from
 * src/content/ (tsx, tests) and from dist/content/ (the compiled bot), both two
 * levels below the project root, so the path climbs to the root and back down
 * into src/ instead of looking next to the module. The pack is data read at run
 * time: served from one place, it is never copied, never out of date in dist/,
 * and an edit takes effect without a build.
 */
export const DEFAULT_CONTENT_DIR = fileURLToPath(new URL('../../src/content/pack', import.meta.url));
