/**
 * Precheck benchmark: what a person waits for after `/precheck`, next to the floor and the team's way today.
 *
 *   npx tsx bench/precheck/run.ts [--hosts 200] [--runs 1] [--no-pssh]      (--hosts 50,100,200 for the curve)
 *
 * On a bare lab of N sshd hosts (`opsgate lab up --bare N` with OPSGATE_LAB_PREFIX/OPSGATE_LAB_NET, default prefix
 * `opp` on 10.77.80) it writes a Xizang-shaped site (bench/precheck/precheck-site.ts: the middleware and PaaS
 * groups the precheck reads, so every step runs its commands) and runs, for each N:
 * - opsgate: the real /precheck runbook end to end: a bot process (the engine without a worker) requests it and
 *   follows the event stream to `run.finished`; a worker process (`opsgate worker`, started once per N and warmed
 *   by one untimed precheck) takes the steps from BullMQ and runs them over SSH. Wall time from the request to
 *   `run.finished`; CPU of the bot and the worker over the run;
 * - floor: the same commands issued directly by the SSH runner in batch mode, one channel per host (commands that
 *   take secrets on stdin over a channel of their own), a fresh session as a run has;
 * - pssh: parallel-ssh (-p 50, curve25519 as ssh2 negotiates), one invocation per distinct command of a step (a
 *   command naming its host is one invocation per host), steps one after the other, stdin with -I.
 * Prints wall times, CPU and the ratios per N; the last line is one JSON object. Uses REDIS_URL (default the local
 * Redis) under a unique prefix, removed at the end; the bare lab is taken down unless OPSGATE_LAB_KEEP=1.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { deleteKeysUnder } from '../../test/support/redis-test-keys.ts';
import { loadSite } from '../../src/adapters/files/load-site.ts';
import { siteSecretSource } from '../../src/adapters/files/site-secret-source.ts';
import { createRunbookRegistry } from '../../src/core/engine/runbook-registry.ts';
import { resolveStdinSecrets } from '../../src/core/engine/resolve-stdin-secrets.ts';
import { stdinText } from '../../src/core/plan/describe-command.ts';
import type { Plan } from '../../src/core/plan/step-schema.ts';
import { siteDirectory, toSite, type Site } from '../../src/core/sites/site.ts';
import { ALL_RUNBOOKS } from '../../src/runbooks/all-runbooks.ts';
import { PRECHECK_RUNBOOK } from '../../src/runbooks/xizang/precheck/precheck.ts';
import { createSshSession } from '../../src/runners/ssh/create-ssh-session.ts';
import { sshConfigOf } from '../../src/wiring/ssh-hosts-from-site.ts';
import { labDown, labRefFromEnv, labUp, REPO_ROOT, type LabInfo } from '../../src/wiring/lab/index.ts';
import { clientCpuSeconds } from '../fanout/bench-lab.ts';
import { CURVE25519 } from '../fanout/cli-peers.ts';
import { BARE_LAB_PEERS, requirePeers } from '../require-peers.ts';
import { writePrecheckSite } from './precheck-site.ts';
import { procCpuSeconds, runToExit, startProcess } from './processes.ts';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '200' },
    runs: { type: 'string', default: '1' },
    'no-pssh': { type: 'boolean', default: false },
  },
});
const sizes = args.hosts.split(',').map(Number);
const runs = Number(args.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 13 || n > 200)) throw new Error('--hosts: 13 to 200 each');
requirePeers(
  'bench/precheck',
  [...(args['no-pssh'] ? [] : (['parallel-ssh', 'ssh'] as const)), ...BARE_LAB_PEERS],
  'or leave parallel-ssh out with --no-pssh',
);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ref = labRefFromEnv(process.env, { prefix: 'opp', net: '10.77.80' });
const registry = createRunbookRegistry(ALL_RUNBOOKS);

/** One timed sample: wall seconds, and the CPU seconds of the processes that count for it. */
interface Sample {
  readonly wallS: number;
  readonly cpuS: number;
  readonly detail?: Record<string, number | string>;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
};
const r2 = (x: number): number => Math.round(x * 100) / 100;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

async function siteOf(file: string): Promise<Site> {
  const loaded = await loadSite(file, { env: process.env });
  if (!loaded.ok) throw new Error(`${file}: ${loaded.error.map((p) => p.message).join('; ')}`);
  return toSite(loaded.value.site, loaded.value.baseDir);
}

/** Every command of the plan with its stdin (secrets resolved), in plan order. */
async function commandsOf(site: Site, plan: Plan) {
  const secrets = siteSecretSource(siteDirectory([site]), process.env);
  const out: { step: string; host: string; command: string; stdin?: string }[] = [];
  for (const step of plan.steps) {
    const values = await resolveStdinSecrets(secrets, site.name, step, () => undefined);
    for (const c of step.commands) {
      const stdin = stdinText(c, values);
      out.push({ step: step.id, host: c.host, command: c.command, ...(stdin === undefined ? {} : { stdin }) });
    }
  }
  return out;
}

/** The floor: the runner alone, every host's commands over one batch channel (stdin ones over their own). */
async function floor(site: Site, commands: Awaited<ReturnType<typeof commandsOf>>): Promise<Sample> {
  const setup = await sshConfigOf(site, process.env);
  const spoolDir = mkdtempSync(join(tmpdir(), 'opsgate-bench-floor-'));
  const hosts = [...new Set(commands.map((c) => c.host))];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const session = createSshSession({ hosts: setup.hosts, secrets: setup.secrets, spoolDir });
  let errors = 0;
  try {
    const batched = session.fanOutSequence(
      hosts,
      (h) => commands.filter((c) => c.host === h && c.stdin === undefined).map((c) => ({ command: c.command })),
      { batch: true },
    );
    const alone = commands
      .filter((c) => c.stdin !== undefined)
      .map((c) => session.exec(c.host, { command: c.command, stdin: c.stdin ?? '' }).catch(() => void errors++));
    for (const h of await batched) errors += h.outcomes.filter((o) => o.status !== 'done').length;
    await Promise.all(alone);
  } finally {
    await session.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wallS, cpuS: (cpu.user + cpu.system) / 1e6, detail: { errors } };
}

/** parallel-ssh, one invocation per distinct command of a step; a step's invocations share -p 50. */
async function pssh(lab: LabInfo, commands: Awaited<ReturnType<typeof commandsOf>>): Promise<Sample> {
  const cpu0 = clientCpuSeconds();
  const t0 = performance.now();
  let invocations = 0;
  for (const step of [...new Set(commands.map((c) => c.step))]) {
    const groups = new Map<string, { command: string; stdin?: string; hosts: string[] }>();
    for (const c of commands.filter((x) => x.step === step)) {
      const key = `${c.command}\0${c.stdin ?? ''}`;
      const g = groups.get(key) ?? {
        command: c.command,
        ...(c.stdin === undefined ? {} : { stdin: c.stdin }),
        hosts: [],
      };
      g.hosts.push(c.host);
      groups.set(key, g);
    }
    const list = [...groups.values()];
    const at = Math.max(1, Math.floor(50 / Math.max(...list.map((g) => g.hosts.length))));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < list.length) {
        const g = list[next++];
        if (g === undefined) return;
        invocations++;
        await runToExit(
          'parallel-ssh',
          [
            ...g.hosts.flatMap((h) => ['-H', h]),
            '-p',
            '50',
            '-t',
            '60',
            '-x',
            `-F ${lab.sshConfig}`,
            '-O',
            CURVE25519,
            ...(g.stdin === undefined ? [] : ['-I']),
            g.command,
          ],
          g.stdin,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(at, list.length) }, worker));
  }
  return { wallS: (performance.now() - t0) / 1000, cpuS: clientCpuSeconds() - cpu0, detail: { invocations } };
}

/**
 * opsgate end to end: one worker process serving the site (as a deployed worker runs for days: a first, untimed
 * precheck loads what it loads lazily), then per sample a bot process requesting the precheck; the CPU of the bot
 * and of the worker over each run.
 */
async function product(sitesDir: string, samples: number): Promise<Sample[]> {
  const prefix = `bench-${randomUUID()}:`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redisUrl,
    OPSGATE_REDIS_PREFIX: prefix,
    OPSGATE_SITES: sitesDir,
    LOG_LEVEL: 'warn',
    OPSGATE_CLI: 'src',
    OPSGATE_STATE_DIR: mkdtempSync(join(tmpdir(), 'opsgate-bench-state-')),
  };
  delete env.SLACK_BOT_TOKEN;
  delete env.SLACK_SIGNING_SECRET;
  const worker = startProcess(process.execPath, [join(REPO_ROOT, 'bin', 'opsgate.js'), 'worker'], env);
  const once = async (): Promise<Sample> => {
    const w0 = procCpuSeconds(worker.pid);
    const bot = startProcess(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'bench', 'precheck', 'bot.ts')],
      env,
    );
    await bot.exited;
    const w1 = procCpuSeconds(worker.pid);
    const line = bot.out().trim().split('\n').at(-1) ?? '';
    if (!line.startsWith('{')) throw new Error(`the bot printed no result: ${bot.err().slice(-2000)}`);
    const r = JSON.parse(line) as { outcome: string; steps: number; seconds: number; cpuSeconds: number };
    if (r.outcome !== 'completed') throw new Error(`the precheck ended ${r.outcome}`);
    return {
      wallS: r.seconds,
      cpuS: r.cpuSeconds + (w1 - w0),
      detail: { botCpuS: r3(r.cpuSeconds), workerCpuS: r3(w1 - w0), steps: r.steps },
    };
  };
  try {
    await worker.waitFor(/serving/);
    await once();
    const out: Sample[] = [];
    for (let i = 0; i < samples; i++) out.push(await once());
    return out;
  } finally {
    worker.kill();
    await worker.exited;
    const redis = new Redis(redisUrl);
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
    rmSync(String(env.OPSGATE_STATE_DIR), { recursive: true, force: true });
  }
}

const lab = await labUp({ prefix: ref.prefix, net: ref.net, bare: Math.max(...sizes) });
const rows: Record<string, unknown>[] = [];
try {
  for (const n of sizes) {
    const sitesDir = mkdtempSync(join(tmpdir(), 'opsgate-bench-precheck-'));
    try {
      const site = await siteOf(writePrecheckSite(lab, sitesDir, n));
      const plan = registry.buildPlan(PRECHECK_RUNBOOK, site, {});
      const commands = await commandsOf(site, plan);
      const samples: Record<'opsgate' | 'floor' | 'pssh', Sample[]> = { opsgate: [], floor: [], pssh: [] };
      await floor(site, commands); // untimed: the bench process's own first connections
      for (let i = 0; i < runs; i++) samples.floor.push(await floor(site, commands));
      samples.opsgate.push(...(await product(sitesDir, runs)));
      for (let i = 0; i < runs && !args['no-pssh']; i++) samples.pssh.push(await pssh(lab, commands));
      const sum = (s: readonly Sample[]) => ({
        wallS: r2(median(s.map((x) => x.wallS))),
        cpuS: r2(median(s.map((x) => x.cpuS))),
        ...(s.at(-1)?.detail ?? {}),
        samplesWallS: s.map((x) => r2(x.wallS)),
      });
      const o = sum(samples.opsgate);
      const f = sum(samples.floor);
      const p = samples.pssh.length > 0 ? sum(samples.pssh) : undefined;
      const row = {
        hosts: n,
        steps: plan.steps.length,
        commands: commands.length,
        opsgate: o,
        floor: f,
        ...(p ? { pssh: p } : {}),
        ratios: {
          opsgate_vs_floor: r2(o.wallS / f.wallS),
          ...(p ? { opsgate_vs_pssh: r3(o.wallS / p.wallS) } : {}),
        },
      };
      rows.push(row);
      process.stdout.write(
        `${n} hosts, ${commands.length} commands in ${plan.steps.length} steps: ` +
          `opsgate ${o.wallS} s (CPU bot+worker ${o.cpuS} s), floor ${f.wallS} s (CPU ${f.cpuS} s)` +
          (p ? `, pssh ${p.wallS} s (CPU ${p.cpuS} s)` : '') +
          `; opsgate/floor ${row.ratios.opsgate_vs_floor}×` +
          (p ? `, opsgate/pssh ${row.ratios.opsgate_vs_pssh}×` : '') +
          '\n',
      );
    } finally {
      rmSync(sitesDir, { recursive: true, force: true });
    }
  }
  const top = rows.at(-1) as { ratios: { opsgate_vs_floor: number; opsgate_vs_pssh?: number } } | undefined;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'precheck',
      runs,
      cores: cpus().length,
      load_average_1m: r2(loadavg()[0] ?? 0),
      rows,
      goals: {
        opsgate_vs_floor_max: 1.5,
        opsgate_vs_pssh_max: 0.05,
        met:
          top !== undefined &&
          top.ratios.opsgate_vs_floor <= 1.5 &&
          (top.ratios.opsgate_vs_pssh === undefined || top.ratios.opsgate_vs_pssh <= 0.05),
      },
    })}\n`,
  );
} finally {
  if (process.env.OPSGATE_LAB_KEEP !== '1') await labDown({ prefix: ref.prefix, net: ref.net, bare: true });
}
