import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveAttachments } from '../../../../src/adapters/console/save-attachments.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';
import { createChartRenderer } from '../../../../src/adapters/charts/create-chart-renderer.ts';
import { pngSize } from '../../../support/png-image.ts';
import { recordedProbeChart } from '../../../support/recorded-probe-series.ts';

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

  it("writes a chart's data and, beside it, its picture as a PNG", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'og-artefacts-'));
    dirs.push(dir);
    const { findings } = await recordedProbeChart();
    const e = { ...(finished([]) as object), stepId: 'probe-chart', findings } as unknown as EngineEvent;
    const lines = saveAttachments(e, dir, createChartRenderer());
    const png = path.join(dir, 'run_1', 'probe-latency-obcluster.png');
    expect(pngSize(readFileSync(png))).toEqual({ width: 1200, height: 520 });
    expect(readFileSync(path.join(dir, 'run_1', 'probe-latency-obcluster.json'), 'utf8')).toContain('"zone":"zone1"');
    expect(lines[1]).toBe(`    chart probe-latency-obcluster.png (image/png, 1200×520): ${png}`);
  });

  it('writes only the data when no renderer is given, and says so when the data cannot be drawn', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'og-artefacts-'));
    dirs.push(dir);
    const bad = finished(['probe-latency-x.json']) as unknown as { findings: { attachment: object }[] };
    const f = bad.findings[0];
    if (f) f.attachment = { ...f.attachment, mimeType: 'application/json', chart: 'probe-series' };
    expect(saveAttachments(bad as unknown as EngineEvent, dir)).toHaveLength(1);
    const lines = saveAttachments(bad as unknown as EngineEvent, dir, createChartRenderer());
    expect(lines.at(-1)).toBe('    ⚠ chart of probe-latency-x.json not drawn: its data is unreadable');
  });
});
