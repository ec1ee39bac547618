import { EmbedBuilder, MessageFlags } from 'discord.js';
import { articleHere } from './lib/article.js';
import { guildCommand } from './lib/definition.js';
import type { Command } from './lib/types.js';

const SECTIONS: Array<[string, string]> = [
  [
    'Read the article together',
    [
      '`/excerpt [paragraph] [search]` posts one paragraph with its sourcing notes; ◀ ▶ buttons show its neighbours to you alone.',
      '`/sources [paragraph]` draws who said what, through whom, as a tree.',
    ].join('\n'),
  ],
  [
    'Practise',
    [
      '`/quiz start` runs a timed round in this channel: click a letter to lock in your answer. Each question stays open for its full time (so late readers can still answer), then the answer is revealed with the explanation and the sentence it rests on.',
      '`/quiz practice [category]` gives you private questions, missed ones first when they are due again; say how sure you were, then see the feedback.',
      '`/quiz review` shows the questions you missed, newest first, with why your pick is not it; **Try again** takes one off the list when you get it right.',
      '`/quiz score [user]` and `/quiz leaderboard` show the tallies. `/quiz stop` ends a round (its starter or anyone who can manage messages).',
      '`/quiz forget-me` removes your tally, practice history, learning record (review list, practice progress) and round picks in this server, after a confirmation.',
    ].join('\n'),
  ],
  [
    'Scoring',
    'Every answer in a round or in practice counts once: answered, correct, a streak of correct answers in a row, and a breakdown by skill. Your first click on a question is final. The leaderboard ranks by correct answers, then accuracy, then who got there first.',
  ],
  [
    'For moderators (Manage Server)',
    [
      '`/prompt post|schedule|list|cancel|pause|resume|timezone` posts discussion prompts, now or on a schedule, each opening a thread.',
      '`/quiz-admin export` downloads the tallies as CSV; `/quiz-admin reset` clears them, with everyone’s review lists and practice progress, after a confirmation; `/quiz-admin forget <user>` removes one person’s records (someone who has left too); `/quiz-admin settings confidence:on` makes rounds ask how sure people are.',
    ].join('\n'),
  ],
];

export const help: Command = {
  data: guildCommand('help', 'What this bot does and how to use it').toJSON(),
  async execute(interaction, ctx) {
    const embed = new EmbedBuilder()
      .setTitle('Reading the sources: a bot for practising media literacy')
      .setDescription(
        `This channel reads **${(await articleHere(interaction, ctx)).title}** (\`/article list\` shows every article the bot serves). The bot helps you look at how it backs up what it says: who is quoted, through which outlets, what was changed in quotations and what is left out. It does not tell you what to think about the topic.`,
      )
      .addFields(SECTIONS.map(([name, value]) => ({ name, value })));
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  },
};
