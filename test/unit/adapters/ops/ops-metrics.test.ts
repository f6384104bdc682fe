import { describe, expect, it } from 'vitest';
import { meteredEvents } from '../../../../src/adapters/ops/metered-events.ts';
import { createOpsMetrics } from '../../../../src/adapters/ops/ops-metrics.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';

const head = { site: 'xizang', runId: 'run_1' };

/** The value of the sample `name` whose labels include all of `labels`, whatever their order. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m?.[1] !== name || m[2] === undefined) continue;
    if (Object.entries(labels).every(([k, v]) => m[2]?.includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return undefined;
}

describe('ops metrics from engine events', () => {
  it('counts runs by outcome, step durations, remote command failures and gate waits per site', async () => {
    const metrics = createOpsMetrics('worker');
    const stored: EngineEvent[] = [];
    const sink = meteredEvents({ emit: async (e) => void stored.push(e) }, metrics, {
      get: async () => ({ openedAt: 1_000 }) as never,
    });
    const events: EngineEvent[] = [
      { ...head, at: 0, type: 'run.requested', requester: 'U1', runbook: 'lab-move-dir', args: {}, dryRun: false },
      {
        ...head,
        at: 1_000,
        type: 'step.started',
        stepId: 's1',
        title: 'x',
        attempt: 1,
        phase: 'forward',
        targets: ['a', 'b'],
      },
      {
        ...head,
        at: 3_500,
        type: 'step.finished',
        stepId: 's1',
        status: 'failed',
        failedAt: 'command',
        hosts: [
          { host: 'a', exitCode: 1, durationMs: 2000 },
          { host: 'b', exitCode: null, durationMs: 0, error: 'timeout' },
        ],
        probes: [],
        findings: [],
        summary: 'failed',
      },
      { ...head, at: 61_000, type: 'gate.decided', gateId: 'g1', stepId: 's1', choice: 'abort', by: 'U2' },
      { ...head, at: 61_500, type: 'run.finished', outcome: 'aborted', statusLine: 'aborted' },
    ];
    for (const e of events) await sink.emit(e);
    expect(stored).toHaveLength(events.length);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'opsgate_runs_requested_total', { site: 'xizang', role: 'worker' })).toBe(1);
    expect(sample(text, 'opsgate_runs_finished_total', { site: 'xizang', outcome: 'aborted', role: 'worker' })).toBe(1);
    expect(
      sample(text, 'opsgate_step_duration_seconds_sum', { site: 'xizang', status: 'failed', role: 'worker' }),
    ).toBe(2.5);
    expect(
      sample(text, 'opsgate_remote_command_failures_total', { site: 'xizang', reason: 'exit', role: 'worker' }),
    ).toBe(1);
    expect(
      sample(text, 'opsgate_remote_command_failures_total', { site: 'xizang', reason: 'transport', role: 'worker' }),
    ).toBe(1);
    expect(sample(text, 'opsgate_gate_wait_seconds_sum', { site: 'xizang', choice: 'abort', role: 'worker' })).toBe(60);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('still stores the event when metrics cannot be gathered', async () => {
    const metrics = createOpsMetrics('bot');
    const stored: EngineEvent[] = [];
    const sink = meteredEvents({ emit: async (e) => void stored.push(e) }, metrics, {
      get: () => Promise.reject(new Error('redis gone')),
    });
    await sink.emit({ ...head, at: 5, type: 'gate.expired', gateId: 'g', stepId: 's' });
    expect(stored).toHaveLength(1);
  });
});
