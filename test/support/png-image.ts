import { Resvg } from '@resvg/resvg-js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Where a PNG file starts in `data` (e.g. inside a multipart upload body), or -1. */
export function pngStart(data: Uint8Array): number {
  return Buffer.from(data).indexOf(SIGNATURE);
}

/** The width and height of a PNG from its IHDR chunk (which must come first); throws when `png` is not one. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  if (!b.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: wrong signature');
  if (b.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG: no IHDR first');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/**
 * The RGBA pixels of a PNG, decoded by resvg (the picture embedded in an SVG of its own size): tests count what
 * was drawn without a PNG decoder of their own.
 */
export function pngPixels(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const { width, height } = pngSize(png);
  const href = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image href="${href}" width="${width}" height="${height}"/></svg>`;
  const image = new Resvg(svg).render();
  return { width: image.width, height: image.height, rgba: image.pixels };
}

/** How many pixels `match` accepts. */
export function countPixels(
  px: { rgba: Uint8Array },
  match: (r: number, g: number, b: number, a: number) => boolean,
): number {
  let n = 0;
  for (let i = 0; i + 3 < px.rgba.length; i += 4)
    if (match(px.rgba[i] ?? 0, px.rgba[i + 1] ?? 0, px.rgba[i + 2] ?? 0, px.rgba[i + 3] ?? 0)) n++;
  return n;
}
