/**
 * Reading the dep file out of a large real RPM: `npx tsx bench/oceanbase/read-dep-file.ts [--mb N] [--runs K]`.
 * Builds, with rpmbuild in a temp dir, an oceanbase-ce-shaped RPM whose bin/observer is N MiB of incompressible
 * bytes (default 400, a real observer's order of size) and the lab's dep file, then reads the dep file K times
 * (default 5) with readUpgradeDepFile. Prints, per run and as medians: wall time, opsgate's own CPU time (the
 * payload goes from rpm2cpio to cpio without passing through opsgate, so it stays small), and the process's
 * peak RSS. The last line is one JSON object. Needs rpmbuild, rpm2cpio and cpio (scripts/setup.sh).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEP_FILE_PATH, readUpgradeDepFile } from '../../src/adapters/files/read-upgrade-dep-file.ts';
import { buildRpm } from '../../test/support/oceanbase/build-rpm.ts';
import { requirePeers } from '../require-peers.ts';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '400' }, runs: { type: 'string', default: '5' } },
});
const mb = Number(values.mb);
const runs = Number(values.runs);
if (!(mb > 0) || !Number.isInteger(runs) || runs < 1)
  throw new Error('--mb must be a positive number and --runs a positive integer');
requirePeers('bench/oceanbase', ['rpmbuild', 'rpm2cpio', 'cpio']);

const dep = readFileSync(new URL('../../lab/obsim/oceanbase_upgrade_dep.yml', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'ob-rpm-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
try {
  const built = performance.now();
  const observer = { randomBytes: Math.round(mb * 1024 * 1024) };
  const rpm = buildRpm(dir, {
    name: 'oceanbase-ce',
    version: '4.4.1.0',
    files: { 'home/admin/oceanbase/bin/observer': observer, [DEP_FILE_PATH]: dep },
    payload: 'w1.gzdio',
  });
  const rpmMb = statSync(rpm).size / 1024 / 1024;
  console.log(`built ${rpmMb.toFixed(0)} MiB RPM in ${((performance.now() - built) / 1000).toFixed(1)} s`);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const text = await readUpgradeDepFile(rpm);
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    if (text !== dep) throw new Error('the dep file read differs from the one packed');
    console.log(`run ${i + 1}: ${wall[i]?.toFixed(0)} ms wall, ${cpu[i]?.toFixed(1)} ms opsgate CPU`);
  }
  const result = {
    rpm_mib: Math.round(rpmMb),
    runs,
    wall_ms_median: Math.round(median(wall)),
    opsgate_cpu_ms_median: Number(median(cpu).toFixed(1)),
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    load1: Number(loadavg()[0]?.toFixed(2)),
  };
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
