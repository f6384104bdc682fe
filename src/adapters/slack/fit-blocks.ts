import { createHash } from 'node:crypto';
import { LIMITS, truncate } from './block-limits.ts';
import { context, section, type Block, type SectionBlock } from './blocks.ts';

/**
 * A `block_id` from parts (ids, states): kept readable when short and clean, otherwise made safe and given a
 * hash of the original so that distinct inputs keep distinct ids within 255 characters.
 */
export function blockId(...parts: string[]): string {
  const id = parts.join(':');
  const safe = id.slice(0, 200).replace(/[^A-Za-z0-9_.:-]/g, '_');
  if (safe === id) return id;
  return `${safe}#${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

/** Characters of text a block carries (what Slack's cumulative cap counts). */
export function blockTextLength(b: Block): number {
  switch (b.type) {
    case 'section':
    case 'header':
      return b.text.text.length;
    case 'context':
      return b.elements.reduce((n, e) => n + e.text.length, 0);
    case 'actions':
      return b.elements.reduce(
        (n, e) => n + e.text.text.length + (e.confirm ? e.confirm.text.text.length + e.confirm.title.text.length : 0),
        0,
      );
    case 'divider':
      return 0;
    case 'table':
      return b.rows.reduce((n, row) => n + row.reduce((m, c) => m + c.text.length, 0), 0);
  }
}

const totalText = (blocks: readonly Block[]): number => blocks.reduce((n, b) => n + blockTextLength(b), 0);

/**
 * Keeps `head` and `tail` whole and as many `body` blocks as fit in 50 blocks and the text budget; when some
 * are left out, a context line made by `more(n)` says how many.
 */
export function fitBlocks(parts: {
  readonly head: readonly Block[];
  readonly body: readonly Block[];
  readonly tail?: readonly Block[];
  readonly more: (omitted: number) => string;
}): { readonly blocks: Block[]; readonly truncated: boolean } {
  const tail = parts.tail ?? [];
  const maxBlocks = LIMITS.blocksPerMessage - parts.head.length - tail.length - 1;
  let budget = LIMITS.totalBlockText - totalText(parts.head) - totalText(tail) - 200;
  const kept: Block[] = [];
  for (const b of parts.body) {
    const n = blockTextLength(b);
    if (kept.length >= maxBlocks || n > budget) break;
    kept.push(b);
    budget -= n;
  }
  const omitted = parts.body.length - kept.length;
  const more = omitted > 0 ? [context(truncate(parts.more(omitted), 200))] : [];
  return { blocks: [...parts.head, ...kept, ...more, ...tail], truncated: omitted > 0 };
}

/**
 * Packs lines (each cut to the section limit) into as few sections as possible. `lineCounts[i]` is how many
 * lines section `i` holds, so that a caller can say how many lines `fitBlocks` left out.
 */
export function packLines(
  lines: readonly string[],
  max: number = LIMITS.sectionText,
): { sections: SectionBlock[]; lineCounts: number[] } {
  const sections: SectionBlock[] = [];
  const lineCounts: number[] = [];
  let cur = '';
  let count = 0;
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (cur !== '' && cur.length + 1 + line.length > max) {
      sections.push(section(cur));
      lineCounts.push(count);
      cur = '';
      count = 0;
    }
    cur = cur === '' ? line : `${cur}\n${line}`;
    count++;
  }
  if (cur !== '') {
    sections.push(section(cur));
    lineCounts.push(count);
  }
  return { sections, lineCounts };
}

/** How many lines the last `omittedSections` sections of a `packLines` result hold. */
export function omittedLines(lineCounts: readonly number[], omittedSections: number): number {
  return lineCounts.slice(lineCounts.length - omittedSections).reduce((a, b) => a + b, 0);
}
