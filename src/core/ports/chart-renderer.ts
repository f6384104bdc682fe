import type { Finding } from '../plan/run-state.ts';
import { probeSeriesSchema, type ProbeSeries } from '../plan/probe-series.ts';

/** A chart drawn as a PNG picture. */
export interface ChartImage {
  /** The file name, e.g. `probe-latency-obcluster.png`. */
  readonly filename: string;
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Draws the charts whose data runbooks record (a finding attachment with `chart`), so that chat can show a
 * picture where one says more than lines; an adapter implements it with a charting library.
 */
export interface ChartRenderer {
  probeSeries(series: ProbeSeries, filename: string): ChartImage;
}

/** A chart drawn from one attachment, with the attachment's name (chat may show the picture in its place). */
export interface AttachmentChart {
  readonly source: string;
  readonly image: ChartImage;
}

/**
 * The pictures of the chart attachments among `findings`. An attachment whose data does not parse, or that the
 * renderer fails on, is left out and reported through `onError`: a picture is a convenience, never a reason to
 * lose the rest of a step's reply.
 */
export function chartImagesOf(
  findings: readonly Finding[],
  renderer: ChartRenderer | undefined,
  onError: (name: string, err: unknown) => void = () => {},
): AttachmentChart[] {
  if (renderer === undefined) return [];
  return findings.flatMap((f) => {
    const a = f.attachment;
    if (a?.chart !== 'probe-series') return [];
    try {
      const series = probeSeriesSchema.parse(JSON.parse(a.text));
      return [{ source: a.name, image: renderer.probeSeries(series, a.name.replace(/\.json$/, '') + '.png') }];
    } catch (err) {
      onError(a.name, err);
      return [];
    }
  });
}
