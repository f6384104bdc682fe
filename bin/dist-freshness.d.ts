/** Types of dist-freshness.js (plain JavaScript: the `opsgate` command runs it before any build exists). */
export declare const DIST_ENTRY: string;
/** Whether `<root>/dist` may run for the sources in `<root>/src` (see dist-freshness.js). */
export declare function distFreshness(
  root: string,
): { state: 'fresh' } | { state: 'missing' } | { state: 'stale'; changed: string };
