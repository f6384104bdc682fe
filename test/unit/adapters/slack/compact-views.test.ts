import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../../../src/adapters/slack/check-message.ts';
import { renderGate } from '../../../../src/adapters/slack/render-gate.ts';
import { renderShow } from '../../../../src/adapters/slack/render-show.ts';
import { renderStepReply } from '../../../../src/adapters/slack/render-step-reply.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';
import type { GateView, StepResultView } from '../../../../src/core/ports/views.ts';

const texts = (blocks: readonly unknown[]): string => JSON.stringify(blocks);

const done: StepResultView = {
  runId: 'run_1',
  step: { id: 'r01', title: 'Stop keepalived', kind: 'action', state: 'done', startedAt: 0, finishedAt: 3200 },
  targets: ['redis-a', 'redis-b'],
  hosts: ['redis-a', 'redis-b'].map((host) => ({
    host,
    command: 'systemctl stop keepalived',
    exitCode: 0,
    durationMs: 3000,
    outputTail: 'stopped',
    outputBytes: 8,
  })),
  summary: '2 host(s) done',
  findings: ['redis-a', 'redis-b'].flatMap((host) => [
    { status: 'pass' as const, title: 'keepalived stopped', evidence: 'inactive', host },
    { status: 'pass' as const, title: '/app/soft/keepalived_bak is absent', evidence: 'absent', host },
  ]),
};

describe('compact Slack views', () => {
  it('posts a succeeded step as one line: hosts, duration and how many checks held', () => {
    const msg = renderStepReply(done);
    expect(msg.blocks).toHaveLength(1);
    const line = texts(msg.blocks);
    expect(line).toContain('*Stop keepalived*');
    expect(line).toContain('redis-a, redis-b · 3.2 s · 4 checks held');
    expect(line).not.toContain('keepalived_bak');
    expect(line).not.toContain('systemctl stop keepalived');
  });

  it('posts a warning or a manual item of a succeeded step under its line', () => {
    const msg = renderStepReply({
      ...done,
      findings: [...(done.findings ?? []), { status: 'warn', title: 'memory', evidence: '81% used', host: 'redis-a' }],
    });
    expect(texts(msg.blocks)).toContain(':warning: *memory* on redis-a: 81% used');
    expect(texts(msg.blocks)).not.toContain('*keepalived stopped*');
    expect(checkMessage(msg)).toEqual([]);
  });

  it('shows on a pending gate who may answer, and that the requester must wait for another approver', () => {
    const g: GateView = {
      id: 'gate_1',
      runId: 'run_1',
      site: 'xizang',
      stepId: 'r03',
      stepTitle: 'Move keepalived aside',
      kind: 'approval',
      status: 'pending',
      planHash: '9f2c0123456789abcdef',
      requester: 'UOPERATOR',
      choices: ['approve', 'reject'],
      targets: [{ host: 'redis-a', commands: ['mv /app/soft/keepalived /app/soft/keepalived_bak'] }],
      expiresAt: 0,
      answerers: {
        approvers: ['UAPPROVER1'],
        approverGroups: ['SOPS'],
        requesterMayApprove: false,
        approvalsNeeded: 2,
      },
    };
    const msg = renderGate(g);
    expect(checkMessage(msg)).toEqual([]);
    const json = texts(msg.blocks);
    expect(json).toContain('mv /app/soft/keepalived /app/soft/keepalived_bak');
    expect(json).toContain('*Who may answer:* <@UAPPROVER1> or members of the group(s) `SOPS`');
    expect(json).toContain('<@UOPERATOR> requested the run: another approver must answer');
    expect(json).toContain('2 approvals needed');
    // Decided: the line goes with the buttons.
    expect(
      texts(renderGate({ ...g, status: 'decided', decision: { choice: 'approve', by: 'UAPPROVER1', at: 1 } }).blocks),
    ).not.toContain('Who may answer');
  });

  it('answers /show within Block Kit limits for any record', () => {
    const hostile = ['<!channel>', '`'.repeat(4000), 'x'.repeat(100_000), '\u001b[31m', '<@UEVIL>'];
    const head = { site: 'xizang', runId: 'run_1' };
    const events: EngineEvent[] = [
      {
        ...head,
        at: 0,
        type: 'run.requested',
        requester: 'UOPERATOR',
        runbook: 'xizang-redis',
        args: {},
        dryRun: false,
      },
      ...Array.from({ length: 120 }, (_, i): EngineEvent[] => [
        {
          ...head,
          at: i,
          type: 'step.started',
          stepId: `s${i}`,
          title: hostile[i % 5] ?? '',
          attempt: 1,
          phase: 'forward',
          targets: ['h1', 'h2'],
        },
        {
          ...head,
          at: i + 1,
          type: 'step.finished',
          stepId: `s${i}`,
          status: i % 7 === 0 ? 'failed' : 'succeeded',
          hosts: [{ host: hostile[(i + 1) % 5] ?? '', exitCode: i % 7 === 0 ? 1 : 0, durationMs: 5 }],
          probes: Array.from({ length: 30 }, (_, j) => ({
            probe: hostile[j % 5] ?? '',
            host: 'h1',
            ok: j !== 3,
            evidence: hostile[(j + 2) % 5] ?? '',
          })),
          findings: [],
          summary: hostile[(i + 3) % 5] ?? '',
        },
      ]).flat(),
    ];
    const run = {
      id: 'run_1',
      site: 'xizang',
      title: 'upgrade redis',
      state: 'succeeded' as const,
      requester: 'UOPERATOR',
      startedAt: 0,
    };
    for (const msgs of [renderShow(run, events), renderShow(run, events, 's7'), renderShow(run, [])])
      for (const m of msgs) {
        expect(checkMessage(m)).toEqual([]);
        expect(JSON.stringify(m)).not.toContain('<!channel>');
        expect(JSON.stringify(m)).not.toContain('<@UEVIL>');
      }
    expect(texts(renderShow(run, events)[0]?.blocks ?? [])).toContain('/show run_1 &lt;step&gt;');
  });
});
