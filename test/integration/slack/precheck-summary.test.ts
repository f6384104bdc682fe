import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/plan/run-state.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { useFakeSlack } from '../../support/slack/web-client.ts';

/** A precheck's end in Slack: its checks × status as a Block Kit table in the run's thread, after the last line. */
const slack = useFakeSlack();

function events(runbook: string): EngineEvent[] {
  const base = { site: 'xizang', runId: `run_${runbook}` };
  const finished = (stepId: string, at: number, findings: Finding[]): EngineEvent => ({
    ...base,
    at,
    type: 'step.finished',
    stepId,
    status: 'succeeded',
    hosts: [{ host: 'redis-a', exitCode: 0, durationMs: 10 }],
    probes: [],
    findings,
    summary: 'checked',
  });
  return [
    { ...base, at: 1, type: 'run.requested', requester: 'UOPERATOR', runbook, args: {}, dryRun: false },
    {
      ...base,
      at: 2,
      type: 'run.planned',
      title: 'Precheck of xizang',
      planHash: 'ff00',
      dryRun: false,
      rendered: '',
      steps: [
        { id: 'p01-access', title: 'SSH to every host', kind: 'check', destructive: false, hash: 'a1' },
        { id: 'p02-versions', title: 'Versions', kind: 'check', destructive: false, hash: 'a2' },
      ],
    },
    finished('p01-access', 3, [{ status: 'pass', title: 'reachable', evidence: 'ok', host: 'redis-a' }]),
    finished('p02-versions', 4, [{ status: 'warn', title: 'kafka is older', evidence: '2.8', host: 'kafka-1' }]),
    { ...base, at: 5, type: 'run.finished', outcome: 'completed', statusLine: `${runbook} completed` },
  ];
}

async function publish(runbook: string) {
  return (await slack.publishAll(events(runbook))).threadOf(`run_${runbook}`)?.ts;
}

describe('precheck summary in the run thread', () => {
  it('posts the checks × status table into the thread after the run ends', async () => {
    const parentTs = await publish('precheck');
    const last = slack.fake.ok('chat.postMessage').at(-1)?.params;
    expect(last?.thread_ts).toBe(parentTs);
    expect(last?.text).toBe('Precheck summary, xizang: 2 checks: 1 held, 1 with warnings, 0 failed');
    const blocks = last?.blocks as { type: string; rows?: { text: string }[][] }[];
    const rows = blocks.find((b) => b.type === 'table')?.rows?.map((r) => r.map((c) => c.text));
    expect(rows).toEqual([
      ['check', 'pass', 'warn', 'fail', 'manual', 'skipped', 'did not hold'],
      ['✅ SSH to every host', '1', '·', '·', '·', '·', '·'],
      ['⚠️ Versions', '·', '1', '·', '·', '·', 'kafka is older (kafka-1)'],
    ]);
  });

  it('posts no table at the end of an upgrade', async () => {
    await publish('upgrade-redis');
    const posts = slack.fake.ok('chat.postMessage');
    expect(posts.some((p) => JSON.stringify(p.params.blocks).includes('"table"'))).toBe(false);
    expect(posts.at(-1)?.params.text).toContain('upgrade-redis completed');
  });
});
