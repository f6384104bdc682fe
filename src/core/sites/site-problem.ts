/** A path into the site document: keys and sequence indexes, as zod reports them. */
export type DocPath = readonly (string | number)[];

/** A problem found at a path of the document, before its line is known. */
export interface PathIssue {
  readonly path: DocPath;
  readonly message: string;
}

/** One problem of a site file, located for a human. Messages never contain a secret value. */
export interface SiteProblem {
  /** The file as the caller named it. */
  readonly file: string;
  /** 1-based line of the offending node; undefined when the file could not be read at all. */
  readonly line: number | undefined;
  /** Dotted path such as `hosts[2].address`; empty for the document as a whole. */
  readonly path: string;
  readonly message: string;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** A key longer than this (a mistake, or a value pasted as a key) is shown by its start and its length. */
const KEY_SHOWN = 64;

/**
 * Renders `['hosts', 2, 'address']` as `hosts[2].address`; odd keys are quoted: `records["a.b"]`, and a key past
 * 64 characters is cut: `settings["aaaa…" (200000 characters)]`.
 */
export function formatDocPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (seg.length > KEY_SHOWN) out += `[${JSON.stringify(`${seg.slice(0, 32)}…`)} (${seg.length} characters)]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `FILE:LINE PATH: message`, the format `opsgate sites validate` prints (and editors can jump to). */
export function formatSiteProblem(p: SiteProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.path === '' ? `${where}: ${p.message}` : `${where} ${p.path}: ${p.message}`;
}
