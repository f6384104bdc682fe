import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderEvent } from '../../../src/adapters/console/render-event.ts';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import { RunThreadPublisher } from '../../../src/adapters/slack/run-thread-publisher.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import { executeStep } from '../../../src/core/engine/execute-step.ts';
import { StepSchema } from '../../../src/core/plan/step-schema.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import type { CapturedOutput, CommandResult, RemoteSession } from '../../../src/core/ports/remote.ts';
import { RedisOutputArtefacts } from '../../../src/adapters/redis/redis-output-artefacts.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { webClientFor } from '../../support/slack/web-client.ts';

let keys: RedisTestKeys;
let fake: FakeSlackWebApi;
let dir: string;
let seq = 0;

beforeEach(async () => {
  keys = new RedisTestKeys();
  fake = await FakeSlackWebApi.start();
  dir = mkdtempSync(join(tmpdir(), 'opsgate-artefact-'));
});
afterEach(async () => {
  await keys.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = 1_700_000_000_000;
const artefactsOf = (capBytes?: number) =>
  new RedisOutputArtefacts({
    redis: keys.connect(),
    prefix: keys.prefix,
    clock: { now: () => now },
    ids: { next: (p) => `${p}${++seq}` },
    ...(capBytes === undefined ? {} : { capBytes }),
  });

/** What the runner reports for a stream it spooled: head and tail in memory, the whole of it in a file. */
function spooled(text: string, name: string): CapturedOutput {
  const path = join(dir, name);
  writeFileSync(path, text);
  return {
    head: text.slice(0, 1000),
    tail: text.slice(-1000),
    totalBytes: Buffer.byteLength(text),
    truncated: true,
    spoolPath: path,
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}
const inMemory = (text: string): CapturedOutput => ({
  head: text,
  tail: '',
  totalBytes: Buffer.byteLength(text),
  truncated: false,
  sha256: createHash('sha256').update(text).digest('hex'),
});

/** A session whose one host prints `stdout` and `stderr`. */
function remotePrinting(stdout: CapturedOutput, stderr: CapturedOutput): RemoteSession {
  const result = (host: string, command: string): CommandResult => ({
    host,
    command,
    exitCode: 0,
    stdout,
    stderr,
    startedAt: 0,
    durationMs: 5,
  });
  return {
    exec: async (host, req) => result(host, req.command),
    fanOut: async (hosts, req) =>
      hosts.map((host) => ({ host, status: 'done' as const, result: result(host, req(host).command) })),
    upload: async () => Promise.reject(new Error('no upload here')),
    learnSecret: () => undefined,
    redact: (t) => t,
    close: async () => undefined,
  };
}

const longStdout = Array.from({ length: 20_000 }, (_, i) => `line ${i} of the migration log`).join('\n');

describe('long step output', () => {
  it('is stored whole by the worker and uploaded as a file into the run thread', async () => {
    const artefacts = artefactsOf();
    const step = StepSchema.parse({
      kind: 'check',
      id: 'dump',
      title: 'dump the log',
      targets: { kind: 'hosts', hosts: ['redis-a'] },
      commands: [{ host: 'redis-a', command: 'cat /var/log/x' }],
    });
    const outcome = await executeStep({
      step,
      remote: remotePrinting(spooled(longStdout, 'out.log'), inMemory('warning: slow disk\n')),
      manualScripted: false,
      storeOutput: (host, stdout, stderr) =>
        artefacts.put({ site: 'xizang', runId: 'run_1', stepId: step.id, host }, stdout, stderr),
      clock: { now: () => now },
    });
    const ref = outcome.outputs[0]?.artefact;
    expect(ref).toMatchObject({ capped: false, expiresAt: now + 30 * 24 * 3600 * 1000 });

    const poster = new SlackPoster({ client: fromWebClient(webClientFor(fake)), minPostIntervalMs: 0 });
    const publisher = new RunThreadPublisher({
      poster,
      now: () => now,
      channelOf: () => 'CXIZANG',
      log: { warn: () => undefined, error: () => undefined },
      parentEditDelayMs: 0,
      artefacts,
    });
    const base = { site: 'xizang', runId: 'run_1' };
    const events: EngineEvent[] = [
      {
        ...base,
        at: now,
        type: 'run.planned',
        title: 'dump',
        planHash: 'ff',
        dryRun: false,
        rendered: '',
        steps: [{ id: 'dump', title: 'dump the log', kind: 'check', destructive: false, hash: 'a1' }],
      },
      {
        ...base,
        at: now,
        type: 'step.started',
        stepId: 'dump',
        title: 'dump the log',
        attempt: 1,
        phase: 'forward',
        targets: ['redis-a'],
      },
      { ...base, at: now, type: 'step.output-summary', stepId: 'dump', outputs: outcome.outputs },
      {
        ...base,
        at: now,
        type: 'step.finished',
        stepId: 'dump',
        status: outcome.status,
        hosts: outcome.hosts,
        probes: [],
        findings: [],
        summary: outcome.summary,
      },
    ];
    for (const e of events) await publisher.handle(e);
    await poster.idle();
    const parentTs = publisher.threadOf('run_1')?.ts;
    expect(fake.ok('files.completeUploadExternal')[0]?.params).toMatchObject({
      channel_id: 'CXIZANG',
      thread_ts: parentTs,
    });
    // The upload is multipart form data: the file is the whole stdout, then the stderr.
    expect(fake.uploads[0]?.content).toContain(`${longStdout}\n--- stderr ---\nwarning: slow disk\n`);
    // The console says where to read it.
    expect(renderEvent(events[2] as EngineEvent).at(-1)).toContain(`redis-cli --raw GET ${ref?.key ?? '?'}`);
  });

  it('keeps only the start of an output over the cap and says so at the end of the file', async () => {
    const ref = await artefactsOf(4096).put(
      { site: 'xizang', runId: 'run_2', stepId: 'dump', host: 'redis-a' },
      spooled(longStdout, 'big.log'),
      inMemory(''),
    );
    const stored = (await artefactsOf().get(ref.key)) ?? '';
    expect(ref.capped).toBe(true);
    expect(stored.startsWith(longStdout.slice(0, 4096))).toBe(true);
    expect(stored).toContain(
      `output capped at 4096 bytes; ${Buffer.byteLength(longStdout) - 4096} more bytes left out`,
    );
    expect(await keys.connect().pttl(ref.key)).toBeGreaterThan(29 * 24 * 3600 * 1000);
  });

  it('leaves a short output to the tail in the reply, with nothing stored', async () => {
    const step = StepSchema.parse({
      kind: 'check',
      id: 'ping',
      title: 'ping',
      targets: { kind: 'hosts', hosts: ['redis-a'] },
      commands: [{ host: 'redis-a', command: 'redis-cli ping' }],
    });
    const artefacts = artefactsOf();
    const outcome = await executeStep({
      step,
      remote: remotePrinting(inMemory('PONG\n'), inMemory('')),
      manualScripted: false,
      storeOutput: (host, o, e) => artefacts.put({ site: 'x', runId: 'r', stepId: 'ping', host }, o, e),
      clock: { now: () => now },
    });
    expect(outcome.outputs[0]?.artefact).toBeUndefined();
    expect(await keys.connect().keys(`${keys.prefix}artefact:*`)).toEqual([]);
  });
});
