import { hostFieldMatches, parseKnownHosts } from './known-hosts.ts';

/** One known_hosts line pinning `key` (a public key blob) for a host known by `names`, as OpenSSH writes it. */
export function knownHostsLine(names: readonly string[], keyType: string, key: Buffer): string {
  return `${names.join(',')} ${keyType} ${key.toString('base64')}`;
}

/** A line that pins a host by a pattern shared with other hosts: only a person may edit it. */
export interface SharedPinLine {
  readonly origin: string;
  readonly hosts: string;
}

/**
 * known_hosts `text` without the lines that pin a host known by `names` (its old keys, before a replacement).
 * Comments, markers and every other host's lines stay as written. A line that names the host through a wildcard,
 * a negation or a hash alongside others cannot be removed for this host alone: such lines are returned instead of
 * being touched, and the caller refuses.
 */
export function removeHostLines(
  text: string,
  names: readonly string[],
  source: string,
): { readonly text: string; readonly shared: SharedPinLine[] } {
  const lines = text.split('\n');
  const shared: SharedPinLine[] = [];
  const drop = new Set<number>();
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('@')) return;
    const [entry] = parseKnownHosts(trimmed, `${source}:${i + 1}`);
    if (entry === undefined || !names.some((n) => hostFieldMatches(entry.hosts, n))) return;
    const patterns = entry.hosts.startsWith('|1|') ? [entry.hosts] : entry.hosts.split(',');
    const onlyThisHost = patterns.every((p) => !/[*?!]/.test(p) && names.some((n) => hostFieldMatches(p, n)));
    if (onlyThisHost) drop.add(i);
    else shared.push({ origin: `${source}:${i + 1}`, hosts: entry.hosts });
  });
  return { text: lines.filter((_, i) => !drop.has(i)).join('\n'), shared };
}
