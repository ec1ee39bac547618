import type { ParagraphAttribution, Source } from '../content/schema.js';
import { describeSource } from './sourcing.js';

interface Node {
  source: Source;
  paragraphs: Set<number>;
  children: Map<string, Node>;
}

/**
 * Draws who said what through whom: the article at the root, then each outlet
 * in the order the text relays it, down to the original speaker.
 */
export function sourceTree(root: string, attributions: readonly ParagraphAttribution[]): string {
  const top = new Map<string, Node>();
  const ownAssertions = new Set<number>();
  for (const { paragraph, claims } of attributions) {
    for (const claim of claims) {
      if (claim.attribution === 'assertion' || claim.chain.length === 0) {
        ownAssertions.add(paragraph);
        continue;
      }
      let level = top;
      for (const source of claim.chain) {
        const key = `${source.kind}:${source.name}`;
        let node = level.get(key);
        if (!node) level.set(key, (node = { source, paragraphs: new Set(), children: new Map() }));
        node.paragraphs.add(paragraph);
        level = node.children;
      }
    }
  }

  const lines = [root];
  const draw = (nodes: Map<string, Node>, indent: string) => {
    const list = [...nodes.values()];
    list.forEach((node, i) => {
      const last = i === list.length - 1;
      const where = [...node.paragraphs].sort((a, b) => a - b).map((n) => `¶${n}`).join(' ');
      lines.push(`${indent}${last ? '└─ ' : '├─ '}${describeSource(node.source)}  ${where}`);
      draw(node.children, `${indent}${last ? '   ' : '│  '}`);
    });
  };
  draw(top, '');
  if (ownAssertions.size > 0) {
    const where = [...ownAssertions].sort((a, b) => a - b).map((n) => `¶${n}`).join(' ');
    lines.push('', `The author's own assertions, no source given: ${where}`);
  }
  return lines.join('\n');
}
