/**
 * CLI start-up benchmark: `npx tsx bench/cli-startup/run.ts [--runs 20] [-- ARGS…]` (default ARGS: `--help`).
 * Times `node bin/opsgate.js ARGS` from spawn to exit, interleaved: the compiled build (`OPSGATE_CLI=dist`, what
 * the systemd units and a production install run), the sources through tsx (`OPSGATE_CLI=src`, a development
 * checkout without a build), and `node -e 0` (Node's own start, the floor). Prints median, p90 and min per
 * variant; the last line is one JSON object. Needs a fresh build (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { distFreshness } from '../../bin/dist-freshness.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '20' } },
  allowPositionals: true,
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const args = positionals.length > 0 ? positionals : ['--help'];
const dist = distFreshness(REPO);
if (dist.state !== 'fresh') {
  process.stderr.write(`bench/cli-startup: dist/ is ${dist.state}: run \`npm run build\` first\n`);
  process.exit(2);
}

const bin = join(REPO, 'bin', 'opsgate.js');
const variants = {
  dist: { argv: [bin, ...args], env: { OPSGATE_CLI: 'dist' } },
  src: { argv: [bin, ...args], env: { OPSGATE_CLI: 'src' } },
  node: { argv: ['-e', '0'], env: {} },
} as const;
type Variant = keyof typeof variants;

function timeOnce(v: Variant): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, variants[v].argv, {
    cwd: REPO,
    env: { ...process.env, ...variants[v].env },
    stdio: 'ignore',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${v}: exited ${String(r.status)}`);
  return ms;
}

const load0 = loadavg()[0] ?? 0;
const samples: Record<Variant, number[]> = { dist: [], src: [], node: [] };
for (const v of Object.keys(variants) as Variant[]) timeOnce(v); // warm the file cache
for (let i = 0; i < runs; i++) for (const v of Object.keys(variants) as Variant[]) samples[v].push(timeOnce(v));

const at = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN);
};
const figures = Object.fromEntries(
  (Object.keys(samples) as Variant[]).map((v) => [
    v,
    { medianMs: at(samples[v], 0.5), p90Ms: at(samples[v], 0.9), minMs: at(samples[v], 0) },
  ]),
) as Record<Variant, { medianMs: number; p90Ms: number; minMs: number }>;
const label: Record<Variant, string> = {
  dist: 'compiled (OPSGATE_CLI=dist)',
  src: 'sources through tsx (OPSGATE_CLI=src)',
  node: 'node -e 0 (the floor)',
};
process.stdout.write(
  `opsgate ${args.join(' ')}: ${runs} runs each, interleaved; ${cpus().length} cores, load ${load0.toFixed(1)}\n`,
);
for (const v of Object.keys(figures) as Variant[]) {
  const f = figures[v];
  process.stdout.write(`${label[v].padEnd(40)} median ${f.medianMs} ms, p90 ${f.p90Ms} ms, min ${f.minMs} ms\n`);
}
const goalMet = figures.dist.medianMs <= 300;
process.stdout.write(`goal: compiled median <= 300 ms: ${goalMet ? 'met' : 'NOT met'}\n`);
process.stdout.write(
  `${JSON.stringify({ bench: 'cli-startup', args, runs, cores: cpus().length, loadAvg1mAtStart: load0, ...figures, goalMet })}\n`,
);
