import type { TopLevelSpec } from 'vega-lite';
import { importPlotPackage, type VegaLiteSpec } from './spec.js';

/**
 * Renders a Vega-Lite spec to an SVG string, headlessly (works in Node and browsers). Vega runs
 * the spec's expressions with vega-interpreter, never `new Function`, so a page whose
 * Content-Security-Policy forbids 'unsafe-eval' renders too. Needs the optional peers vega,
 * vega-lite and vega-interpreter; without one it throws an error naming the command that installs
 * them.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite, { expressionInterpreter }] = await Promise.all([
    importPlotPackage('vega', () => import('vega'), 'renderSvg'),
    importPlotPackage('vega-lite', () => import('vega-lite'), 'renderSvg'),
    importPlotPackage('vega-interpreter', () => import('vega-interpreter'), 'renderSvg'),
  ]);
  const compiled = vegaLite.compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
