/**
 * Fan-out benchmark: opsgate's SSH runner next to parallel-ssh (OpenSSH's default key exchange and
 * curve25519), ansible and a sequential ssh loop, on a bare lab of N sshd hosts, for one command and for a
 * precheck-shaped 20 commands per host. Prints medians and ratios; the last line is one JSON object.
 *
 *   npx tsx bench/fanout/run.ts [--hosts 50] [--runs 3] [--heavy-runs 1] [--lab STATE_DIR] [--keep] [--only
 * opsgate,pssh…] [--seq-all]
 *     [--workload one|20] [--opsgate-mode batch|pipeline|per-command] [--channels 1]
 *
 * --opsgate-mode: how opsgate runs a workload's commands: `batch` (default) is one `fanOutSequence` in batch
 * mode, each host running its whole list over one exec channel; `pipeline` is one `fanOutSequence` with one
 * channel per command, each host running its own list with no barrier between hosts, `--channels` commands
 * of a host at once (the 20 precheck commands are independent reads); `per-command` is one `fanOut` per
 * command, a barrier each.
 * --workload: run only that workload (default both).
 *
 * --heavy-runs: runs of ansible and the ssh loop on the 20-command workload, minutes each on a small machine.
 *
 * Without --lab it runs `opsgate lab up --bare N` with OPSGATE_LAB_PREFIX/OPSGATE_LAB_NET (default: its own
 * prefix `fob` on 10.77.70, so the bare lab is `fobb` on 10.77.71) and takes that lab down at the end.
 */
import { parseArgs } from 'node:util';
import {
  bareLabDown,
  bareLabUp,
  benchLabEnv,
  clientCpuSeconds,
  labHostsCpuSeconds,
  machineCpuSeconds,
  readBareLab,
  type BareLab,
} from './bench-lab.ts';
import {
  closeControlMasters,
  CURVE25519,
  preparePeerFiles,
  runAnsible,
  runPssh,
  runSequentialSsh,
  type PeerFiles,
} from './cli-peers.ts';
import { describeMode, runOpsgate, type OpsgateMode } from './opsgate-peer.ts';
import { WORKLOADS, type WorkloadName } from './workloads.ts';
import { BARE_LAB_PEERS, requirePeers, type Peer as Program } from '../require-peers.ts';

interface Peer {
  readonly id: string;
  readonly label: string;
  readonly run: (commands: readonly string[]) => Promise<void>;
  /** On the 20-command workload: 'skip' unless --seq-all (the sequential loop), 'few' runs only --heavy-runs times. */
  readonly heavy20?: 'skip' | 'few';
}

interface Sample {
  readonly wallS: number;
  /** This process and its children: the peer's client side. */
  readonly clientCpuS: number;
  /** Every process inside the lab's hosts (sshd and what it ran): the peer's server side. */
  readonly hostsCpuS: number;
  /** The whole machine: client, every host's sshd, and whatever else runs. */
  readonly cpuS: number;
}

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    'heavy-runs': { type: 'string', default: '1' },
    lab: { type: 'string' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    'seq-all': { type: 'boolean', default: false },
    workload: { type: 'string' },
    'opsgate-mode': { type: 'string', default: 'batch' },
    channels: { type: 'string', default: '1' },
  },
});
const n = Number(args.hosts);
const runs = Number(args.runs);
const heavyRuns = Number(args['heavy-runs']);
if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error(`--hosts must be 1-200, got ${args.hosts}`);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${args.runs}`);
if (!Number.isInteger(heavyRuns) || heavyRuns < 1)
  throw new Error(`--heavy-runs must be a positive integer, got ${args['heavy-runs']}`);
const channels = Number(args.channels);
if (!Number.isInteger(channels) || channels < 1 || channels > 9)
  throw new Error(`--channels must be 1-9, got ${args.channels}`);
const modeArg = args['opsgate-mode'];
if (modeArg !== 'batch' && modeArg !== 'pipeline' && modeArg !== 'per-command')
  throw new Error(`--opsgate-mode must be batch, pipeline or per-command, got ${modeArg}`);
const mode: OpsgateMode = modeArg === 'pipeline' ? { kind: 'pipeline', channels } : { kind: modeArg };
const workloadArg = args.workload;
if (workloadArg !== undefined && workloadArg !== 'one' && workloadArg !== '20')
  throw new Error(`--workload must be one or 20, got ${workloadArg}`);
const workloadNames = (Object.keys(WORKLOADS) as WorkloadName[]).filter(
  (w) => workloadArg === undefined || (workloadArg === 'one' ? w === 'one command' : w === '20 commands'),
);

// Before the lab comes up: the programs the chosen peers spawn (and the bare lab's, unless --lab gives one).
const only = args.only?.split(',');
const SPAWNS: Readonly<Record<string, readonly Program[]>> = {
  pssh: ['parallel-ssh'],
  'pssh-curve25519': ['parallel-ssh'],
  ansible: ['ansible', 'ssh'],
  'ssh-loop': ['ssh'],
};
requirePeers(
  'bench/fanout',
  [
    ...(args.lab === undefined ? BARE_LAB_PEERS : []),
    ...Object.entries(SPAWNS).flatMap(([id, programs]) => (only === undefined || only.includes(id) ? programs : [])),
  ],
  'or leave their peers out with --only opsgate,pssh,pssh-curve25519,ansible,ssh-loop',
);

const env = benchLabEnv();
const lab: BareLab = args.lab === undefined ? bareLabUp(n, env) : readBareLab(args.lab);
const files: PeerFiles = preparePeerFiles(lab);
const p = lab.hosts.length;

const peers: Peer[] = [
  { id: 'opsgate', label: `opsgate runner (ssh2, ${p} at once)`, run: (c) => runOpsgate(lab, c, p, mode) },
  { id: 'pssh', label: `parallel-ssh -p ${p} (OpenSSH default kex)`, run: (c) => runPssh(lab, files, c, p) },
  {
    id: 'pssh-curve25519',
    label: `parallel-ssh -p ${p} (curve25519)`,
    run: (c) => runPssh(lab, files, c, p, CURVE25519),
  },
  { id: 'ansible', label: `ansible -f ${p} (shell, pipelining)`, run: (c) => runAnsible(files, c, p), heavy20: 'few' },
  {
    id: 'ssh-loop',
    label: 'sequential ssh loop',
    run: (c) => runSequentialSsh(lab, c),
    heavy20: args['seq-all'] ? 'few' : 'skip',
  },
];
const chosen = peers.filter((peer) => only === undefined || only.includes(peer.id));

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function measure(peer: Peer, commands: readonly string[]): Promise<Sample> {
  const cpu0 = machineCpuSeconds();
  const client0 = clientCpuSeconds();
  const hosts0 = labHostsCpuSeconds(lab);
  const t0 = process.hrtime.bigint();
  await peer.run(commands);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    wallS,
    clientCpuS: clientCpuSeconds() - client0,
    hostsCpuS: labHostsCpuSeconds(lab) - hosts0,
    cpuS: machineCpuSeconds() - cpu0,
  };
}

interface Figures {
  medianS: number;
  minS: number;
  maxS: number;
  clientCpuS: number;
  hostsCpuS: number;
  cpuS: number;
  runs: number;
}
const results: Record<string, Record<string, Figures>> = {};
try {
  console.log(
    `fan-out bench: ${p} hosts (${lab.stateDir}), ${runs} runs per peer and workload (${heavyRuns} for ansible on 20 commands), interleaved`,
  );
  console.log(`opsgate mode: ${describeMode(mode)}`);
  for (const name of workloadNames) {
    const commands = WORKLOADS[name];
    const twenty = name === '20 commands';
    const take = chosen.filter((peer) => !(twenty && peer.heavy20 === 'skip'));
    const samples = new Map<string, Sample[]>(take.map((peer) => [peer.id, []]));
    for (let r = 0; r < runs; r++) {
      for (const peer of take) {
        if (twenty && peer.heavy20 === 'few' && r >= heavyRuns) continue;
        const s = await measure(peer, commands);
        samples.get(peer.id)?.push(s);
        const cpu = `${s.clientCpuS.toFixed(1)} client + ${s.hostsCpuS.toFixed(1)} hosts CPU-s, ${s.cpuS.toFixed(1)} machine`;
        console.log(`  ${name} | run ${r + 1}/${runs} | ${peer.label}: ${s.wallS.toFixed(2)} s wall, ${cpu}`);
      }
    }
    results[name] = {};
    for (const peer of take) {
      const xs = samples.get(peer.id) ?? [];
      const walls = xs.map((x) => x.wallS);
      const entry = {
        medianS: median(walls),
        minS: Math.min(...walls),
        maxS: Math.max(...walls),
        clientCpuS: median(xs.map((x) => x.clientCpuS)),
        hostsCpuS: median(xs.map((x) => x.hostsCpuS)),
        cpuS: median(xs.map((x) => x.cpuS)),
        runs: xs.length,
      };
      (results[name] as Record<string, typeof entry>)[peer.id] = entry;
    }
  }
} finally {
  closeControlMasters(files.controlDir);
  if (args.lab === undefined && !args.keep) bareLabDown(env);
}

const ratio = (w: string, a: string, b: string, of: (f: Figures) => number = (f) => f.medianS): number | null => {
  const x = results[w]?.[a];
  const y = results[w]?.[b];
  return x === undefined || y === undefined || of(y) === 0 ? null : Number((of(x) / of(y)).toFixed(3));
};
const work = (f: Figures): number => f.clientCpuS + f.hostsCpuS;
const ratios = {
  oneVsPsshCurve25519: ratio('one command', 'opsgate', 'pssh-curve25519'),
  oneVsPssh: ratio('one command', 'opsgate', 'pssh'),
  oneVsAnsible: ratio('one command', 'opsgate', 'ansible'),
  twentyVsPsshCurve25519: ratio('20 commands', 'opsgate', 'pssh-curve25519'),
  twentyVsPssh: ratio('20 commands', 'opsgate', 'pssh'),
  twentyVsAnsible: ratio('20 commands', 'opsgate', 'ansible'),
  cpuOneVsPsshCurve25519: ratio('one command', 'opsgate', 'pssh-curve25519', work),
  cpuTwentyVsPsshCurve25519: ratio('20 commands', 'opsgate', 'pssh-curve25519', work),
  cpuTwentyVsPssh: ratio('20 commands', 'opsgate', 'pssh', work),
  cpuTwentyVsAnsible: ratio('20 commands', 'opsgate', 'ansible', work),
};
const goal = (v: number | null, max: number): string =>
  v === null ? 'n/a' : `${v.toFixed(3)}× (goal ≤ ${max}: ${v <= max ? 'met' : 'MISSED'})`;

console.log('');
for (const [w, byPeer] of Object.entries(results)) {
  console.log(
    `${w}: median wall (min-max); median CPU-s: client (this process and its children), lab hosts (sshd and what it ran), machine (includes other load)`,
  );
  for (const peer of chosen) {
    const e = byPeer[peer.id];
    if (e === undefined) continue;
    const wall = `${e.medianS.toFixed(2).padStart(7)} s (${e.minS.toFixed(2)}-${e.maxS.toFixed(2)})`;
    const cpu = `${e.clientCpuS.toFixed(1).padStart(6)} client ${e.hostsCpuS.toFixed(1).padStart(6)} hosts ${e.cpuS.toFixed(1).padStart(6)} machine`;
    console.log(`  ${peer.label.padEnd(44)} ${wall.padEnd(24)} ${cpu}`);
  }
}
console.log('');
console.log(`one command, opsgate / pssh same kex (curve25519): ${goal(ratios.oneVsPsshCurve25519, 1.0)}`);
console.log(`20 commands, opsgate / pssh (curve25519):         ${goal(ratios.twentyVsPsshCurve25519, 0.1)}`);
console.log(`20 commands, opsgate / pssh (default kex):        ${goal(ratios.twentyVsPssh, 0.1)}`);
console.log(`20 commands, opsgate / ansible:                   ${goal(ratios.twentyVsAnsible, 0.1)}`);
console.log(
  `CPU-s (client + hosts), opsgate / pssh (curve25519): one command ${ratios.cpuOneVsPsshCurve25519 ?? 'n/a'}×, 20 commands ${ratios.cpuTwentyVsPsshCurve25519 ?? 'n/a'}×`,
);
console.log(`(opsgate mode: ${describeMode(mode)})`);
console.log(JSON.stringify({ bench: 'fanout', hosts: p, runs, heavyRuns, opsgateMode: mode, results, ratios }));
