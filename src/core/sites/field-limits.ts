import { z } from 'zod';

/**
 * How long a value of a site file may be, each limit named after what imposes it on the target (docs/site-file.md
 * lists them). A longer value is refused when the file is loaded, with one message that gives its length and never
 * the value, before any other check of the field looks at it (a 200,000-character path costs one length count).
 */
export const LIMITS = {
  /** Linux PATH_MAX is 4096 bytes with the terminating NUL: a path has at most 4095. */
  pathBytes: 4095,
  /** NAME_MAX: one component of a path (a file or directory name). */
  componentBytes: 255,
  /** RFC 1123 (after RFC 1035): a host name has at most 253 characters, each label at most 63. */
  hostName: 253,
  /** A Linux interface name (IFNAMSIZ 16 with the NUL), the zone of a link-local IPv6 address. */
  ipv6Zone: 15,
  /** shadow-utils' `useradd` (and `groupadd`) refuse longer names. */
  loginName: 32,
  /** systemd's unit names have at most 255 characters, so the name itself leaves room for `.service`. */
  serviceName: 247,
  /** An ADM instance name, UTF-8: it stays a file name (NAME_MAX) with a suffix such as `.json`. */
  admInstanceBytes: 200,
  /** Slack's IDs are 9 to 11 characters today and have grown before; 32 leaves room. */
  slackId: 32,
  /** A display name or a version string, shown in chat lines. */
  label: 200,
  /** An environment variable name of a `{ env: VAR }` reference. */
  envName: 255,
  /** OceanBase: a user name and a tenant name have at most 64 bytes each (`user@tenant`). */
  obUserBytes: 129,
  /** OceanBase: a database name has at most 128 bytes. */
  obDatabaseBytes: 128,
  /** FastDFS's FDFS_GROUP_NAME_MAX_LEN. */
  fastdfsGroup: 16,
  /** A regular expression of the site file (ADM's naming rule). */
  pattern: 1000,
  /** A duration such as `1h30m`. */
  duration: 32,
  /** A URL (what browsers and proxies reliably take). */
  url: 2048,
  /** A free text shown to a person in a manual step. */
  note: 2000,
  /** A configuration value a person sets by hand. */
  settingValue: 4096,
} as const;

/** The length of `text` in UTF-8 bytes (what PATH_MAX and NAME_MAX count); a lone surrogate counts 3, as U+FFFD. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * A string of at most `max` characters (`unit: 'characters'`, UTF-16 code units as JavaScript counts them, the
 * same as characters for the ASCII fields this is used for) or UTF-8 bytes. `what` ends the message: "a host name
 * has at most 253 (RFC 1123)". Later checks of the field run only when the length is right.
 */
export function limitedString(max: number, unit: 'characters' | 'bytes', what: string) {
  const measure = unit === 'bytes' ? utf8Length : (s: string) => s.length;
  return z.string().check((ctx) => {
    // Past `max` UTF-16 units is past `max` bytes too; within a third of it, no character can take it past.
    if (ctx.value.length <= max && (unit === 'characters' || ctx.value.length * 3 <= max)) return;
    const n = measure(ctx.value);
    if (n <= max) return;
    ctx.issues.push({ code: 'custom', input: ctx.value, continue: false, message: `too long: ${n} ${unit}, ${what}` });
  });
}

/** Every `/`-separated component of a path is at most NAME_MAX bytes; the message names the first one that is not. */
export function componentsFit(path: string): string | undefined {
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const n = utf8Length(parts[i] ?? '');
    if (n > LIMITS.componentBytes)
      return `too long: path component ${i + (path.startsWith('/') ? 0 : 1)} has ${n} bytes, a file or directory name has at most ${LIMITS.componentBytes} (NAME_MAX)`;
  }
  return undefined;
}
