/**
 * Strict patterns for every value a command can carry. Anything that does not match is refused before it
 * reaches a handler, so no command value can smuggle shell or mrkdwn syntax.
 */

/** Site and OceanBase cluster ids. */
export const SITE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** OceanBase cluster ids follow the site id rule. */
export const CLUSTER_ID_PATTERN = SITE_ID_PATTERN;

/** The engine's run ids (`run_` + 16 hex digits from `randomIds`); the grammar accepts another through its options. */
export const DEFAULT_RUN_ID_PATTERN = /^run_[0-9a-f]{16}$/;

/** Step ids, as the step schema allows them (`r01`, `ob-precheck`). */
export const STEP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Versions such as `4.3.5.5` or `4.2.1_BP10`. */
export const VERSION_PATTERN = /^[0-9]{1,4}(\.[0-9]{1,4}){1,4}(_(BP|HF)[0-9]{1,4})?$/;

/** Slack user ids (`U…`, or `W…` on Enterprise Grid). */
export const USER_ID_PATTERN = /^[UW][A-Z0-9]{1,31}$/;

/** Anchors a caller-supplied pattern so that it must match the whole value. */
export function wholeMatch(pattern: RegExp, value: string): boolean {
  const m = pattern.exec(value);
  return m !== null && m.index === 0 && m[0].length === value.length;
}
