/**
 * Colours: the Okabe–Ito palette, told apart with any of the common colour-vision
 * deficiencies, on an opaque light card so the picture reads the same on
 * Discord's dark and light themes (a transparent PNG would put dark text on a
 * dark background). Every bar colour keeps at least 3:1 against the card; the
 * server-average and ideal marks also differ from the bars in shape, not only hue.
 */
export const PALETTE = {
  card: '#f6f7f9',
  cardBorder: '#c4c9d0',
  text: '#1b1f24',
  mutedText: '#4a525c',
  grid: '#dde1e6',
  /** Okabe–Ito blue: the learner's bars, the server's skills. */
  blue: '#0072b2',
  /** Okabe–Ito vermillion: the server-average and ideal marks, the most-missed bars. */
  vermillion: '#d55e00',
  /** Okabe–Ito bluish green: answers per week. */
  green: '#009e73',
} as const;
