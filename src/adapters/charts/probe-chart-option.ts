import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  TitleComponentOption,
} from 'echarts/components';
import type { ProbeSeries } from '../../core/plan/probe-series.ts';

/** The option type of the components the probe chart uses (ECharts' tree-shaken typing). */
export type ProbeChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | TitleComponentOption
>;

/** The font every text of the chart asks for (what the PNG step loads, see `svgToPng`). */
export const CHART_FONT = 'DejaVu Sans';

const ZONE_FILLS = ['rgba(250, 200, 88, 0.25)', 'rgba(145, 204, 117, 0.25)', 'rgba(115, 192, 222, 0.25)'];

function utc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The ECharts option of the probe chart: latency of the requests that succeeded (max and mean per bucket, left
 * axis) and failed requests per bucket (bars, right axis) over time, with one shaded, labelled band per zone while
 * it was out of service. Times are UTC, as in the thread's lines. Pure data: `createChartRenderer` draws it.
 */
export function probeChartOption(s: ProbeSeries): ProbeChartOption {
  const at = (i: number) => s.from + i * s.bucketMs;
  const end = at(Math.max(1, s.buckets.length));
  const point = (i: number, v: number | null | undefined): [number, number | null] => [at(i), v ?? null];
  const requests = s.buckets.reduce((n, b) => n + (b?.requests ?? 0), 0);
  const errors = s.buckets.reduce((n, b) => n + (b?.errors ?? 0), 0);
  const bands = s.zones.map((z, i) => [
    {
      name: z.zone,
      xAxis: z.from,
      itemStyle: { color: ZONE_FILLS[i % ZONE_FILLS.length] ?? ZONE_FILLS[0] },
    },
    { xAxis: Math.min(z.to ?? end, end) },
  ]);
  return {
    animation: false,
    useUTC: true,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT },
    title: {
      text: `Business probe during the rolling upgrade of ${s.cluster}`,
      subtext:
        `${utc(s.from)} to ${utc(end).slice(11)} UTC: ${requests} requests, ${errors} failed. Per ${s.bucketMs / 1000} s: ` +
        'latency of the requests that succeeded, failed requests. Shaded: a zone out of service.',
      left: 16,
      textStyle: { fontFamily: CHART_FONT, fontSize: 18 },
      subtextStyle: { fontFamily: CHART_FONT, fontSize: 13, color: '#555' },
    },
    // ECharts lays text out with Arial-like widths; DejaVu Sans is wider, so the legend needs room between items.
    legend: { top: 62, left: 16, itemGap: 40, textStyle: { fontFamily: CHART_FONT } },
    grid: { left: 72, right: 72, top: 110, bottom: 48 },
    xAxis: { type: 'time', min: s.from, max: end, axisLabel: { fontFamily: CHART_FONT, hideOverlap: true } },
    yAxis: [
      { type: 'value', name: 'latency (ms)', min: 0, nameTextStyle: { fontFamily: CHART_FONT } },
      {
        type: 'value',
        name: 'failed requests',
        min: 0,
        // Headroom above the tallest bar, so that the zones' labels at the top stay readable.
        max: (extent: { max: number }) => Math.max(2, Math.ceil(extent.max * 1.4)),
        minInterval: 1,
        splitLine: { show: false },
        nameTextStyle: { fontFamily: CHART_FONT },
      },
    ],
    series: [
      {
        type: 'line',
        name: 'max latency',
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 1 },
        color: '#ee9a3a',
        data: s.buckets.map((b, i) => point(i, b?.maxMs)),
        markArea: {
          silent: true,
          label: {
            show: true,
            position: 'insideTop',
            fontFamily: CHART_FONT,
            fontSize: 13,
            color: '#333',
            backgroundColor: 'rgba(255, 255, 255, 0.85)',
            padding: [2, 4],
          },
          data: bands as NonNullable<MarkAreaComponentOption['data']>,
        },
      },
      {
        type: 'line',
        name: 'mean latency',
        // A lone bucket between failures has no line to draw: its point shows it.
        showSymbol: true,
        symbolSize: 3,
        connectNulls: false,
        lineStyle: { width: 2 },
        color: '#3a6fd8',
        data: s.buckets.map((b, i) => point(i, b?.meanMs)),
      },
      {
        type: 'bar',
        name: 'failed requests',
        yAxisIndex: 1,
        barMaxWidth: 8,
        color: 'rgba(217, 54, 62, 0.8)',
        data: s.buckets.map((b, i) => point(i, b === null || b.errors === 0 ? null : b.errors)),
      },
    ],
  };
}
