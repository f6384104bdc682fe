import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OpenSSH known_hosts, parsed and checked by ourselves because ssh2 leaves host key verification to the
 * caller. Supports plain and hashed (`|1|salt|hash`) host fields, `[host]:port`, `*`/`?` wildcards, `!`
 * negation and the `@revoked` marker; `@cert-authority` lines are kept but never vouch for a key.
 */

/** One line of a known_hosts file. */
export interface KnownHostEntry {
  readonly marker?: 'revoked' | 'cert-authority';
  /** The host field as written: comma-separated patterns, or one hashed `|1|salt|hash`. */
  readonly hosts: string;
  readonly keyType: string;
  /** The public key blob (what the server sends during key exchange). */
  readonly key: Buffer;
  /** Where the entry came from, for messages: `file:line`. */
  readonly origin: string;
}

/** The outcome of checking a presented key. */
export type HostKeyVerdict =
  | { readonly status: 'trusted' }
  | { readonly status: 'mismatch'; readonly expected: readonly string[] }
  | { readonly status: 'revoked' }
  | { readonly status: 'unknown' };

/** A known_hosts line that cannot be read, with its place. */
export class KnownHostsSyntaxError extends Error {
  constructor(
    readonly origin: string,
    readonly problem: string,
  ) {
    super(`${origin}: ${problem}`);
  }
}

/** Parses known_hosts text; throws `KnownHostsSyntaxError` naming the line of the first bad entry. */
export function parseKnownHosts(text: string, source = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const origin = `${source}:${i + 1}`;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else throw new KnownHostsSyntaxError(origin, `unknown marker ${m}`);
    }
    const [hosts, keyType, b64] = fields;
    if (hosts === undefined || keyType === undefined || b64 === undefined) {
      throw new KnownHostsSyntaxError(origin, 'expected "hosts key-type base64-key"');
    }
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0 || key.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) {
      throw new KnownHostsSyntaxError(origin, 'the key is not valid base64');
    }
    if (keyTypeOf(key) !== keyType) {
      throw new KnownHostsSyntaxError(origin, `the key blob is not a ${keyType} key`);
    }
    entries.push({ ...(marker === undefined ? {} : { marker }), hosts, keyType, key, origin });
  });
  return entries;
}

/** The names known_hosts uses for a host: `addr` on port 22, `[addr]:port` otherwise. */
export function knownHostsNames(addresses: readonly string[], port: number): string[] {
  return addresses.map((a) => (port === 22 ? a : `[${a}]:${port}`));
}

/** Checks the key a host presented against the entries that name it (by any of `names`). */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  names: readonly string[],
  presented: Buffer,
): HostKeyVerdict {
  const mine = entries.filter((e) => names.some((n) => hostFieldMatches(e.hosts, n)));
  if (mine.some((e) => e.marker === 'revoked' && e.key.equals(presented))) return { status: 'revoked' };
  const plain = mine.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(presented))) return { status: 'trusted' };
  if (plain.length === 0) return { status: 'unknown' };
  return { status: 'mismatch', expected: plain.map((e) => fingerprint(e.key)) };
}

/** The key types known_hosts holds for a host, to offer only those in the key exchange. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  const types = entries
    .filter((e) => e.marker === undefined && names.some((n) => hostFieldMatches(e.hosts, n)))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** True when a known_hosts host field matches `name` (already in `[addr]:port` form when needed). */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (globMatches(p.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH-style fingerprint: `SHA256:` and the unpadded base64 of the key blob's digest. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of a public key blob (`ssh-ed25519`, `ssh-rsa` …). */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n === 0 || n > 64 || blob.length < 4 + n) return undefined;
  return blob.subarray(4, 4 + n).toString('latin1');
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt64, hash64] = field.split('|');
  if (salt64 === undefined || hash64 === undefined) return false;
  const expected = Buffer.from(hash64, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function globMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  return re.test(name);
}
