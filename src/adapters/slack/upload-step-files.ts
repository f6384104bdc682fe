import { describeError } from '../../core/opsgate-error.ts';
import type { OutputArtefactRef, OutputArtefacts } from '../../core/ports/artefacts.ts';
import type { EngineEvent } from '../../core/ports/events.ts';
import { chartImagesOf, type ChartRenderer } from '../../core/ports/chart-renderer.ts';
import type { ThreadEffect } from './run-thread-state.ts';

/** What the uploads under a step's reply need: the poster's upload, where outputs are kept, charts, a logger. */
export interface StepFilesDeps {
  readonly poster: {
    upload(
      channel: string,
      threadTs: string,
      file: { filename: string; content: string | Uint8Array; title?: string },
    ): Promise<void>;
  };
  readonly artefacts?: Pick<OutputArtefacts, 'get'>;
  readonly charts?: ChartRenderer;
  readonly log: { warn(obj: object, msg: string): void };
}

/**
 * The files under a finished step's reply in its run's thread: each finding's attachment, a chart's picture in
 * place of its data (a chart that cannot be drawn is logged and its data uploaded as it is), then each host's whole
 * output kept by the workers (an expired or unreadable one is logged and skipped).
 */
export async function uploadStepFiles(
  deps: StepFilesDeps,
  at: { readonly channel: string; readonly threadTs: string },
  e: EngineEvent,
  effect: Extract<ThreadEffect, { kind: 'step-reply' }>,
): Promise<void> {
  const { channel, threadTs } = at;
  const charts =
    e.type === 'step.finished'
      ? chartImagesOf(e.findings, deps.charts, (name, err) =>
          deps.log.warn({ runId: e.runId, attachment: name, err: describeError(err) }, 'chart not drawn'),
        )
      : [];
  for (const f of effect.files.filter((x) => !charts.some((c) => c.source === x.filename)))
    await deps.poster.upload(channel, threadTs, { ...f, title: f.filename });
  for (const c of charts)
    await deps.poster.upload(channel, threadTs, {
      filename: c.image.filename,
      content: c.image.png,
      title: c.image.filename,
    });
  for (const o of effect.outputs) await uploadOutput(deps, at, e, o);
}

async function uploadOutput(
  deps: StepFilesDeps,
  { channel, threadTs }: { readonly channel: string; readonly threadTs: string },
  e: EngineEvent,
  o: { filename: string; artefact: OutputArtefactRef },
): Promise<void> {
  const content = await deps.artefacts?.get(o.artefact.key).catch((err: unknown) => {
    deps.log.warn({ runId: e.runId, key: o.artefact.key, err: describeError(err) }, 'step output not readable');
    return undefined;
  });
  if (content === undefined) {
    deps.log.warn({ runId: e.runId, key: o.artefact.key }, 'step output not uploaded: not available');
    return;
  }
  await deps.poster.upload(channel, threadTs, {
    filename: o.filename,
    content,
    title: `${o.filename}${o.artefact.capped ? ' (capped)' : ''}`,
  });
}
