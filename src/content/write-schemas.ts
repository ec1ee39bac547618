import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { DEFAULT_CONTENT_DIR } from './paths.js';
import { articleSchema, attributionSchema, promptsSchema, questionsSchema } from './schema.js';

const schemas = {
  article: articleSchema,
  attribution: attributionSchema,
  questions: questionsSchema,
  prompts: promptsSchema,
};

/** The JSON Schema files the pack's `$schema` fields point at, as file name → text. */
export function schemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [
      `${name}.schema.json`,
      `${JSON.stringify(z.toJSONSchema(schema), null, 2)}\n`,
    ]),
  );
}

export const SCHEMA_DIR = join(DEFAULT_CONTENT_DIR, 'schemas');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [file, text] of Object.entries(schemaFiles())) {
    await writeFile(join(SCHEMA_DIR, file), text);
    console.log(`wrote ${join(SCHEMA_DIR, file)}`);
  }
}
