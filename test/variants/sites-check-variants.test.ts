import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../lab/obsim/start-obsim.ts';
import { opsgate } from '../integration/cli/opsgate-process.ts';
import { startLabSim } from '../integration/oceanbase-upgrade/ob-lab.ts';
import { getLab } from '../support/lab.ts';

/**
 * `opsgate sites check` on the variants lab: Redis under Redis 5.0.5's stock init script and under systemd, Kafka,
 * FastDFS and PaaS under systemd, every config in the syntax variations its software accepts, and Kafka brokers
 * registered in ZooKeeper under their host names (no advertised host, as Kafka 2.3.0 does by default). The site is
 * as its file says: a check that reported drift here would refuse real sites deployed this way.
 */

let sim: ObSim | undefined;
let dir = '';

beforeAll(async () => {
  sim = await startLabSim();
  const lab = getLab();
  if (lab.siteFile === null) throw new Error('the lab has no site file');
  // Beside the lab's own sites dir (its `../secrets/…` references resolve); without the cluster no simulator serves.
  dir = mkdtempSync(join(lab.stateDir, 'sites-check-'));
  const yaml = readFileSync(lab.siteFile, 'utf8').replace(/^ {2}- name: obsmall\n(?: {4}.*\n)*/m, '');
  writeFileSync(join(dir, 'xizang.yml'), yaml);
}, 120_000);
afterAll(async () => {
  await sim?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('opsgate sites check on real-deployment variants', () => {
  it('finds no difference', async () => {
    const r = await opsgate(['sites', 'check', 'xizang'], { OPSGATE_SITES: dir });
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^sites check xizang: 0 difference\(s\), 0 unreadable; 18 host\(s\), \d+ instance\(s\) in/),
    ]);
    expect(r.code).toBe(0);
  });
});
