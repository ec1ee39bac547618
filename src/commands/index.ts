import { article } from './article.js';
import { excerpt } from './excerpt.js';
import { help } from './help.js';
import { prompt } from './prompt.js';
import { quiz } from './quiz.js';
import { quizAdmin } from './quiz-admin.js';
import { sources } from './sources.js';
import type { Command } from './lib/types.js';

/** Every slash command the bot serves. Deploy and routing both read this list. */
export const commands: readonly Command[] = [help, article, excerpt, sources, quiz, quizAdmin, prompt];
export { components } from '../components/index.js';
