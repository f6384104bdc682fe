import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedSite } from '../../../../../src/adapters/files/load-site.ts';
import type { Finding } from '../../../../../src/core/plan/run-state.ts';
import type { Step } from '../../../../../src/core/plan/step-schema.ts';
import type { CommandRequest, CommandResult, ExecOptions } from '../../../../../src/core/ports/remote.ts';
import { toSite, type Site } from '../../../../../src/core/sites/site.ts';
import { inScope } from '../../../../../src/runbooks/xizang/site-check/site-check-scope.ts';
import { siteCheckProbes, type SiteProbe } from '../../../../../src/runbooks/xizang/site-check/site-check-probes.ts';
import { FakeBatchRemote } from '../../../../support/fakes/fake-batch-remote.ts';
import { programContext, runWith } from '../../oceanbase/ob-fixture-site.ts';
import { registry } from '../xizang-fixture.ts';
import { addressIn, healthy, labSpec, set, type ProbeLines } from './healthy-site.ts';

/**
 * A site answering the site check's probes with `lines` (what each probe prints on each host), over the runner's
 * batch mode; a host in `unreachable` drops its connection.
 */
class ProbeAnsweringRemote extends FakeBatchRemote {
  private readonly probes: Map<string, SiteProbe[]>;
  constructor(
    site: Site,
    private readonly lines: ProbeLines,
  ) {
    super({ hosts: site.hosts });
    this.probes = siteCheckProbes(site.spec ?? (undefined as never));
  }

  override async exec(host: string, req: CommandRequest, opts?: ExecOptions): Promise<CommandResult> {
    if (this.unreachable.has(host)) return super.exec(host, req, opts);
    this.calls.push({ host, command: req.command });
    const id = this.probes.get(host)?.find((p) => p.command === req.command)?.id ?? '';
    const text = [...(this.lines.get(host)?.get(id) ?? []), ''].join('\n');
    const out = { head: text, tail: '', totalBytes: text.length, truncated: false, sha256: '' };
    return {
      host,
      command: req.command,
      exitCode: 0,
      stdout: out,
      stderr: { ...out, head: '', totalBytes: 0 },
      startedAt: 0,
      durationMs: 1,
    };
  }
}

let loaded: LoadedSite;
let site: Site;
const FILE = 'sites/xizang.yml';
beforeAll(async () => {
  loaded = await labSpec();
  site = toSite(loaded.site, loaded.baseDir, { file: FILE, lineOf: loaded.lineOf });
});

const at = (...path: (string | number)[]) => `${FILE}:${loaded.lineOf(path)}`;
const addr = (host: string) => addressIn(loaded.site, host);

/** Runs the first step of `runbook`'s plan (its site check) against `lines`, with the hosts in `down` unreachable. */
async function firstStep(
  runbook: string,
  lines: ProbeLines,
  opts: { down?: readonly string[]; site?: Site } = {},
): Promise<{ step: Step; findings: readonly Finding[]; remote: ProbeAnsweringRemote }> {
  const s = opts.site ?? site;
  const step = registry.buildPlan(runbook, s, {}).steps[0] as Step;
  const remote = new ProbeAnsweringRemote(s, lines);
  for (const h of opts.down ?? []) remote.unreachable.add(h);
  const program = registry.program(step.program?.id ?? '');
  if (program === undefined) throw new Error(`${step.id} runs no registered program`);
  const ctx = { ...programContext(s, step, undefined as never, runWith({})), remote };
  return { step, findings: await program(ctx, step.program?.args ?? {}), remote };
}

describe('the site check as the first step of every Xizang upgrade', () => {
  it('is a read-only check of its own (never batched), before anything else, in every phase', () => {
    for (const [runbook, id] of [
      ['upgrade-redis', 'r00-site-check'],
      ['upgrade-csb-redis', 'r00-site-check'],
      ['upgrade-kafka', 'k00-site-check'],
      ['upgrade-fastdfs', 'f00-site-check'],
      ['upgrade-paas', 'a00-site-check'],
    ] as const) {
      const step = registry.buildPlan(runbook, site, {}).steps[0];
      expect(step, runbook).toMatchObject({ id, kind: 'check', destructive: false, commands: [] });
      expect(step?.kind === 'check' && step.advisory, runbook).not.toBe(true);
      expect(step?.program?.id).toBe(`${runbook}.site-check`);
    }
  });

  it('passes a site that is as its file says, counting what it compared, over one channel per host', async () => {
    const { findings, remote } = await firstStep('upgrade-redis', healthy(loaded.site));
    expect(findings).toEqual([
      {
        status: 'pass',
        title: 'business-redis (middleware.redis[0]) and its hosts as the site file says',
        evidence: '18 host(s) read and 5 instance(s) compared: no difference',
      },
    ]);
    expect(remote.batches.map((b) => b.host).sort()).toEqual([...site.hosts].sort());
  });

  it('fails on a difference in what the phase touches, naming it with its file line', async () => {
    const lines = healthy(loaded.site);
    set(lines, 'redis-b', 'redis.0', 'role', 'master');
    set(lines, 'redis-b', 'redis.0', 'master_host');
    const { findings } = await firstStep('upgrade-redis', lines);
    expect(findings).toEqual([
      {
        status: 'fail',
        title: 'the site differs from its file in business-redis (middleware.redis[0]) and its hosts',
        evidence: `${at('middleware', 'redis', 0, 'replicas', 0)} middleware.redis[0].replicas[0]: the site file says redis-b is the replica of business-redis; the site has redis-b is a master (INFO replication role:master)`,
      },
    ]);
  });

  it('only warns about a difference elsewhere, and passes the part the phase touches', async () => {
    const lines = healthy(loaded.site);
    set(lines, 'csb-redis-b', 'csbRedis.0', 'role', 'master');
    set(lines, 'csb-redis-b', 'csbRedis.0', 'master_host');
    const { findings } = await firstStep('upgrade-redis', lines);
    expect(findings.map((f) => f.status)).toEqual(['pass', 'warn']);
    expect(findings[0]?.evidence).toBe(
      '18 host(s) read and 5 instance(s) compared: no difference there; 1 elsewhere, each a warning',
    );
    expect(findings[1]).toEqual({
      status: 'warn',
      title: 'the site differs from its file elsewhere',
      evidence: `${at('middleware', 'csbRedis', 0, 'replicas', 0)} middleware.csbRedis[0].replicas[0]: the site file says csb-redis-b is the replica of csb-redis; the site has csb-redis-b is a master (INFO replication role:master)`,
    });
    // The same difference is the CSB Redis phase's own.
    const csb = await firstStep('upgrade-csb-redis', lines);
    expect(csb.findings.map((f) => f.status)).toEqual(['fail']);
  });

  it("fails naming host and cause when a host of the phase cannot be read, and warns for another's", async () => {
    const { findings } = await firstStep('upgrade-kafka', healthy(loaded.site), { down: ['kafka-2', 'dns-1'] });
    const byHost = new Map(findings.map((f) => [f.host, f]));
    expect(byHost.get('kafka-2')).toMatchObject({
      status: 'fail',
      title: 'cannot read kafka-2, a host of business-kafka (middleware.kafka[0]) and its hosts',
      evidence: expect.stringMatching(/^kafka-2: connection to .*kafka-2.* dropped/),
    });
    expect(byHost.get('dns-1')).toMatchObject({ status: 'warn', title: 'cannot read dns-1 (not touched by this run)' });
    expect(findings.some((f) => f.status === 'pass')).toBe(false);
  });

  it('counts a difference about one of its hosts as its own, whatever the section', () => {
    const scope = { what: 'x', sections: [['middleware', 'redis', 0]], hosts: ['kafka-2'] };
    expect(inScope(loaded.site, scope, ['middleware', 'kafka', 0, 'brokers', 1])).toBe(true);
    expect(inScope(loaded.site, scope, ['middleware', 'kafka', 0, 'brokers', 0])).toBe(false);
    expect(inScope(loaded.site, scope, ['middleware', 'kafka', 0, 'zookeeper', 'hosts', 1])).toBe(true);
    expect(inScope(loaded.site, scope, ['middleware', 'redis', 0, 'vip'])).toBe(true);
    expect(inScope(loaded.site, scope, ['middleware', 'redis', 1])).toBe(false);
  });

  it('names a difference by its path alone when the site was not read from a file', async () => {
    const bare = toSite(loaded.site);
    const lines = healthy(loaded.site);
    lines.get('fdfs-2')?.set('storage.0', ['pid=none']);
    const { findings } = await firstStep('upgrade-fastdfs', lines, { site: bare });
    expect(findings).toEqual([
      {
        status: 'fail',
        title: 'the site differs from its file in business-fastdfs (middleware.fastdfs[0]) and its hosts',
        evidence:
          "middleware.fastdfs[0].storage.port: the site file says the FastDFS storage listens on port 23000 on fdfs-2; the site has nothing listening on port 23000 on fdfs-2 (ss -ltnp 'sport = :23000')",
      },
    ]);
  });
});

describe("the site check as /precheck's item 1", () => {
  it('reports every difference as a failure of item 1, and the precheck goes on (advisory)', async () => {
    const lines = healthy(loaded.site);
    set(lines, 'kafka-1', 'kafka.0', 'broker.id', '2');
    const { step, findings } = await firstStep('precheck', lines);
    expect(step).toMatchObject({ id: 'p01-site-check', kind: 'check', advisory: true });
    expect(step.title).toMatch(/^1\. /);
    expect(findings.map((f) => f.status)).toEqual(['fail']);
    expect(findings[0]?.evidence).toBe(
      `${at('middleware', 'kafka', 0, 'brokers', 0)} middleware.kafka[0].brokers[0]: the site file says kafka-1 (${addr('kafka-1')}) is a broker of business-kafka; the site has its /app/soft/kafka_2.12-2.3.0/config/server.properties says broker.id=2, and ZooKeeper /brokers/ids/2 is registered by ${addr('kafka-2')}:9092 (/app/soft/kafka_2.12-2.3.0/config/server.properties broker.id; zkCli get /brokers/ids/2)`,
    );
  });

  it('for the PaaS phase, drift in the middleware is only a warning', async () => {
    const lines = healthy(loaded.site);
    set(lines, 'redis-b', 'redis.0', 'role', 'master');
    const { findings } = await firstStep('upgrade-paas', lines);
    expect(findings.map((f) => f.status)).toEqual(['pass', 'warn']);
  });
});
