import type { Site } from '../../../../src/core/sites/site.ts';
import type { RunState, StepState } from '../../../../src/core/plan/run-state.ts';
import type { PlanInput } from '../../../../src/core/plan/step-schema.ts';

/** A small site: two paas hosts, a store host and an SQL target. */
export const site: Site = {
  name: 'lab',
  hosts: ['paas-1', 'paas-2', 'store-1'],
  groups: { paas: ['paas-1', 'paas-2'] },
  obClusters: ['ob-sys'],
  policy: {
    approvers: ['U_APPROVER'],
    approverGroups: [],
    approvalsNeeded: 1,
    requesterMayApprove: false,
    expiresAfterMs: 60_000,
  },
  channel: 'C_LAB',
  starters: { users: [], groups: [] },
  manualScripted: false,
};

const on = (host: string, command: string) => ({ host, command });

/** check → action (non-destructive) → destructive move with rollback → manual step → final action. */
export function samplePlan(): PlanInput {
  const store = { kind: 'hosts' as const, hosts: ['store-1'] };
  return {
    runbook: 'sample',
    site: 'lab',
    title: 'sample plan',
    steps: [
      {
        kind: 'check',
        id: 'inspect',
        title: 'inspect',
        targets: { kind: 'hosts', hosts: ['paas-1', 'paas-2'], group: 'paas' },
        commands: [on('paas-1', 'uptime'), on('paas-2', 'uptime')],
      },
      {
        kind: 'action',
        id: 'note',
        title: 'note',
        targets: store,
        commands: [on('store-1', 'echo hi >> /tmp/log')],
        irreversible: { reason: 'a log line' },
      },
      {
        kind: 'action',
        id: 'move',
        title: 'move',
        targets: store,
        destructive: true,
        gate: { prompt: 'move it?' },
        preconditions: [
          { kind: 'path-exists', path: '/app/d' },
          { kind: 'path-absent', path: '/app/d_bak' },
        ],
        commands: [on('store-1', 'mv /app/d /app/d_bak')],
        verify: [{ kind: 'path-exists', path: '/app/d_bak' }],
        rollback: {
          steps: [
            {
              kind: 'action',
              id: 'unmove',
              title: 'unmove',
              targets: store,
              destructive: true,
              commands: [on('store-1', 'mv /app/d_bak /app/d')],
            },
          ],
        },
      },
      {
        kind: 'manual',
        id: 'adm-install',
        title: 'install in ADM',
        targets: store,
        instructions: 'Install the instance in the ADM UI',
        parameters: { port: '6379' },
        standIn: [on('store-1', 'touch /app/installed')],
        verify: [{ kind: 'path-exists', path: '/app/installed' }],
        rollback: {
          steps: [
            {
              kind: 'action',
              id: 'uninstall',
              title: 'uninstall',
              targets: store,
              commands: [on('store-1', 'rm -f /app/installed')],
            },
          ],
        },
      },
      {
        kind: 'action',
        id: 'finish',
        title: 'finish',
        targets: store,
        commands: [on('store-1', 'true')],
        irreversible: { reason: 'nothing to undo' },
      },
    ],
  };
}

/** A run in the forward phase with the given step states. */
export function runWith(
  steps: Record<string, Partial<StepState> & Pick<StepState, 'status'>>,
  extra: Partial<RunState> = {},
): RunState {
  const full: Record<string, StepState> = {};
  for (const [id, st] of Object.entries(steps)) full[id] = { attempt: 1, ...st };
  return {
    id: 'run_1',
    site: 'lab',
    runbook: 'sample',
    args: {},
    requester: 'U_REQ',
    dryRun: false,
    planHash: 'h',
    createdAt: 0,
    updatedAt: 0,
    version: 1,
    phase: 'forward',
    steps: full,
    ...extra,
  };
}
