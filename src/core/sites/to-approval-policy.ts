import type { ApprovalPolicy } from '../ports/gates.ts';
import { parseDuration } from './parse-duration.ts';
import type { Policy } from './policy-schema.ts';

/** The gate policy of a validated site policy (its expiry is known to parse: the schema checked it). */
export function toApprovalPolicy(policy: Policy): ApprovalPolicy {
  const expiresAfterMs = parseDuration(policy.expiry);
  if (expiresAfterMs === undefined) throw new Error(`policy.expiry was not validated: ${policy.expiry}`);
  return {
    approvers: [...new Set(policy.approvers.users)],
    approverGroups: [...new Set(policy.approvers.groups)],
    approvalsNeeded: policy.approvalsNeeded,
    requesterMayApprove: policy.requesterMayApprove,
    expiresAfterMs,
  };
}

/** Whether a Slack user (with the user groups they belong to) may start runs at the site. */
export function mayStartRuns(starters: StartPolicy, user: string, userGroups: readonly string[]): boolean {
  return starters.users.includes(user) || userGroups.some((g) => starters.groups.includes(g));
}

/** Who may start runs at a site: Slack user ids and user groups (`policy.starters` of the site file). */
export interface StartPolicy {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}
