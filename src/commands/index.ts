import { excerpt, excerptPaging } from './excerpt.js';
import { help } from './help.js';
import { prompt } from './prompt.js';
import { practiceButtons, quiz, quizButtons } from './quiz.js';
import { quizAdmin, quizAdminButtons } from './quiz-admin.js';
import { sources } from './sources.js';
import type { Command, ComponentHandler } from './lib/types.js';

/** Every slash command the bot serves. Deploy and routing both read this list. */
export const commands: readonly Command[] = [help, excerpt, sources, quiz, quizAdmin, prompt];

/** Every button and menu family, by custom id prefix. */
export const components: readonly ComponentHandler[] = [excerptPaging, quizButtons, practiceButtons, quizAdminButtons];
