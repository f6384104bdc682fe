import type { Site } from '../../src/core/sites/site.ts';

/**
 * A site for chat-side tests, which care only about its name, channel, OceanBase clusters and who may start runs
 * or decide gates: everything else is empty.
 */
export function chatSite(
  name: string,
  channel: string,
  over: {
    readonly obClusters?: readonly string[];
    readonly approverGroups?: readonly string[];
    readonly starterGroups?: readonly string[];
  } = {},
): Site {
  return {
    name,
    channel,
    hosts: [],
    groups: {},
    obClusters: over.obClusters ?? [],
    policy: {
      approvers: [],
      approverGroups: over.approverGroups ?? [],
      approvalsNeeded: 1,
      requesterMayApprove: false,
      expiresAfterMs: 3_600_000,
    },
    starters: { users: [], groups: over.starterGroups ?? [] },
    manualScripted: false,
  };
}
