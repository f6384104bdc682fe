import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdpStandin, type OdpStandin } from '../../../lab/obsim/odp-standin.ts';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import { loadSite } from '../../../src/adapters/files/load-site.ts';
import { toSite, type Site } from '../../../src/core/sites/site.ts';
import { probeDir, probeStartCommand, probeStopCommand } from '../../../src/runbooks/oceanbase/probe/probe-commands.ts';
import { probeRoute, type ProbeRoute } from '../../../src/runbooks/oceanbase/probe/probe-target.ts';
import { execOn, getLab } from '../../support/lab.ts';
import { runnerLab, sessionsClosedAfterEach } from '../runners/runner-lab.ts';
import { labSysPassword, resetObLab, startLabSim } from './ob-lab.ts';

/**
 * The business probe through ODP, as the business goes: the lab's site file with `odp` set, an ODP stand-in on the
 * bridge (obproxy's port 2883) in front of the simulator. The probe's requests go through it; its table exists in
 * the business tenant while it runs and is gone after the stop command (the one probe-stop, probe-start-undo and
 * probe-start-cleanup run); a stop that cannot reach the cluster fails, naming the table left behind.
 */
const HOST = 'ob-1';
const DIR = probeDir('obcluster');
const ODP_PORT = 2883;
let sim: ObSim;
let odp: OdpStandin;
let route: ProbeRoute;
const open = sessionsClosedAfterEach();

async function labSiteWithOdp(): Promise<Site> {
  const file = getLab().siteFile;
  if (file === null) throw new Error('the lab has no site file');
  const r = await loadSite(file, { env: process.env, checkSecrets: false });
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join('; '));
  const spec = r.value.site;
  const oceanbase = spec.oceanbase.map((ob) =>
    ob.name === 'obcluster' ? { ...ob, odp: { address: `${getLab().net}.1`, port: ODP_PORT } } : ob,
  );
  return toSite({ ...spec, oceanbase }, r.value.baseDir);
}

async function viaSsh(command: string, stdin: string) {
  const { session } = open([runnerLab().host(HOST)]);
  session.learnSecret(stdin.trim());
  return session.exec(HOST, { command, timeoutMs: 60_000, stdin });
}

const onHost = async (script: string) => (await execOn(HOST, ['bash', '-c', script])).stdout;

async function logLines(n: number): Promise<string[]> {
  for (let i = 0; i < 300; i++) {
    const lines = (await onHost(`cat ${DIR}/log`)).split('\n').filter((l) => l.trim() !== '');
    if (lines.length >= n) return lines;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the probe logged fewer than ${n} requests in 60 s; errors: ${await onHost(`cat ${DIR}/errors`)}`);
}

beforeAll(async () => {
  await resetObLab();
  sim = await startLabSim();
  odp = await startOdpStandin({
    host: `${getLab().net}.1`,
    port: ODP_PORT,
    servers: [{ host: `${getLab().net}.1`, port: 2881 }],
  });
  const site = await labSiteWithOdp();
  const ob = site.spec?.oceanbase.find((o) => o.name === 'obcluster');
  const r = ob === undefined ? undefined : probeRoute(site, ob);
  if (r === undefined) throw new Error('no probe route for obcluster');
  route = r;
}, 180_000);

afterAll(async () => {
  await execOn(HOST, ['bash', '-c', `rm -rf ${DIR}`]);
  await odp?.close();
  await sim?.close();
});

describe('the business probe through ODP', () => {
  it('sends every request through ODP, and leaves neither its table nor a password file after the stop', async () => {
    expect(route.viaOdp).toBe(true);
    expect([route.target.address, route.target.port]).toEqual([`${getLab().net}.1`, ODP_PORT]);
    const start = await viaSsh(probeStartCommand(route.target).command, `${labSysPassword()}\n`);
    expect(start.exitCode, start.stderr.head).toBe(0);
    const lines = await logLines(5);
    expect(
      lines.every((l) => l.split(' ')[3] === `${getLab().net}.1:${ODP_PORT}`),
      lines.join('\n'),
    ).toBe(true);
    expect(
      lines.every((l) => /^\d+ \d+ 0 /.test(l)),
      `${lines.join('\n')}\n${await onHost(`cat ${DIR}/errors`)}`,
    ).toBe(true);
    // Each request is a client connection the stand-in accepted and handed to an observer.
    expect(odp.stats.forwarded).toBeGreaterThanOrEqual(lines.length);
    expect(sim.business.tables()).toEqual(['opsgate_probe']);

    const stop = await viaSsh(probeStopCommand(route.target).command, `${labSysPassword()}\n`);
    expect(stop.exitCode, stop.stderr.head).toBe(0);
    expect(stop.stdout.head).toContain(`probe table opsgate_probe dropped (through ${getLab().net}.1:${ODP_PORT})`);
    expect(sim.business.tables()).toEqual([]);
    expect((await onHost(`ls -A ${DIR}`)).trim().split('\n').sort()).toEqual(['endpoint', 'errors', 'log']);
  }, 120_000);

  it('fails the stop, naming the table left behind, when no endpoint takes the drop', async () => {
    const start = await viaSsh(probeStartCommand(route.target).command, `${labSysPassword()}\n`);
    expect(start.exitCode, start.stderr.head).toBe(0);
    await logLines(2);
    await odp.close();
    try {
      const stop = await viaSsh(probeStopCommand(route.target).command, `${labSysPassword()}\n`);
      expect(stop.exitCode).toBe(1);
      expect(stop.stderr.head).toMatch(
        /^the probe's table opsgate_probe is still in database biz of cluster obcluster: no endpoint took the drop; drop it by hand\. Last error: ERROR 200\d \(HY000\): Can't connect to server on /m,
      );
      expect(sim.business.tables()).toEqual(['opsgate_probe']);
      // The loop is ended and no password file is left even so.
      expect((await onHost(`ls -A ${DIR}`)).trim().split('\n').sort()).toEqual(['endpoint', 'errors', 'log']);
    } finally {
      odp = await startOdpStandin({
        host: `${getLab().net}.1`,
        port: ODP_PORT,
        servers: [{ host: `${getLab().net}.1`, port: 2881 }],
      });
    }
    const again = await viaSsh(probeStopCommand(route.target).command, `${labSysPassword()}\n`);
    expect(again.exitCode, again.stderr.head).toBe(0);
    expect(sim.business.tables()).toEqual([]);
  }, 120_000);
});
