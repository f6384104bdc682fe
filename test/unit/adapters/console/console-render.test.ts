import { describe, expect, it } from 'vitest';
import { GateNumbers, parseGateAnswer } from '../../../../src/adapters/console/gate-numbers.ts';
import { renderEvent } from '../../../../src/adapters/console/render-event.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';
import type { Gate } from '../../../../src/core/ports/gates.ts';

const head = { site: 'xizang', runId: 'run_00000000000000aa', at: 0 };
const gate: Gate = {
  id: 'gate_7',
  site: 'xizang',
  runId: head.runId,
  stepId: 'move-dir',
  kind: 'approval',
  planHash: 'f6aa0021c9e4e5efd4464218b5dbc1ef',
  requester: 'UOPERATOR',
  choices: ['approve', 'reject'],
  policy: {
    approvers: ['UAPPROVER1'],
    approverGroups: [],
    approvalsNeeded: 1,
    requesterMayApprove: false,
    expiresAfterMs: 1,
  },
  openedAt: 0,
  expiresAt: 1,
  status: 'pending',
  approvals: [],
};

describe('console rendering of engine events', () => {
  it('shows a gate with its exact commands per host, who may answer and the numbered answers', () => {
    const e: EngineEvent = {
      ...head,
      type: 'gate.opened',
      gate,
      context: { stepTitle: 'Move data', targets: [{ host: 'fdfs-3', commands: ['mv /a /a_bak'] }] },
    };
    expect(renderEvent(e, { gateNumber: () => 3, viewer: 'UAPPROVER1' })).toEqual([
      '  ? gate [3] approval for step move-dir: Move data (plan f6aa0021c9e4, requested by UOPERATOR)',
      '    fdfs-3$ mv /a /a_bak',
      '    may answer: UAPPROVER1 (not UOPERATOR, who requested the run)',
      '    answer: 3 approve | 3 reject',
    ]);
    // Without a number (not the console), nobody is offered a typed answer.
    expect(renderEvent(e).at(-1)).toBe('    may answer: UAPPROVER1 (not UOPERATOR, who requested the run)');
  });

  it('strips terminal escapes and control characters from output, and keeps only the last lines', () => {
    const tail = `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}\n\x1b[2J\x1b[31mred\x1b[0m\x07`;
    const lines = renderEvent(
      {
        ...head,
        type: 'step.output-summary',
        stepId: 's',
        outputs: [{ host: 'h\x1b]0;x', exitCode: 0, tail, totalBytes: 300 }],
      },
      { tailLines: 5 },
    );
    expect(lines[0]).toBe('    h]0;x: exit 0, 300 byte(s) of output');
    expect(lines.slice(1)).toEqual([
      '      | … 26 line(s) before',
      '      | line 26',
      '      | line 27',
      '      | line 28',
      '      | line 29',
      '      | red',
    ]);
    expect([...lines.join('')].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toEqual([]);
  });

  it('says how a run ended, and offers the rollback of a stopped run', () => {
    expect(
      renderEvent({
        ...head,
        type: 'run.stopped',
        stepId: 'move-dir',
        statusLine: 'rejected by U2',
        rollbackOffered: true,
      }),
    ).toEqual([
      '■ run_00000000000000aa (xizang) stopped at move-dir: rejected by U2 (roll it back with /rollback run_00000000000000aa)',
    ]);
  });
});

describe('console gate numbers', () => {
  it('numbers gates in the order shown and keeps a gate’s number', () => {
    const n = new GateNumbers();
    const g = { site: 'x', runId: 'r', stepId: 's', planHash: 'h', choices: ['approve' as const] };
    expect(n.add({ ...g, gateId: 'a' })).toBe(1);
    expect(n.add({ ...g, gateId: 'b' })).toBe(2);
    expect(n.add({ ...g, gateId: 'a' })).toBe(1);
    expect(n.get(2)?.gateId).toBe('b');
  });

  it('reads "N choice" answers and nothing else', () => {
    expect(parseGateAnswer(' 12  approve ')).toEqual({ n: 12, choice: 'approve' });
    expect(parseGateAnswer('1 mark-done')).toEqual({ n: 1, choice: 'mark-done' });
    expect(parseGateAnswer('/upgrade xizang redis')).toBeUndefined();
    expect(parseGateAnswer('1 approve; rm -rf /')).toBeUndefined();
  });
});
