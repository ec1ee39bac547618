import type { Claim, ParagraphAttribution, Source } from '../content/schema.js';

// The pack is a plain-text copy: say what the copy shows, not what the original did.
const checkable = (source: Source) => `${source.named ? 'named' : 'unnamed'}, ${source.linked ? 'linked' : 'no link in this copy'}`;

export function describeSource(source: Source): string {
  return `${source.name} (${source.kind}, ${checkable(source)})`;
}

/** "attributed to X, via A → B" or "author's own assertion, no source given". */
export function describeClaim(claim: Claim): string {
  if (claim.attribution === 'assertion' || claim.chain.length === 0) return "author's own assertion, no source given";
  const speaker = claim.chain[claim.chain.length - 1]!;
  const via = claim.chain.slice(0, -1);
  const hops = via.length ? `, via ${via.map((s) => s.name).join(' → ')}` : '';
  return `attributed to ${speaker.name} (${checkable(speaker)})${hops}`;
}

/** The sourcing note shown under an excerpt, one line per claim. */
export function sourcingNote(attribution: ParagraphAttribution | undefined): string {
  if (!attribution || attribution.claims.length === 0) return 'No claims are mapped for this paragraph.';
  return attribution.claims.map((c) => `• *${c.summary}* — ${describeClaim(c)}`).join('\n');
}

export function loadedTermsNote(attribution: ParagraphAttribution | undefined): string | undefined {
  if (!attribution || attribution.loadedTerms.length === 0) return undefined;
  return attribution.loadedTerms.map((t) => `• “${t.term}” — a neutral wording: ${t.neutral}`).join('\n');
}
