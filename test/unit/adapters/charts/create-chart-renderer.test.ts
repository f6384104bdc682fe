import { describe, expect, it } from 'vitest';
import { createChartRenderer } from '../../../../src/adapters/charts/create-chart-renderer.ts';
import type { ProbeSeries } from '../../../../src/core/plan/probe-series.ts';
import { countPixels, pngPixels, pngSize } from '../../../support/png-image.ts';
import { recordedProbeChart } from '../../../support/recorded-probe-series.ts';

const renderer = createChartRenderer();

async function recorded(): Promise<ProbeSeries> {
  const { series } = await recordedProbeChart();
  if (series === undefined) throw new Error('the recorded log gave no series');
  return series;
}

/** The failed-request bars: a strong red (the bar colour over white). */
const red = (r: number, g: number, b: number) => r > 200 && g < 130 && b < 130;
/** Zone bands: a light tint (each band's colour at 25% over white), neither white nor grey. */
const tint = (r: number, g: number, b: number) =>
  Math.max(r, g, b) >= 200 && Math.max(r, g, b) - Math.min(r, g, b) >= 25 && Math.min(r, g, b) >= 180;

describe('probe chart', () => {
  it('draws the recorded upgrade as a 1200×520 PNG with a quarter or more of it drawn on', async () => {
    const image = renderer.probeSeries(await recorded(), 'probe-latency-obcluster.png');
    expect(image.filename).toBe('probe-latency-obcluster.png');
    expect(pngSize(image.png)).toEqual({ width: 1200, height: 520 });
    expect({ width: image.width, height: image.height }).toEqual({ width: 1200, height: 520 });
    const px = pngPixels(image.png);
    const drawn = countPixels(px, (r, g, b) => r < 250 || g < 250 || b < 250);
    expect(drawn / (px.width * px.height)).toBeGreaterThan(0.25);
  });

  it('shows failed requests as red bars, and none when no request failed', async () => {
    const series = await recorded();
    const clean: ProbeSeries = {
      ...series,
      buckets: series.buckets.map((b) => (b === null ? b : { ...b, errors: 0 })),
    };
    // The legend's red swatch is there in both: the bars are what differs.
    const withErrors = countPixels(pngPixels(renderer.probeSeries(series, 'a.png').png), red);
    const without = countPixels(pngPixels(renderer.probeSeries(clean, 'b.png').png), red);
    expect(withErrors - without).toBeGreaterThan(5000);
  });

  it('shades one band per zone upgraded, and none without zones', async () => {
    const series = await recorded();
    const banded = countPixels(pngPixels(renderer.probeSeries(series, 'a.png').png), tint);
    const none = countPixels(pngPixels(renderer.probeSeries({ ...series, zones: [] }, 'b.png').png), tint);
    // The recorded zones cover about half of the plot's width.
    expect(banded - none).toBeGreaterThan(50_000);
  });

  it('draws a probe that never answered, and one with no requests at all', () => {
    const from = 1_796_601_853_000;
    const down: ProbeSeries = {
      cluster: 'obcluster',
      from,
      bucketMs: 1000,
      buckets: [{ requests: 4, errors: 4, meanMs: null, maxMs: null }, null],
      zones: [{ zone: 'zone1', from }],
    };
    for (const s of [down, { ...down, buckets: [], zones: [] }])
      expect(pngSize(renderer.probeSeries(s, 'x.png').png)).toEqual({ width: 1200, height: 520 });
  });
});
