import { renderSvg } from './render-svg.js';
import { importPlotPackage, type VegaLiteSpec } from './spec.js';

/** Font files tried for PNG text, so labels render where no font is configured. */
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

/**
 * Renders a Vega-Lite spec to PNG bytes (Node): SVG by Vega, rasterised by resvg at `scale`. Needs
 * the optional peers vega, vega-lite and @resvg/resvg-js.
 */
export async function renderPng(
  spec: VegaLiteSpec,
  options: { scale?: number } = {},
): Promise<Uint8Array> {
  const svg = await renderSvg(spec);
  const [{ Resvg }, { existsSync }] = await Promise.all([
    importPlotPackage('@resvg/resvg-js', () => import('@resvg/resvg-js'), 'renderPng'),
    import('node:fs'),
  ]);
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: true,
      fontFiles,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** The format a plot's file name asks for, or undefined unless it ends in .png or .svg. */
export function plotFormat(path: string): 'png' | 'svg' | undefined {
  return /\.svg$/i.test(path) ? 'svg' : /\.png$/i.test(path) ? 'png' : undefined;
}

/** A spec rendered as the file `path` names: SVG text or PNG bytes (Node). */
export async function renderPlotFile(
  path: string,
  spec: VegaLiteSpec,
): Promise<string | Uint8Array> {
  const format = plotFormat(path);
  if (format === 'svg') return renderSvg(spec);
  if (format === 'png') return renderPng(spec);
  const { ValidationError } = await import('../errors.js');
  throw new ValidationError('plot', `${path}: use a .png or .svg file name`);
}

/** Writes a spec as .svg or .png by the path's extension (Node), atomically. */
export async function writePlot(path: string, spec: VegaLiteSpec): Promise<void> {
  const data = await renderPlotFile(path, spec);
  const { writeFileAtomic } = await import('../data/node/output.js');
  await writeFileAtomic(path, data, 'plot');
}
