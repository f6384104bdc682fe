import { init, use } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartRenderer } from '../../core/ports/chart-renderer.ts';
import { probeChartOption } from './probe-chart-option.ts';
import { svgToPng } from './svg-to-png.ts';

use([LineChart, BarChart, GridComponent, LegendComponent, MarkAreaComponent, TitleComponent, SVGRenderer]);

/** The size of a chart: wide enough for a whole upgrade's minutes, readable in a Slack thread's preview. */
export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/**
 * The charts as PNG pictures: Apache ECharts renders the option to SVG on the server (`ssr: true`, no DOM, no
 * browser), resvg rasterises it. Synchronous: a chart is drawn in well under a second.
 */
export function createChartRenderer(size: ChartSize = { width: 1200, height: 520 }): ChartRenderer {
  return {
    probeSeries(series, filename) {
      const chart = init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
      try {
        chart.setOption(probeChartOption(series));
        return { filename, ...svgToPng(chart.renderToSVGString()) };
      } finally {
        chart.dispose();
      }
    },
  };
}
