import { assertNever } from '../../../core/result.ts';
import type { ObRow } from '../checker/ob-check.ts';
import { cell, isOneByOne, num, text } from '../checker/ob-rows.ts';

/** What a poll's rows must show to be done. */
export type PollExpectation =
  /** One count that must be 0. */
  | { readonly kind: 'zero' }
  /** One value that must equal this (numbers compared as numbers). */
  | { readonly kind: 'equals'; readonly value: number | string }
  /** Exactly one row; when `value` is given, its first column must equal it. */
  | { readonly kind: 'single-row'; readonly value?: string };

/**
 * How long a wait may take: a fixed time, or the health checker's `set_default_timeout_by_tenant`:
 * `max(tenants x perTenantSec, minSec)`, where an explicit `-t` replaces both.
 */
export type PollTimeout =
  | { readonly kind: 'fixed'; readonly seconds: number }
  | { readonly kind: 'per-tenant'; readonly perTenantSec: number; readonly minSec: number }
  | { readonly kind: 'one-shot' };

/** A wait or health check as data: the SQL to poll, what it must show, how often and for how long. */
export interface ObPoll {
  readonly id: string;
  readonly title: string;
  readonly sql: string;
  readonly expect: PollExpectation;
  readonly timeout: PollTimeout;
  readonly intervalSec: number;
  /** Where the SQL and the timeout come from (script, obshell, obd). */
  readonly source: string;
  /** The message to report when the wait times out, where the source script has one. */
  readonly timeoutMessage?: string;
}

/** One evaluation of a poll's rows: done or not, and what was seen (for the progress line in the thread). */
export interface PollObservation {
  readonly done: boolean;
  readonly observed: string;
}

/** Evaluates one poll result; pure. */
export function evaluatePoll(poll: ObPoll, rows: readonly ObRow[]): PollObservation {
  const e = poll.expect;
  switch (e.kind) {
    case 'zero': {
      if (!isOneByOne(rows)) return { done: false, observed: `unexpected result: ${rows.length} rows` };
      const n = num(cell(rows[0]));
      // Said as the count it is: the value shown while waiting, and at the end (`0`, not "0 not yet").
      return { done: n === 0, observed: n === 0 ? text(cell(rows[0])) : `${text(cell(rows[0]))} not yet` };
    }
    case 'equals': {
      if (!isOneByOne(rows)) return { done: false, observed: `unexpected result: ${rows.length} rows` };
      const v = cell(rows[0]);
      const done = typeof e.value === 'number' ? num(v) === e.value : text(v) === e.value;
      return { done, observed: `${text(v)} (want ${e.value})` };
    }
    case 'single-row': {
      const values = rows.map((r) => text(cell(r)));
      const done = rows.length === 1 && (e.value === undefined || values[0] === e.value);
      return { done, observed: values.length === 0 ? 'no rows' : values.join(', ') };
    }
    default:
      return assertNever(e, 'poll expectation');
  }
}

/** The time a poll may take for a cluster with `tenantCount` tenants (sys and meta tenants included). */
export function pollTimeoutMs(timeout: PollTimeout, tenantCount: number, explicitSeconds = 0): number {
  switch (timeout.kind) {
    case 'one-shot':
      return 0;
    case 'fixed':
      return timeout.seconds * 1000;
    case 'per-tenant':
      if (explicitSeconds > 0) return explicitSeconds * 1000;
      return Math.max(tenantCount * timeout.perTenantSec, timeout.minSec) * 1000;
    default:
      return assertNever(timeout, 'poll timeout');
  }
}

/**
 * A poll in the health checker's manner: polled every 10 s, for `max(tenants x perTenantSec, 600 s)` unless `-t`
 * says otherwise.
 */
export function tenantScaledPoll(
  p: Omit<ObPoll, 'timeout' | 'intervalSec'> & { readonly perTenantSec: number },
): ObPoll {
  const { perTenantSec, ...rest } = p;
  return { ...rest, timeout: { kind: 'per-tenant', perTenantSec, minSec: 600 }, intervalSec: 10 };
}

/** The health checker's tenant count query (it counts sys and meta tenants too, about 2 x user + 1). */
export const TENANT_COUNT_SQL = 'select distinct tenant_id from oceanbase.__all_tenant order by tenant_id desc';
