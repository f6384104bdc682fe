import { describe, expect, it } from 'vitest';
import { runLine } from '../../../../src/wiring/cli/run-line.ts';
import { parseCommand } from '../../../../src/commands/parse-command.ts';
import type { Runtime } from '../../../../src/wiring/main.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';
import { FakeChatEngine } from '../../../support/slack/fake-chat-engine.ts';
import { MemoryEventSource } from '../../../support/slack/memory-event-source.ts';
import { xizangSlackSite } from '../../../support/slack/xizang-fixtures.ts';

const RUN = 'run_0000000000000001';

/** A run whose one step waits 120 s for a zone, polled every second, then finishes. */
function waitingRun(): EngineEvent[] {
  const base = { site: 'xizang', runId: RUN };
  const polls: EngineEvent[] = Array.from({ length: 120 }, (_, i) => ({
    ...base,
    at: 1000 + i * 1000,
    type: 'step.progress',
    stepId: 'zone1-wait-inactive',
    awaited: 'zone zone1 is INACTIVE',
    target: 'obcluster',
    elapsedMs: i * 1000,
    lastValue: `${120 - i} not yet`,
  }));
  return [
    {
      ...base,
      at: 0,
      type: 'step.started',
      stepId: 'zone1-wait-inactive',
      title: 'Wait',
      attempt: 1,
      phase: 'forward',
      targets: ['obcluster'],
    },
    ...polls,
    {
      ...base,
      at: 121_000,
      type: 'step.progress',
      stepId: 'zone1-wait-inactive',
      awaited: 'zone zone1 is INACTIVE',
      target: 'obcluster',
      elapsedMs: 120_000,
      lastValue: '0',
      done: true,
    },
    {
      ...base,
      at: 121_000,
      type: 'step.finished',
      stepId: 'zone1-wait-inactive',
      status: 'succeeded',
      hosts: [],
      probes: [],
      findings: [],
      summary: 'zone1 is INACTIVE',
    },
    { ...base, at: 122_000, type: 'run.finished', outcome: 'completed', statusLine: 'done' },
  ];
}

async function run(json: boolean): Promise<string[]> {
  const events = new MemoryEventSource();
  // The run's events arrive once it was requested (the CLI follows its site's stream from just before).
  const chat = new (class extends FakeChatEngine {
    override async requestRun(req: Parameters<FakeChatEngine['requestRun']>[0]) {
      const started = await super.requestRun(req);
      for (const e of waitingRun()) events.push(e);
      return started;
    }
  })();
  const rt = {
    sites: { list: () => [xizangSlackSite] },
    chat,
    events,
    startWorkers: () => ({ ready: Promise.resolve() }),
    redisWhere: 'Redis at test',
  } as unknown as Runtime;
  const line = '/precheck xizang';
  const cmd = parseCommand(line, { sites: [xizangSlackSite] });
  if (!cmd.ok) throw new Error(cmd.error.message);
  const out: string[] = [];
  const done = runLine(rt, cmd.value, line, {
    as: 'U1',
    approveAs: [],
    reject: false,
    json,
    out: (l) => out.push(l),
    err: (l) => out.push(l),
  });
  expect(await done).toBe(0);
  return out;
}

describe('opsgate run and a long wait', () => {
  it('prints a few plain lines for a wait of 120 polls when its output is no terminal', async () => {
    const out = await run(false);
    const waits = out.filter((l) => l.includes('zone zone1 is INACTIVE'));
    expect(waits.length).toBeLessThanOrEqual(10);
    expect(waits[0]).toContain('last seen: 120 not yet');
    expect(waits.at(-1)).toMatch(/ended after 2m00s; last seen: 0$/);
  });

  it('emits throttled `progress` JSON lines with --json, the last one marked done', async () => {
    const lines = (await run(true)).map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    const progress = lines.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(10);
    expect(progress[0]).toMatchObject({
      stepId: 'zone1-wait-inactive',
      awaited: 'zone zone1 is INACTIVE',
      elapsedMs: 0,
    });
    expect(progress.at(-1)).toMatchObject({ done: true, elapsedMs: 120_000, lastValue: '0' });
    expect(lines.some((l) => l.type === 'step.progress')).toBe(false);
    expect(lines.at(-1)?.type).toBe('run.finished');
  });
});
