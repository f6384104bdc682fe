import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../../../src/adapters/slack/check-message.ts';
import { renderProgress, type StepProgressEvent } from '../../../../src/adapters/slack/render-progress.ts';

const hostile = ['<!channel>', '<@UEVIL> *bold* `code`', 'x'.repeat(50_000), '\u001b[31mred\u001b[0m\n\t', '&<>'];

const wait = (i: number, done = false): StepProgressEvent => ({
  site: 'xizang',
  runId: 'run_1',
  at: 0,
  type: 'step.progress',
  stepId: 'f10-copy-files-fdfs-1',
  awaited: hostile[i % 5] ?? '',
  target: hostile[(i + 1) % 5] ?? '',
  elapsedMs: i * 61_000,
  lastValue: hostile[(i + 2) % 5] ?? '',
  ...(done ? { done: true } : {}),
});

describe('the progress message of a step', () => {
  it('stays within Block Kit limits and inert, whatever the waits hold and however many there are', () => {
    for (const n of [0, 1, 3, 8, 9, 40])
      for (const ended of [false, true]) {
        const m = renderProgress(
          'f10-copy-files-fdfs-1',
          Array.from({ length: n }, (_, i) => wait(i, i % 2 === 0)),
          ended,
        );
        expect(checkMessage(m)).toEqual([]);
        expect(JSON.stringify(m)).not.toContain('<!channel>');
        expect(JSON.stringify(m)).not.toContain('<@UEVIL>');
      }
  });

  it('says each wait with its time and last value, and counts the ones left out', () => {
    const waits = Array.from({ length: 10 }, (_, i) => ({
      ...wait(i),
      awaited: `zone zone${i} is INACTIVE`,
      target: 'obcluster',
      lastValue: `${i} (want 1)`,
    }));
    const text = JSON.stringify(renderProgress('zone-waits', waits).blocks);
    expect(text).toContain(
      ':hourglass_flowing_sand: zone zone9 is INACTIVE on obcluster: waiting 9 min 09 s; last seen: 9 (want 1)',
    );
    expect(text).not.toContain('zone zone1 is');
    expect(text).toContain('Step zone-waits: waiting (2 earlier wait(s) not shown)');
    expect(JSON.stringify(renderProgress('zone-waits', waits, true).blocks)).toContain(
      ':hourglass: zone zone9 is INACTIVE on obcluster: ended after 9 min 09 s',
    );
  });
});
