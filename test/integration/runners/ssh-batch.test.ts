import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandRequest, OutputChunk } from '../../../src/core/ports/remote.ts';
import type { CommandOutcome } from '../../../src/runners/ssh/fan-out-sequence-hosts.ts';
import { sh } from '../../../src/core/shell-quote.ts';
import { runnerLab, sessionsClosedAfterEach, type RunnerLab } from './runner-lab.ts';

let lab: RunnerLab;
beforeAll(() => {
  lab = runnerLab();
});
const session = sessionsClosedAfterEach();

/** What a user sees of an outcome: status, exit code, both streams whole (spool file included), error code. */
const seen = (o: CommandOutcome | undefined): unknown => {
  if (o?.status !== 'done') return o?.status === 'error' ? ['error', (o.error as { code?: string }).code] : o?.status;
  const stream = (c: typeof o.result.stdout) => ({
    ...(c.spoolPath === undefined ? { head: c.head, tail: c.tail } : { whole: readFileSync(c.spoolPath, 'utf8') }),
    totalBytes: c.totalBytes,
    truncated: c.truncated,
    sha256: c.sha256,
  });
  return [o.result.command, o.result.exitCode, o.result.signal, stream(o.result.stdout), stream(o.result.stderr)];
};

/** exit code, stdout, stderr (heads) of a done outcome, else its status. */
const brief = (o: CommandOutcome | undefined): unknown =>
  o?.status === 'done' ? [o.result.exitCode, o.result.stdout.head, o.result.stderr.head] : o?.status;

/** Lines of `ps` on the host that name `marker` and are not zombies. */
const running = async (host: string, marker: string): Promise<string[]> =>
  (await lab.inHost(host, 'ps -eo stat=,args='))
    .split('\n')
    .filter((l) => l.includes(marker) && !l.trim().startsWith('Z') && !l.includes('ps -eo'));

/** A script that kills the sshd processes serving the batch whose command line names `marker` (not the listener). */
const killSshdOf = (marker: string): string =>
  [
    // `[s]leep …` matches the batch's processes but not this script's own command line.
    sh`for p in $(pgrep -f ${`[${marker.slice(0, 1)}]${marker.slice(1)}`}); do`,
    '  pp=$(ps -o ppid= -p "$p" | tr -d " ")',
    '  case "$(ps -o args= -p "$pp")" in *sshd*notty*) ;; *) continue ;; esac',
    '  mon=$(ps -o ppid= -p "$pp" | tr -d " ")',
    '  kill -9 "$pp"',
    '  case "$(ps -o args= -p "$mon")" in *priv*) kill -9 "$mon" ;; esac',
    'done',
  ].join('\n');

/** Resolves with the first chunk of output that contains `text`. */
const outputOf = (text: string): { onOutput: (c: OutputChunk) => void; seen: Promise<void> } => {
  let resolve = (): void => undefined;
  const seen = new Promise<void>((r) => (resolve = r));
  return { onOutput: (c) => (c.text.includes(text) ? resolve() : undefined), seen };
};

describe('SSH batch mode (one channel runs a host’s whole list)', () => {
  it('gives the same per-command results as one channel per command, hostile output included', async () => {
    const { session: s } = session([lab.host('kafka-1')], { capture: { headBytes: 1024, tailBytes: 1024 } });
    const list: CommandRequest[] = [
      { command: 'echo out; echo err >&2' },
      { command: "printf 'no newline'; printf 'err, no newline' >&2; exit 4" },
      // A forged frame (another nonce) and a bare separator are output like any other.
      {
        command: "printf '\\036OGB:0123456789abcdef0123456789abcdef E 1 0 0\\n\\036OGB:'; printf '\\036OGB:x Z\\n' >&2",
      },
      { command: "printf 'bin\\000\\001\\377\\036end'" },
      { command: 'seq 1 30000; seq 1 20000 >&2' },
      { command: 'cat; echo "rc=$? $0 $(id -un) $(pwd)"; exit 300' },
      { command: 'bash -n -c "if"; echo after' },
      // $$ is the command's own shell, as with one channel per command (not the batch driver's).
      { command: '[ "$$" = "$BASHPID" ] && echo "own shell"' },
    ];
    const batch = await s.runBatch('kafka-1', list);
    const perCommand = await s.fanOutSequence(['kafka-1'], () => list);
    expect(batch.map(seen)).toEqual(perCommand[0]?.outcomes.map(seen));
    expect(brief(batch[1])).toEqual([4, 'no newline', 'err, no newline']);
    const long = batch[4]?.status === 'done' ? batch[4].result.stdout : undefined;
    expect(long).toMatchObject({ truncated: true, totalBytes: 168_894 });
    expect(brief(batch[5])).toEqual([44, 'rc=0 bash root /root\n', '']);
    expect(brief(batch[7])).toEqual([0, 'own shell\n', '']);
  });

  it('runs every command of the list over one channel, in order, each in a process group of its own', async () => {
    const { session: s } = session([lab.host('kafka-2')]);
    // The first two run in the driver's subshells, the third (it reads $$) in a bash of its own.
    const out = await s.runBatch('kafka-2', [
      { command: 'p=$BASHPID; echo 1 $(ps -o ppid=,pgid= -p $p) $p "[${__og_n-}${__og_i-}]"' },
      { command: 'p=$BASHPID; echo 2 $(ps -o ppid=,pgid= -p $p) $p "[${__og_n-}${__og_i-}]"' },
      { command: 'echo 3 $(ps -o ppid=,pgid= -p $$) $$ "[${__og_n-}${__og_i-}]"' },
    ]);
    const rows = out.map((o) => (o.status === 'done' ? o.result.stdout.head.trim().split(/\s+/) : []));
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    // One driver (the parent of every command) on one channel; every command leads its own process group.
    expect(new Set(rows.map((r) => r[1])).size).toBe(1);
    for (const r of rows) expect(r[2]).toBe(r[3]);
    expect(new Set(rows.map((r) => r[2])).size).toBe(3);
    // The driver's variables, the nonce among them, are not visible to a command.
    expect(rows.map((r) => r[4])).toEqual(['[]', '[]', '[]']);
  });

  it('kills a timed-out command with everything it started, then runs the next one; with stopOnFailure runs none after it', async () => {
    const { session: s } = session([lab.host('fdfs-3')]);
    for (const stopOnFailure of [false, true]) {
      const marker = `sleep 8${Date.now() % 100000}`;
      const out = await s.runBatch(
        'fdfs-3',
        [
          { command: 'echo one' },
          { command: `${marker}1 & ${marker}2 & wait`, timeoutMs: 1500 },
          { command: 'echo three' },
        ],
        { stopOnFailure },
      );
      expect(out[1]?.status === 'error' && out[1].error).toMatchObject({
        code: 'SSH_TIMEOUT',
        fields: { host: 'fdfs-3', killed: true },
      });
      expect(out.map((o) => o.status)).toEqual(
        stopOnFailure ? ['done', 'error', 'skipped'] : ['done', 'error', 'done'],
      );
      if (!stopOnFailure) expect(brief(out[2])).toEqual([0, 'three\n', '']);
      expect(await running('fdfs-3', marker)).toEqual([]);
    }
  });

  it('redacts a secret in the output, split across writes, and in the command it names', async () => {
    const secret = 'hunter2-batch-secret';
    const { session: s } = session([lab.host('kafka-3')], { secrets: [secret] });
    const chunks: OutputChunk[] = [];
    const out = await s.runBatch(
      'kafka-3',
      [
        { command: sh`printf 'hunter2-'; sleep 0.2; printf 'batch-secret\\n'; echo ${secret} >&2` },
        { command: 'echo clean' },
      ],
      { onOutput: (c) => chunks.push(c) },
    );
    expect(brief(out[0])).toEqual([0, '***\n', '***\n']);
    expect(out[0]?.command).toContain('echo *** >&2');
    expect(chunks.map((c) => c.text).join('')).not.toContain('hunter2');
    expect(
      chunks
        .filter((c) => c.stream === 'stdout')
        .map((c) => c.text)
        .join(''),
    ).toBe('***\nclean\n');
  });

  it('aborting kills the running command and starts none after it', async () => {
    const { session: s } = session([lab.host('kafka-1')]);
    const marker = `sleep 7${Date.now() % 100000}`;
    const started = outputOf('started');
    const ac = new AbortController();
    const run = s.runBatch(
      'kafka-1',
      [{ command: 'echo one' }, { command: `echo started; ${marker}` }, { command: 'echo three' }],
      { signal: ac.signal, onOutput: started.onOutput },
    );
    await started.seen;
    ac.abort();
    const out = await run;
    expect(out.map((o) => o.status)).toEqual(['done', 'error', 'skipped']);
    expect(out[1]?.status === 'error' && out[1].error).toMatchObject({ code: 'SSH_ABORTED', fields: { killed: true } });
    expect(await running('kafka-1', marker)).toEqual([]);
  });

  it('a host whose sshd dies mid-batch gives a typed error naming the host and the command; what did not run is skipped', async () => {
    const { session: s } = session([lab.host('kafka-2')]);
    const marker = `sleep 6${Date.now() % 100000}`;
    const started = outputOf('started');
    const run = s.runBatch(
      'kafka-2',
      [{ command: 'echo one' }, { command: `echo started; ${marker}` }, { command: 'echo three' }],
      { onOutput: started.onOutput },
    );
    await started.seen;
    // Kill the connection's sshd processes (the driver's parent and its privileged monitor), as a crash would.
    await lab.inHost('kafka-2', killSshdOf(marker));
    const out = await run;
    expect(brief(out[0])).toEqual([0, 'one\n', '']);
    expect(out[1]?.status === 'error' && out[1].error).toMatchObject({
      code: 'SSH_BATCH_INTERRUPTED',
      fields: { host: 'kafka-2', command: `echo started; ${marker}`, index: 2 },
    });
    expect(out[2]?.status).toBe('skipped');
    await lab.inHost('kafka-2', sh`pkill -f ${`[${marker.slice(0, 1)}]${marker.slice(1)}`}; true`);
  });

  it('a driver killed mid-batch (the connection still up) gives SSH_BATCH_INTERRUPTED saying so', async () => {
    const { session: s } = session([lab.host('kafka-3')]);
    const marker = `sleep 5${Date.now() % 100000}`;
    const started = outputOf('started');
    const run = s.runBatch('kafka-3', [{ command: `echo started; ${marker}` }, { command: 'echo two' }], {
      onOutput: started.onOutput,
    });
    await started.seen;
    // The driver and its subshells carry the batch's command line; the command's sleep is in their group.
    const own = `[${marker.slice(0, 1)}]${marker.slice(1)}`;
    await lab.inHost('kafka-3', sh`pkill -KILL -f ${own}; true`);
    const out = await run;
    expect(out[0]?.status === 'error' && out[0].error).toMatchObject({
      code: 'SSH_BATCH_INTERRUPTED',
      fields: { host: 'kafka-3', index: 1 },
    });
    expect(out[0]?.status === 'error' && out[0].error.message).toMatch(/driver was killed/);
    expect(out[1]?.status).toBe('skipped');
  });

  it('in fanOutSequence batch mode gives every host its outcomes, an unreachable one an error and the rest skipped', async () => {
    const { session: s } = session([
      lab.host('kafka-1'),
      lab.host('kafka-2', { address: `${lab.net}.250`, readyTimeoutMs: 1500 }),
    ]);
    const out = await s.fanOutSequence(
      ['kafka-1', 'kafka-2'],
      (h) => [{ command: `echo a-${h}` }, { command: 'echo b' }],
      { batch: true },
    );
    expect(out[0]?.outcomes.map(brief)).toEqual([
      [0, 'a-kafka-1\n', ''],
      [0, 'b\n', ''],
    ]);
    expect(out[1]?.outcomes[0]?.status === 'error' && out[1].outcomes[0].error).toMatchObject({
      code: 'SSH_UNREACHABLE',
      fields: { host: 'kafka-2' },
    });
    expect(out[1]?.outcomes[1]?.status).toBe('skipped');
  });

  it('rejects a list it cannot run as one batch before touching the host', async () => {
    const { session: s } = session([lab.host('kafka-1')]);
    await expect(s.runBatch('kafka-1', [{ command: 'cat', stdin: 'x' }])).rejects.toMatchObject({
      code: 'SSH_CONFIG_INVALID',
    });
    await expect(s.runBatch('kafka-1', [{ command: 'x'.repeat(130_000) }])).rejects.toMatchObject({
      code: 'SSH_CONFIG_INVALID',
    });
    await expect(
      s.fanOutSequence(['kafka-1'], () => [{ command: 'true' }], { batch: true, channelsPerHost: 2 }),
    ).rejects.toThrow(RangeError);
  });
});
