import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRunbook } from '../../../../src/core/ports/runbook.ts';
import type { CommandRequest, CommandResult, ExecOptions } from '../../../../src/core/ports/remote.ts';
import { progressReporter } from '../../../../src/core/engine/progress-reporter.ts';
import { silentLog } from '../../../../src/core/engine/engine-deps.ts';
import { parseProgressMark, progressMark } from '../../../../src/core/plan/progress-mark.ts';
import { MemoryAudit } from '../../../support/fakes/memory-audit.ts';
import { MemoryEvents } from '../../../support/fakes/memory-run-store.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { harness } from './harness.ts';

/** A host whose command prints tar's checkpoint lines, one a second, split across output chunks. */
class CopyingRemote extends FakeRemote {
  tick: (ms: number) => void = () => {};
  override async exec(host: string, req: CommandRequest, opts: ExecOptions = {}): Promise<CommandResult> {
    for (let i = 1; i <= 30; i++) {
      this.tick(1000);
      const line = `tar: ${progressMark('copy /a -> /b')}${i * 10240} KiB of about 307200 KiB read\n`;
      opts.onOutput?.({ host, stream: 'stderr', text: line.slice(0, 20) });
      opts.onOutput?.({ host, stream: 'stderr', text: line.slice(20) });
    }
    return super.exec(host, req, opts);
  }
}

const copyRunbook = defineRunbook({
  id: 'test-copy',
  title: 'A long copy',
  args: z.object({}),
  build: (site) => ({
    runbook: 'test-copy',
    site: site.name,
    title: 'Copy',
    args: {},
    steps: [
      {
        kind: 'check',
        id: 'copy',
        title: 'Copy a large store',
        targets: { kind: 'hosts', hosts: ['fdfs-3'] },
        commands: [{ host: 'fdfs-3', command: 'true' }],
      },
    ],
  }),
});

describe('progress of long waits', () => {
  it("turns a command's ##progress lines into a few step.progress events carrying what the software printed", async () => {
    const remote = new CopyingRemote();
    const h = harness({ runbooks: [copyRunbook], remote });
    remote.tick = (ms) => h.advance(ms);
    const runId = await h.start({}, 'test-copy');
    const events = h.events.of('step.progress');
    // 30 reports over 30 s: the first, one per 5 s, and the last (done): not one per line.
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.length).toBeLessThanOrEqual(9);
    expect(events[0]).toMatchObject({ stepId: 'copy', awaited: 'copy /a -> /b', target: 'fdfs-3' });
    expect(events.at(-1)).toMatchObject({ lastValue: '307200 KiB of about 307200 KiB read', done: true });
    expect(events.map((e) => e.elapsedMs)).toEqual([...events.map((e) => e.elapsedMs)].sort((a, b) => a - b));
    // Not audited: the hash-chained trail holds the step, never its progress.
    const audited = await h.audit.read('lab', { runId });
    expect(audited.map((a) => a.type)).not.toContain('step.progress');
    expect(audited.map((a) => a.type)).toContain('step.finished');
    // Every progress event comes before the step's end, so a chat can finalise its progress line there.
    const all = h.events.types();
    expect(all.lastIndexOf('step.progress')).toBeLessThan(all.indexOf('step.finished'));
  });

  it("reports a program's polls: the first, one per interval, every change of wait and each wait's end", async () => {
    let now = 0;
    const events = new MemoryEvents();
    const r = progressReporter(
      { events, audit: new MemoryAudit(), clock: { now: () => now }, log: silentLog },
      { site: 's', runId: 'r1' },
      'wait-zone',
      { everyMs: 5000, redact: (t) => t.replace('s3cret', '***') },
    );
    for (let i = 0; i < 20; i++) {
      await r.report({ awaited: 'zone z1 is INACTIVE', lastValue: `0 (want 1) s3cret`, elapsedMs: i * 1000 });
      now += 1000;
    }
    await r.report({ awaited: 'zone z1 is INACTIVE', lastValue: '1 (want 1)', elapsedMs: 20_000, done: true });
    await r.report({ awaited: 'every observer is serving', lastValue: '2 not yet', elapsedMs: 0 });
    await r.finish();
    const got = events.of('step.progress');
    expect(got.map((e) => [e.awaited, e.elapsedMs, e.done === true])).toEqual([
      ['zone z1 is INACTIVE', 0, false],
      ['zone z1 is INACTIVE', 5000, false],
      ['zone z1 is INACTIVE', 10_000, false],
      ['zone z1 is INACTIVE', 15_000, false],
      ['zone z1 is INACTIVE', 20_000, true],
      ['every observer is serving', 0, false],
      ['every observer is serving', 0, true],
    ]);
    expect(got[0]?.lastValue).toBe('0 (want 1) ***');
  });

  it('reads a progress line wherever a tool puts it, and nothing else', () => {
    expect(parseProgressMark(`tar: ${progressMark('copy /a | /b')}10 KiB`)).toEqual({
      awaited: 'copy /a / /b',
      value: '10 KiB',
    });
    expect(parseProgressMark('##progress without a value')).toBeUndefined();
    expect(parseProgressMark('copied 10 KiB')).toBeUndefined();
  });
});
