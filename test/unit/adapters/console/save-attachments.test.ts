import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveAttachments } from '../../../../src/adapters/console/save-attachments.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const finished = (names: string[]): EngineEvent =>
  ({
    site: 'xizang',
    runId: 'run_1',
    at: 0,
    type: 'step.finished',
    stepId: 'resources',
    status: 'succeeded',
    summary: 'ok',
    hosts: [],
    probes: [],
    findings: names.map((name) => ({
      status: 'manual',
      title: name,
      evidence: 'see the file',
      attachment: { name, mimeType: 'text/csv', text: 'host,port\nredis-a,6379\n' },
    })),
  }) as unknown as EngineEvent;

describe('saveAttachments', () => {
  it('writes each finding attachment under <dir>/<run>/<name> and names its path and size in the thread', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'og-artefacts-'));
    dirs.push(dir);
    const lines = saveAttachments(finished(['middleware-resources-xizang.csv']), dir);
    const file = path.join(dir, 'run_1', 'middleware-resources-xizang.csv');
    expect(readFileSync(file, 'utf8')).toBe('host,port\nredis-a,6379\n');
    expect(lines).toEqual([`    attachment middleware-resources-xizang.csv (text/csv, 23 bytes): ${file}`]);
  });

  it('keeps a file name with slashes or dots inside the run directory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'og-artefacts-'));
    dirs.push(dir);
    const lines = saveAttachments(finished(['../../etc/evil.csv']), dir);
    expect(lines[0]).toContain(path.join(dir, 'run_1', '__.._etc_evil.csv'));
    expect(readFileSync(path.join(dir, 'run_1', '__.._etc_evil.csv'), 'utf8')).toContain('redis-a');
  });

  it('writes nothing for an event without attachments', () => {
    expect(saveAttachments(finished([]), '/nonexistent-dir-for-test')).toEqual([]);
  });
});
