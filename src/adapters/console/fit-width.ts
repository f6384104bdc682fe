import { charColumns, takeColumns, textColumns } from './text-columns.ts';

/**
 * Lines wrapped to a terminal's width, so that nothing runs off the right edge and a gate's commands stay on
 * screen whole: a long line continues on the next ones, indented like it and two columns more, broken after a
 * space where there is one near the edge. Widths are terminal columns (`textColumns`: a CJK character takes two,
 * a combining mark none), tabs as the spaces they expand to. Without a width, unchanged.
 */
export function fitWidth(lines: readonly string[], width: number | undefined): string[] {
  if (width === undefined) return [...lines];
  const w = Math.max(MIN_WIDTH, Math.floor(width));
  return lines.flatMap((line) => wrap(expandTabs(line), w));
}

/** A line cut to the width with `…` at its end: for one-line summaries, which must stay one line. */
export function cutToWidth(line: string, width: number | undefined): string {
  if (width === undefined) return line;
  const w = Math.max(MIN_WIDTH, Math.floor(width));
  const expanded = expandTabs(line);
  return textColumns(expanded) <= w ? expanded : `${takeColumns(expanded, w - 1)}…`;
}

const MIN_WIDTH = 20;

/** Tabs as the spaces a terminal would show (stops every 8 columns): a tab's width is not one column. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  let column = 0;
  for (const c of line) {
    const add = c === '\t' ? ' '.repeat(8 - (column % 8)) : c;
    out += add;
    column += c === '\t' ? add.length : charColumns(c);
  }
  return out;
}

function wrap(line: string, w: number): string[] {
  const chars = [...line];
  // ends[i]: the columns of chars[0..i]; a piece from `at` to `end` takes ends[end] - ends[at] columns.
  const ends = [0];
  for (const c of chars) ends.push((ends.at(-1) ?? 0) + charColumns(c));
  const total = ends.at(-1) ?? 0;
  if (total <= w) return [line];
  const indent = Math.min(/^ */.exec(line)?.[0].length ?? 0, Math.floor(w / 2)) + 2;
  const out: string[] = [];
  let at = 0;
  let room = w;
  while (total - (ends[at] ?? 0) > room) {
    // The most characters from `at` that fit in `room` columns (at least one, however wide).
    let fit = at + 1;
    while (fit < chars.length && (ends[fit + 1] ?? 0) - (ends[at] ?? 0) <= room) fit++;
    const end = breakAt(chars, at, fit - at);
    out.push((out.length === 0 ? '' : ' '.repeat(indent)) + chars.slice(at, end).join(''));
    at = end;
    room = w - indent;
  }
  out.push((out.length === 0 ? '' : ' '.repeat(indent)) + chars.slice(at).join(''));
  return out;
}

/** Where a piece of at most `room` characters from `at` ends: after its last space in its last third, else full. */
function breakAt(chars: readonly string[], at: number, room: number): number {
  for (let i = at + room - 1; i > at + Math.floor((room * 2) / 3); i--)
    if (chars[i] === ' ' && chars[i + 1] !== ' ') return i + 1;
  return at + room;
}
