/**
 * Paths on the machine opsgate runs on (POSIX), as plain string functions so that runbooks and the engine stay
 * free of `node:path`. Only what site files need: a relative path resolves against the site file's directory.
 */

/** Whether `p` starts at the root. */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/');
}

/**
 * `p` against `base` (itself absolute), with `.` and `..` worked out: `resolvePath('/etc/sites', '../pkg')` is
 * `/etc/pkg`.
 */
export function resolvePath(base: string, p: string): string {
  return normalizePath(isAbsolutePath(p) ? p : `${base}/${p}`);
}

/** The parts joined by `/`, normalised: `joinPath('/srv/pkg', 'a.rpm')` is `/srv/pkg/a.rpm`. */
export function joinPath(...parts: readonly string[]): string {
  return normalizePath(parts.filter((p) => p !== '').join('/'));
}

/** The last part of a path: `baseName('/srv/pkg/a.rpm')` is `a.rpm`. */
export function baseName(p: string): string {
  const parts = p.split('/').filter((s) => s !== '');
  return parts.at(-1) ?? '';
}

function normalizePath(p: string): string {
  const absolute = isAbsolutePath(p);
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out.at(-1) !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined === '' ? '.' : joined;
}
