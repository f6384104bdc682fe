import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { z } from 'zod';
import { startSiteWorkers, type SiteWorkers } from '../../../src/adapters/bullmq/start-site-workers.ts';
import { createEngine } from '../../../src/core/engine/create-engine.ts';
import { createRunbookRegistry } from '../../../src/core/engine/runbook-registry.ts';
import { defineRunbook } from '../../../src/core/ports/runbook.ts';
import { ALL_RUNBOOKS } from '../../../src/runbooks/all-runbooks.ts';
import { SITE, ev } from './engine-lab.ts';
import { useEngineTest } from './engine-test.ts';

const HOSTS = ['fdfs-3', 'paas-1'];
const on = (command: string, hosts = HOSTS) => hosts.map((host) => ({ host, command }));
const targets = (hosts = HOSTS) => ({ kind: 'hosts' as const, hosts });

/**
 * Prints the pid of the process the channel started under sshd (the session's shell: the batch driver, or the shell
 * of one exec), walking up from the command's own shell: a channel shared shows as one pid.
 */
const CHANNEL_PID =
  'p=$BASHPID; while :; do pp=$(cut -d" " -f4 /proc/$p/stat); case $(cat /proc/$pp/comm) in sshd*) break;; esac; p=$pp; done; echo $p';

/** Three advisory reads, a destructive step, one more read, each printing its channel's pid. */
const channelProbe = defineRunbook({
  id: 'channel-probe',
  title: 'which channel each step ran in',
  args: z.object({}),
  build: (site) => ({
    runbook: 'channel-probe',
    site: site.name,
    title: 'channel probe',
    args: {},
    steps: [
      ...['r1', 'r2', 'r3'].map((id) => ({
        kind: 'check' as const,
        id,
        title: `read ${id}`,
        targets: targets(),
        commands: on(CHANNEL_PID),
        advisory: true,
      })),
      {
        kind: 'action' as const,
        id: 'd4',
        title: 'destructive',
        targets: targets(['fdfs-3']),
        commands: on(CHANNEL_PID, ['fdfs-3']),
        destructive: true,
        gate: { prompt: 'go?' },
        irreversible: { reason: 'it only prints' },
      },
      {
        kind: 'check' as const,
        id: 'r5',
        title: 'read after',
        targets: targets(['fdfs-3']),
        commands: on(CHANNEL_PID, ['fdfs-3']),
      },
    ],
  }),
});

describe('the engine over the SSH runner: read-only steps in batch mode', () => {
  const ctx = useEngineTest();
  let workers: SiteWorkers | undefined;
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
  });

  it('runs consecutive reads over one channel per host, and the destructive step over a channel of its own', async () => {
    const { rt, watch, approver } = ctx;
    const engine = createEngine({ ...rt.deps, runbooks: createRunbookRegistry([...ALL_RUNBOOKS, channelProbe]) });
    workers = startSiteWorkers({
      engine,
      sites: [SITE],
      connection: rt.bull.connection,
      prefix: rt.bull.prefix,
      log: pino({ level: 'silent' }),
    });
    await workers.ready;
    const r = await engine.request({ site: SITE, runbook: 'channel-probe', args: {}, requester: 'U_ENGINE_TEST' });
    if (!r.ok) throw new Error(r.error.message);
    const runId = r.value.runId;
    const gate = (await watch.waitFor(ev('gate.opened', 'd4', runId))).gate;
    const decided = await engine.decide({
      gateId: gate.id,
      user: approver,
      userGroups: [],
      choice: 'approve',
      planHash: gate.planHash,
    });
    expect(decided.ok).toBe(true);
    expect((await watch.waitFor(ev('run.finished', undefined, runId))).outcome).toBe('completed');
    const sessionOf = (stepId: string, host: string): string => {
      const e = watch.seen.find((x) => x.type === 'step.output-summary' && x.runId === runId && x.stepId === stepId);
      const tail = e?.type === 'step.output-summary' ? e.outputs.find((o) => o.host === host)?.tail : undefined;
      return (tail ?? '').trim();
    };
    for (const host of HOSTS) {
      const reads = ['r1', 'r2', 'r3'].map((id) => sessionOf(id, host));
      expect(reads[0]).toMatch(/^\d+$/);
      expect(new Set(reads).size).toBe(1);
    }
    const shared = sessionOf('r1', 'fdfs-3');
    expect(sessionOf('d4', 'fdfs-3')).toMatch(/^\d+$/);
    expect(sessionOf('d4', 'fdfs-3')).not.toBe(shared);
    expect(sessionOf('r5', 'fdfs-3')).not.toBe(shared);
    expect(sessionOf('r5', 'fdfs-3')).not.toBe(sessionOf('d4', 'fdfs-3'));
    // Each read is a unit of its own: started, its output, finished, in that order.
    const mine = (id: string) =>
      watch.seen.filter((e) => e.runId === runId && 'stepId' in e && e.stepId === id).map((e) => e.type);
    for (const id of ['r1', 'r2', 'r3'])
      expect(mine(id)).toEqual(['step.started', 'step.output-summary', 'step.finished']);
  });
});
