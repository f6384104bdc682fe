import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineEvent } from '../../core/ports/events.ts';
import { chartImagesOf, type ChartRenderer } from '../../core/ports/chart-renderer.ts';
import { clean } from './render-event.ts';

/** A name reduced to one safe path segment: a runbook or run id can never climb out of the artefacts dir. */
function segment(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return t === '' ? '_' : t;
}

/**
 * Writes the finding attachments of a `step.finished` event (e.g. the precheck's middleware resources
 * document, Markdown and CSV) to `<dir>/<run>/<name>`, and returns the thread lines that name each file's path
 * and size: the terminal's counterpart of Slack's file upload. Other events write nothing. The attachments hold
 * no secret (the session redacted their inputs) and their text is never printed, only where it was written.
 * Synchronous on purpose: the lines are printed in event order with the event they belong to. With `charts`, a
 * chart's data (the OceanBase probe's latency over the upgrade) is also drawn and written beside it as a PNG.
 */
export function saveAttachments(e: EngineEvent, dir: string, charts?: ChartRenderer): string[] {
  if (e.type !== 'step.finished') return [];
  const files = e.findings.flatMap((f) => (f.attachment === undefined ? [] : [f.attachment]));
  if (files.length === 0) return [];
  const runDir = path.join(dir, segment(e.runId));
  try {
    mkdirSync(runDir, { recursive: true });
    const written = files.map((a) => {
      const file = path.join(runDir, segment(a.name));
      writeFileSync(file, a.text, { mode: 0o640 });
      return `    attachment ${clean(a.name)} (${a.mimeType}, ${Buffer.byteLength(a.text)} bytes): ${file}`;
    });
    const notDrawn: string[] = [];
    const pictures = chartImagesOf(e.findings, charts, (name) => notDrawn.push(name)).map(({ image }) => {
      const file = path.join(runDir, segment(image.filename));
      writeFileSync(file, image.png, { mode: 0o640 });
      return `    chart ${clean(image.filename)} (image/png, ${image.width}×${image.height}): ${file}`;
    });
    return [
      ...written,
      ...pictures,
      ...notDrawn.map((n) => `    ⚠ chart of ${clean(n)} not drawn: its data is unreadable`),
    ];
  } catch (err) {
    return [
      `    ⚠ could not write ${files.length} attachment(s) of ${e.stepId} under ${runDir}: ${err instanceof Error ? clean(err.message) : 'unknown error'}`,
    ];
  }
}
