/**
 * Ack latency of slash commands through Bolt's real HTTP receiver: signed `/precheck` requests, 50 at a
 * time, against the app (with the fake Web API and an in-memory engine) running in its own process
 * (bench/slack/app-server.ts). Prints the figures; the last line is one JSON object. Goal: p99 ≤ 50 ms.
 *
 *   npx tsx bench/slack/run.ts [--rounds 20] [--concurrency 50] [--client http|fetch] [--cpu-prof <dir>]
 *
 * `--client http` (the default) sends with node:http over kept-alive connections, signing before the clock
 * starts (Slack signs on its side); `--client fetch` is the earlier client (fetch, signing inside the timed
 * window), which costs this process more CPU than the app spends per request, on the same two cores.
 * `--cpu-prof <dir>` writes a V8 CPU profile of the app process into <dir> (open it in Chrome DevTools).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { postSigned, signedHeaders, slashCommandBody } from '../../test/support/slack/sign-request.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const rounds = arg('rounds', 20);
const concurrency = arg('concurrency', 50);
const clientIndex = process.argv.indexOf('--client');
const client = clientIndex >= 0 ? process.argv[clientIndex + 1] : 'http';
if (client !== 'http' && client !== 'fetch') throw new Error('--client must be http or fetch');
const profIndex = process.argv.indexOf('--cpu-prof');
const profDir = profIndex >= 0 ? process.argv[profIndex + 1] : undefined;
if (profIndex >= 0 && (profDir === undefined || profDir.startsWith('--')))
  throw new Error('--cpu-prof needs a directory');
const secret = randomBytes(16).toString('hex');
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Starts a bench helper under tsx and returns it with the JSON object of its first stdout line. */
async function startHelper<T>(
  file: string,
  args: string[],
  nodeArgs: string[] = [],
): Promise<{ proc: ChildProcess; info: T }> {
  const proc = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const [line] = (await once(createInterface({ input: proc.stdout as Readable }), 'line')) as [string];
  return { proc, info: JSON.parse(line) as T };
}

// Three processes, as in production: Slack (the fake), the app under test, and the load generator (this one).
const slack = await startHelper<{ apiUrl: string; responseBase: string }>('./fake-server.ts', [
  String((rounds + 1) * concurrency),
]);
let allRespondedAt = NaN;
createInterface({ input: slack.proc.stdout as Readable }).on('line', (l) => {
  allRespondedAt = (JSON.parse(l) as { allRespondedAt: number }).allRespondedAt;
});
let responses = NaN;
createInterface({ input: slack.proc.stderr as Readable }).on('line', (l) => {
  responses = (JSON.parse(l) as { responses: number }).responses;
});
const server = await startHelper<{ url: string; cpuMs: number }>(
  './app-server.ts',
  [secret, slack.info.apiUrl],
  profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir],
);
const { url } = server.info;
let appCpuMs = NaN;
createInterface({ input: server.proc.stderr as Readable }).on('line', (l) => {
  appCpuMs = (JSON.parse(l) as { appCpuMs: number }).appCpuMs;
});
const { responseBase } = slack.info;
let n = 0;

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

/** POSTs a signed body with node:http; resolves with the status once the whole answer is in. */
function postHttp(body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0)).on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function one(): Promise<number> {
  const id = ++n;
  const body = slashCommandBody({
    command: '/precheck',
    text: 'xizang',
    user_id: 'UOPERATOR',
    channel_id: 'CXIZANG',
    response_url: `${responseBase}b${id}`,
    trigger_id: `bench-${id}`,
  });
  if (client === 'http') {
    const headers = signedHeaders(body, { secret });
    const t0 = performance.now();
    const status = await postHttp(body, headers);
    const dt = performance.now() - t0;
    if (status !== 200) throw new Error(`request ${id}: HTTP ${status}`);
    return dt;
  }
  const t0 = performance.now();
  const res = await postSigned(url, body, { secret });
  await res.arrayBuffer();
  const dt = performance.now() - t0;
  if (res.status !== 200) throw new Error(`request ${id}: HTTP ${res.status}`);
  return dt;
}

try {
  // Warm-up round (JIT, sockets), not counted.
  await Promise.all(Array.from({ length: concurrency }, one));
  const samples: number[] = [];
  const clientCpu = process.cpuUsage();
  for (let r = 0; r < rounds; r++) samples.push(...(await Promise.all(Array.from({ length: concurrency }, one))));
  const lastAckAt = Date.now();
  const { user: clientUser, system: clientSystem } = process.cpuUsage(clientCpu);
  // Let the work done after the acks finish (the app also finishes its queued work when stopped), then count
  // the responses Slack received.
  await new Promise((r) => setTimeout(r, 2000));
  for (const p of [server.proc, slack.proc]) {
    p.kill('SIGTERM');
    await once(p, 'exit');
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const result = {
    bench: 'slack-ack-latency',
    client,
    requests: samples.length,
    concurrency,
    p50_ms: Number(percentile(sorted, 50).toFixed(2)),
    p99_ms: Number(percentile(sorted, 99).toFixed(2)),
    max_ms: Number((sorted.at(-1) ?? NaN).toFixed(2)),
    goal_p99_ms: 50,
    handled_after_ack: responses,
    // How long after the last ack the last response reached Slack: the work deferred behind the acks.
    work_done_ms_after_last_ack: Number.isNaN(allRespondedAt) ? null : Math.max(0, allRespondedAt - lastAckAt),
    // CPU the app process used per request (ack and the work after it), start-up included: what bounds p99
    // when the machine is shared; and the same without start-up (tsx compiling, Bolt loading).
    app_cpu_ms_per_request: Number((appCpuMs / n).toFixed(2)),
    app_cpu_ms_per_request_after_startup: Number(((appCpuMs - server.info.cpuMs) / n).toFixed(2)),
    // This load generator's own CPU per measured request (signing, fetch): it shares the two cores too.
    client_cpu_ms_per_request: Number(((clientUser + clientSystem) / 1000 / samples.length).toFixed(2)),
  };
  console.log(
    `${result.requests} signed /precheck requests, ${concurrency} concurrent: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms; ${responses} handled after the ack`,
  );
  console.log(JSON.stringify(result));
  // Every acknowledged request must have had its work done: the responses Slack received, warm-up included.
  if (responses !== n) {
    console.error(`only ${responses} of ${n} requests were answered after their ack`);
    process.exitCode = 1;
  }
} finally {
  agent.destroy();
  for (const p of [server.proc, slack.proc]) if (p.exitCode === null) p.kill('SIGTERM');
}
