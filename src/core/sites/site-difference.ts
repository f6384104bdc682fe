import { formatDocPath, type DocPath } from './site-problem.ts';

/**
 * One way the live site differs from its site file: where in the file (`path`), what the file says, what the site
 * has, and how the site said so (the tool and the value it printed). Plain data, so that `opsgate sites check`, a
 * precheck item or the engine's first step can each render or judge it.
 */
export interface SiteDifference {
  readonly path: DocPath;
  readonly says: string;
  readonly has: string;
  readonly evidence: string;
}

/** A difference placed in its file: the line `lineOf` gives its path (the nearest node that exists). */
export interface LocatedDifference extends SiteDifference {
  readonly file: string;
  readonly line: number;
}

/** Adds the file and line to each difference, so that a person can jump to what to correct. */
export function locateDifferences(
  differences: readonly SiteDifference[],
  file: string,
  lineOf: (path: DocPath) => number,
): LocatedDifference[] {
  return differences.map((d) => ({ ...d, file, line: lineOf(d.path) }));
}

/** `FILE:LINE path: the site file says X; the site has Y (evidence)`: one line per difference. */
export function formatSiteDifference(d: LocatedDifference): string {
  return `${d.file}:${d.line} ${describeSiteDifference(d)}`;
}

/** `path: the site file says X; the site has Y (evidence)`: a difference where its file's lines are not known. */
export function describeSiteDifference(d: SiteDifference): string {
  return `${formatDocPath(d.path)}: the site file says ${d.says}; the site has ${d.has} (${d.evidence})`;
}
