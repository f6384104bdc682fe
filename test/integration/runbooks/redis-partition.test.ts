import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { getLab, labHost } from '../../support/lab.ts';
import { onHost, redisFingerprint, restoreRedisByHand } from './lab-state.ts';
import { XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang redis';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];

/**
 * A shell snippet that makes the host it runs on drop every IP packet it sends to `peer` (tc in the host's own namespace: an htb
 * class with a zero-length queue), as a firewall that drops packets would. The host keeps its link to the bridge,
 * so the controller's SSH still works; a TCP connection to the peer sees no reset, only silence. The lab's kernel
 * has no packet filter to do it with.
 */
function dropTo(peer: string): string {
  const to = labHost(peer).address;
  return [
    `dev=$(ip -o route get ${to} | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`,
    'tc qdisc add dev "$dev" root handle 1: htb default 1 2>/dev/null',
    'tc class add dev "$dev" parent 1: classid 1:1 htb rate 10gbit 2>/dev/null',
    'tc class add dev "$dev" parent 1: classid 1:2 htb rate 10gbit 2>/dev/null',
    'tc qdisc add dev "$dev" parent 1:2 handle 20: pfifo limit 0',
    `tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 match ip dst ${to}/32 flowid 1:2`,
  ].join(' && ');
}

/** Waits (up to 30 s) until the Redis on the host says its link to its master is up. */
const UNTIL_LINKED = [
  'export REDISCLI_AUTH="$(cat /lab-secrets/redis-password)"',
  "for i in $(seq 600); do redis-cli INFO replication | tr -d '\\r' | grep -q '^master_link_status:up$' && break; sleep 0.05; done",
].join('; ');

/** Undoes `dropTo` on a host (a no-op when there is nothing to undo). */
async function mend(host: string): Promise<void> {
  await onHost(host, 'for d in $(ls /sys/class/net); do tc qdisc del dev "$d" root 2>/dev/null; done; true');
}

/** The JSON events a `run --json` printed. */
const eventsOf = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as EngineEvent);

describe('/upgrade xizang redis with the replica cut off from the master at verification', () => {
  let cli: XizangCli;
  beforeEach(() => {
    cli = new XizangCli();
  });
  afterEach(async () => {
    await mend('redis-a');
    await mend('redis-b');
    await cli.close();
  });

  it('fails r09 naming the replica and what it still says of itself (linked, "up"), within a minute', async () => {
    const before = await redisFingerprint();
    const run = cli.start(UPGRADE, ...AS);
    try {
      await run.out.waitFor(/"type":"step.finished","stepId":"r08-start-new"[^\n]*"status":"succeeded"/, 0, 240_000);
      // r09 starts now. The new replica links up and syncs a moment later (its first connect comes from its
      // once-a-second cron); it is cut off from the master as soon as it says it is linked, before the master's
      // offset moves again (its next PING is due 10 s after it started): the replica has everything and still
      // says "up", the master still lists it online.
      await onHost('redis-b', `${UNTIL_LINKED}; ${dropTo('redis-a')}`);
      await onHost('redis-a', dropTo('redis-b'));
      const cutAt = Date.now();
      expect(await run.exited).toBe(1);
      const cutToExit = Date.now() - cutAt;
      const events = eventsOf(run.out.text);
      const r09 = events.find((e) => e.type === 'step.finished' && e.stepId === 'r09-verify');
      expect(r09, run.out.text.slice(-3000)).toMatchObject({ status: 'failed', failedAt: 'command' });
      expect(r09?.type === 'step.finished' && r09.summary).toMatch(/^redis-b Verify business-redis: .*: exit 1$/);
      const outputs = events.flatMap((e) =>
        e.type === 'step.output-summary' && e.stepId === 'r09-verify' ? e.outputs : [],
      );
      const net = getLab().net.replaceAll('.', '\\.');
      // The master has not noticed yet (it lists its replica online until repl-timeout): its part passes.
      expect(outputs.find((o) => o.host === 'redis-a')).toMatchObject({ exitCode: 0 });
      expect(outputs.find((o) => o.host === 'redis-b')?.tail).toMatch(
        new RegExp(
          `replica redis-b: cannot read master_repl_offset from the master redis-a \\(${net}\\.21:6379\\): no answer within 5s; ` +
            `the replica says: role:slave master_host:${net}\\.21 master_port:6379 master_link_status:up master_last_io_seconds_ago:\\d+ slave_repl_offset:\\d+\\n?$`,
        ),
      );
      // The run waits at r09's failure gate (retry once the network is back, or roll back).
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'gate.opened',
          gate: expect.objectContaining({ kind: 'failure', stepId: 'r09-verify' }),
        }),
      );
      // The bound the check keeps: a master that does not answer within 5 s, each time it is asked.
      expect(cutToExit).toBeLessThan(60_000);
    } finally {
      run.child.kill();
      await mend('redis-a');
      await mend('redis-b');
      await restoreRedisByHand();
    }
    expect(await redisFingerprint()).toBe(before);
    // The network is whole again: the old replica links up to the old master.
    const linked = `export REDISCLI_AUTH="$(cat /lab-secrets/redis-password)"; for i in $(seq 30); do redis-cli INFO replication | grep -q '^master_link_status:up' && exit 0; sleep 1; done; exit 1`;
    await onHost('redis-b', linked);
  }, 300_000);
});
