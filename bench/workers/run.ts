/**
 * Worker benchmark: `npx tsx bench/workers/run.ts [--sites 10] [--workers 1,2,4]`.
 * Brings up a bare lab of N sshd hosts (prefix `<OPSGATE_LAB_PREFIX>b`), writes one site file per host, and for
 * each worker count W starts W `opsgate worker` processes (each serving every site) and one bot process
 * (bench/workers/bot.ts: the engine as `opsgate start --no-worker` wires it) that requests N lab-move-dir runs at
 * once (4 steps, one gated, a few commands each on its site's host), approves their gates and waits for all.
 * Prints throughput (runs/min, steps/s) and the bot's peak RSS per W; the last line is one JSON object.
 * Uses REDIS_URL (default the local Redis) under a unique prefix per round, removed at the end; the bare lab
 * is taken down at the end unless OPSGATE_LAB_KEEP=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { deleteKeysUnder } from '../../test/support/redis-test-keys.ts';
import { labDown, labExec, labRefFromEnv, labUp } from '../../src/wiring/lab/index.ts';
import { writeBenchSites } from './bench-sites.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'opsgate.js');
const STEPS_PER_RUN = 4;
const { values } = parseArgs({
  options: { sites: { type: 'string', default: '10' }, workers: { type: 'string', default: '1,2,4' } },
});
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
    };
    return {
      workers,
      runs: r.runs,
      completed: r.completed,
      seconds: r.seconds,
      runsPerMinute: Math.round((r.completed / r.seconds) * 60 * 10) / 10,
      stepsPerSecond: Math.round(((r.completed * STEPS_PER_RUN) / r.seconds) * 100) / 100,
      botMaxRssMb: r.maxRssMb,
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
      `${w} worker(s): ${r.completed}/${r.runs} runs in ${r.seconds.toFixed(1)} s = ${r.runsPerMinute} runs/min, ${r.stepsPerSecond} steps/s; bot peak RSS ${r.botMaxRssMb} MB\n`,
    );
  }
  const goal = Math.max(...rounds.map((r) => r.botMaxRssMb)) <= 200;
  process.stdout.write(
    `${JSON.stringify({ bench: 'workers', sites: siteCount, stepsPerRun: STEPS_PER_RUN, rounds, botRssGoalMet: goal })}\n`,
  );
} finally {
  rmSync(sitesDir, { recursive: true, force: true });
  if (process.env.OPSGATE_LAB_KEEP !== '1') await labDown({ prefix: ref.prefix, net: ref.net, bare: true });
}
