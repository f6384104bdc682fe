/**
 * Worker benchmark: `npx tsx bench/workers/run.ts [--sites 100] [--workers 1,4]`.
 * Brings up a bare lab of N sshd hosts (prefix `<OPSGATE_LAB_PREFIX>b`), writes one site file per host, and for
 * each worker count W starts W `opsgate worker` processes (each serving every site) and one bot process
 * (bench/workers/bot.ts: the engine as `opsgate start --no-worker` wires it) that requests N lab-move-dir runs at
 * once (4 steps, one gated, a few commands each on its site's host), approves their gates and waits for all.
 * Prints throughput (runs/min, steps/s), the time from a gate's decision to the start of its step (p50, p99) and
 * the bot's peak RSS per W; the last line is one JSON object.
 * Uses REDIS_URL (default the local Redis) under a unique prefix per round, removed at the end; the bare lab
 * is taken down at the end unless OPSGATE_LAB_KEEP=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { deleteKeysUnder } from '../../test/support/redis-test-keys.ts';
import { labDown, labExec, labRefFromEnv, labUp } from '../../src/wiring/lab/index.ts';
import { writeBenchSites } from './bench-sites.ts';
import { BARE_LAB_PEERS, requirePeers } from '../require-peers.ts';
import { distFreshness } from '../../bin/dist-freshness.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'opsgate.js');
const STEPS_PER_RUN = 4;
const { values } = parseArgs({
  options: { sites: { type: 'string', default: '100' }, workers: { type: 'string', default: '1,4' } },
});
requirePeers('bench/workers', BARE_LAB_PEERS);
const siteCount = Number(values.sites);
const workerCounts = values.workers.split(',').map(Number);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ref = labRefFromEnv(process.env, { prefix: 'og', net: '10.77.0' });

interface Round {
  readonly workers: number;
  readonly runs: number;
  readonly completed: number;
  readonly seconds: number;
  readonly runsPerMinute: number;
  readonly stepsPerSecond: number;
  readonly botMaxRssMb: number;
  /** From a gate's decision to the start of the step it let through. */
  readonly decisionToStartMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Of which `engine.decide` in the bot (recording the decision, enqueueing the step). */
  readonly decideMs: { readonly p50: number; readonly p99: number };
  /** From a gate's opening to the bot reading it, through the site's event stream (what the Slack follower waits). */
  readonly gateSeenMs: { readonly p50: number; readonly p99: number };
  /** The first few runs that did not complete, each with its failed step and the reason. */
  readonly failures: readonly string[];
}

/** The value at quantile `q` of `xs` (nearest rank), rounded to a millisecond. */
function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN);
}

function startProcess(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; out: () => string; waitFor: (re: RegExp) => Promise<void> } {
  const child = spawn(process.execPath, argv, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (errText += d.toString()));
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (!re.test(out) && child.exitCode === null) return;
        clearInterval(timer);
        if (re.test(out)) resolve();
        else reject(new Error(`${argv.join(' ')} exited ${String(child.exitCode)}: ${errText.slice(-2000)}`));
      }, 100);
    });
  return { child, out: () => out, waitFor };
}

async function round(workers: number, sitesDir: string): Promise<Round> {
  const prefix = `bench-${randomUUID()}:`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redisUrl,
    OPSGATE_REDIS_PREFIX: prefix,
    OPSGATE_SITES: sitesDir,
    LOG_LEVEL: 'warn',
    OPSGATE_STATE_DIR: mkdtempSync(join(tmpdir(), 'opsgate-bench-')),
  };
  delete env.SLACK_BOT_TOKEN;
  delete env.SLACK_SIGNING_SECRET;
  const procs = Array.from({ length: workers }, () => startProcess([BIN, 'worker'], env));
  try {
    await Promise.all(procs.map((p) => p.waitFor(/serving/)));
    const bot = startProcess(['--import', 'tsx', join(REPO, 'bench', 'workers', 'bot.ts')], env);
    procs.push(bot);
    await bot.waitFor(/\}\n/);
    const r = JSON.parse(bot.out().trim().split('\n').at(-1) ?? '{}') as {
      runs: number;
      completed: number;
      seconds: number;
      maxRssMb: number;
      decisionToStartMs: number[];
      decideMs: number[];
      gateSeenMs: number[];
      failures: string[];
    };
    const d = r.decisionToStartMs;
    return {
      workers,
      runs: r.runs,
      completed: r.completed,
      seconds: r.seconds,
      runsPerMinute: Math.round((r.completed / r.seconds) * 60 * 10) / 10,
      stepsPerSecond: Math.round(((r.completed * STEPS_PER_RUN) / r.seconds) * 100) / 100,
      botMaxRssMb: r.maxRssMb,
      decisionToStartMs: { p50: quantile(d, 0.5), p99: quantile(d, 0.99), max: quantile(d, 1) },
      decideMs: { p50: quantile(r.decideMs, 0.5), p99: quantile(r.decideMs, 0.99) },
      gateSeenMs: { p50: quantile(r.gateSeenMs, 0.5), p99: quantile(r.gateSeenMs, 0.99) },
      failures: r.failures.slice(0, 5),
    };
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(
      procs.map((p) => (p.child.exitCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)),
    );
    const redis = new Redis(redisUrl);
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
  }
}

// The workers run as `opsgate worker` does: the compiled build when it is fresh, else the sources through tsx.
const cli = distFreshness(REPO).state === 'fresh' ? 'dist' : 'src';
const load0 = loadavg()[0] ?? 0;
const lab = await labUp({ prefix: ref.prefix, net: ref.net, bare: siteCount });
const sitesDir = mkdtempSync(join(tmpdir(), 'opsgate-bench-sites-'));
try {
  writeBenchSites(lab, sitesDir, siteCount);
  const rounds: Round[] = [];
  for (const w of workerCounts) {
    const reset =
      'rm -rf /tmp/opsgate-bench && mkdir -p /tmp/opsgate-bench/data && echo x > /tmp/opsgate-bench/data/file';
    await Promise.all(lab.hosts.slice(0, siteCount).map((h) => labExec(lab.ref, h.name, ['sh', '-c', reset])));
    const r = await round(w, sitesDir);
    rounds.push(r);
    process.stdout.write(
      `${w} worker(s): ${r.completed}/${r.runs} runs in ${r.seconds.toFixed(1)} s = ${r.runsPerMinute} runs/min, ${r.stepsPerSecond} steps/s; decision to step start p50 ${r.decisionToStartMs.p50} ms, p99 ${r.decisionToStartMs.p99} ms (engine.decide p50 ${r.decideMs.p50} ms, p99 ${r.decideMs.p99} ms); gate opened to seen by the bot p50 ${r.gateSeenMs.p50} ms, p99 ${r.gateSeenMs.p99} ms; bot peak RSS ${r.botMaxRssMb} MB\n`,
    );
    for (const f of r.failures) process.stdout.write(`  not completed: ${f}\n`);
  }
  const goal = Math.max(...rounds.map((r) => r.botMaxRssMb)) <= 200;
  process.stdout.write(
    `${JSON.stringify({ bench: 'workers', sites: siteCount, stepsPerRun: STEPS_PER_RUN, cli, cores: cpus().length, loadAvg1mAtStart: load0, rounds, botRssGoalMet: goal })}\n`,
  );
} finally {
  rmSync(sitesDir, { recursive: true, force: true });
  if (process.env.OPSGATE_LAB_KEEP !== '1') await labDown({ prefix: ref.prefix, net: ref.net, bare: true });
}
