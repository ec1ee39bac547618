import { adminButtons } from './admin-reset.js';
import { confidenceButtons } from './confidence.js';
import { excerptPaging } from './excerpt-page.js';
import { forgetButtons } from './forget.js';
import { practiceButtons } from './practice.js';
import { roundButtons } from './quiz-round.js';
import { reviewButtons } from './review.js';
import type { ComponentHandler } from './lib/types.js';

/** Every button and menu family, by custom id prefix; each file holds its family's codec and handler. */
export const components: readonly ComponentHandler[] = [excerptPaging, roundButtons, practiceButtons, adminButtons, forgetButtons, confidenceButtons, reviewButtons];
