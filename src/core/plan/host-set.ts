/**
 * Host names written short, the way pdsh and ClusterShell write node sets: names that differ only in a number at
 * their end are folded into one range expression, `paas-[1-3,7]`, so that 200 hosts fit on a line and still say
 * exactly which hosts they are. Zero-padded numbers keep their width (`node[008-011]`) and never share a range with
 * unpadded ones, so expanding the ranges gives back exactly the names given. Names without such a number stay as
 * they are. Groups come in the order of their first name; numbers within a group in ascending order; a name given
 * twice counts once.
 */
export function foldHosts(names: readonly string[]): string {
  return foldedGroups(names)
    .map((g) => g.text)
    .join(', ');
}

/**
 * Host names for a one-line summary of at most `max` characters: folded (`foldHosts`) when that fits, else the
 * first folded groups that fit and how many hosts are not named (`paas-[1-40], redis-a +160 more`).
 */
export function hostsWithin(names: readonly string[], max: number): string {
  const groups = foldedGroups(names);
  if (groups.length === 0) return 'no hosts';
  const total = groups.reduce((n, g) => n + g.count, 0);
  let text = '';
  let named = 0;
  for (const g of groups) {
    const next = text === '' ? g.text : `${text}, ${g.text}`;
    const rest = total - named - g.count;
    if ([...next].length + (rest > 0 ? ` +${rest} more`.length : 0) > max) break;
    text = next;
    named += g.count;
  }
  if (named === total) return text;
  return text === '' ? `${total} hosts` : `${text} +${total - named} more`;
}

function foldedGroups(names: readonly string[]): { text: string; count: number }[] {
  const groups = new Map<string, { prefix: string; width: number; numbers: Set<number> } | string>();
  for (const name of names) {
    const m = /^(.*?)(\d{1,9})$/.exec(name);
    if (m === null || m[1] === '' || /[[\],]/.test(name)) {
      groups.set(`=${name}`, name);
      continue;
    }
    const [, prefix = '', digits = ''] = m;
    // "007" is padded to 3; "7" and "700" are not padded, so they can share a range.
    const width = digits.length > 1 && digits.startsWith('0') ? digits.length : 0;
    const key = `#${width}#${prefix}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { prefix, width, numbers: new Set([Number(digits)]) });
    else if (typeof g !== 'string') g.numbers.add(Number(digits));
  }
  return [...groups.values()].map((g) => {
    if (typeof g === 'string') return { text: g, count: 1 };
    const shown = (n: number): string => String(n).padStart(g.width, '0');
    const sorted = [...g.numbers].sort((a, b) => a - b);
    const text =
      sorted.length === 1
        ? `${g.prefix}${shown(sorted[0] ?? 0)}`
        : `${g.prefix}[${ranges(sorted)
            .map(([from, to]) => (from === to ? shown(from) : `${shown(from)}-${shown(to)}`))
            .join(',')}]`;
    return { text, count: sorted.length };
  });
}

/** Ascending numbers as runs of consecutive ones: [1,2,3,7] → [[1,3],[7,7]]. */
function ranges(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out.at(-1);
    if (last !== undefined && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
