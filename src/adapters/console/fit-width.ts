/**
 * Lines wrapped to a terminal's width, so that nothing runs off the right edge and a gate's commands stay on
 * screen whole: a long line continues on the next ones, indented like it and two columns more, broken after a
 * space where there is one near the edge. Widths count code points (a CJK character that takes two columns may
 * overrun by its second column) and tabs as spaces. Without a width, unchanged.
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
  const chars = [...expandTabs(line)];
  return chars.length <= w ? chars.join('') : `${chars.slice(0, w - 1).join('')}…`;
}

const MIN_WIDTH = 20;

/** Tabs as the spaces a terminal would show (stops every 8 columns): a tab's width is not one column. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const c of line) out += c === '\t' ? ' '.repeat(8 - ([...out].length % 8)) : c;
  return out;
}

function wrap(line: string, w: number): string[] {
  const chars = [...line];
  if (chars.length <= w) return [line];
  const indent = Math.min(/^ */.exec(line)?.[0].length ?? 0, Math.floor(w / 2)) + 2;
  const out: string[] = [];
  let at = 0;
  let room = w;
  while (chars.length - at > room) {
    const end = breakAt(chars, at, room);
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
