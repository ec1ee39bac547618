import { Options } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { toSnakeCase } from '../src/client.js';
import { renderExcerpt } from '../src/render/excerpt.js';
import { renderRoundQuestion } from '../src/render/quiz.js';
import { loadContent } from '../src/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';

describe('outgoing JSON transform', () => {
  it('gives the same body as discord.js’s own transform for the bot’s messages', async () => {
    const content = await loadContent(DEFAULT_CONTENT_DIR);
    const defaultTransform = Options.createDefault().jsonTransformer as (v: unknown) => unknown;
    const samples: unknown[] = [
      renderExcerpt(content, content.paragraph(2)!, (n) => `excerpt:p:${n}`),
      renderRoundQuestion(content.questions()[0]!, content.questions()[0]!.options, { index: 0, total: 5 }, Date.UTC(2026, 0, 1), (o) => `quiz:a:r1:0:${o}`),
      { allowedMentions: { parse: [] }, messageReference: { messageId: '1', failIfNotExists: false }, flags: 64 },
    ];
    for (const sample of samples) expect(toSnakeCase(sample)).toEqual(defaultTransform(sample));
  });
});
