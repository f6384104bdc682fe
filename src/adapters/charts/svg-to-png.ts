import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT } from './probe-chart-option.ts';

/** A rasterised SVG: the PNG file and its size in pixels. */
export interface RasterImage {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Rasterises an SVG to PNG with resvg (Rust, shipped prebuilt in its npm package: no browser, no native build).
 * Text needs a font: resvg loads the system's (`fonts-dejavu-core` on Debian, installed by scripts/setup.sh)
 * and falls back to DejaVu Sans for any family it does not find.
 */
export function svgToPng(svg: string): RasterImage {
  const image = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
  }).render();
  return { png: image.asPng(), width: image.width, height: image.height };
}
