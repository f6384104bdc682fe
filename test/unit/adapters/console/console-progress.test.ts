import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsoleChat } from '../../../../src/adapters/console/run-console-chat.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';
import { FakeChatEngine } from '../../../support/slack/fake-chat-engine.ts';
import { MemoryEventSource } from '../../../support/slack/memory-event-source.ts';
import { xizangSlackSite } from '../../../support/slack/xizang-fixtures.ts';

const poll = (i: number, done = false): EngineEvent => ({
  site: 'xizang',
  runId: 'run_1',
  at: i * 2000,
  type: 'step.progress',
  stepId: 'f10-copy-files-fdfs-1',
  awaited: 'copy /mysql/storage0/data -> /mysql/fastdfs/storage/data',
  target: 'fdfs-1',
  elapsedMs: i * 2000,
  lastValue: `${(i + 1) * 10240} KiB of about 1228800 KiB read`,
  ...(done ? { done: true } : {}),
});

describe('the console during a long copy', () => {
  it('prints a few lines, not one per report, when its output is no terminal', async () => {
    const events = new MemoryEventSource();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const done = runConsoleChat({
      chat: new FakeChatEngine(),
      events,
      sites: [xizangSlackSite],
      input,
      output,
      user: 'U1',
    });
    while (!text.includes('acting as U1')) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 60; i++) events.push(poll(i));
    events.push(poll(60, true));
    while (!text.includes('ended after')) await new Promise((r) => setTimeout(r, 10));
    input.end();
    await done;
    const lines = text.split('\n').filter((l) => l.includes('copy /mysql/storage0/data'));
    // 61 reports over 2 minutes: the first, one per 15 s, and the end.
    expect(lines).toHaveLength(9);
    expect(lines[0]).toContain('waiting 0 s for copy /mysql/storage0/data -> /mysql/fastdfs/storage/data on fdfs-1');
    expect(lines.at(-1)).toContain('ended after 2m00s; last seen: 624640 KiB of about 1228800 KiB read');
  });
});
