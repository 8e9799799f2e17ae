/**
 * lloyd/plot for browsers (and any runtime): Vega-Lite specs of clusterings, and their rendering
 * to SVG. Rendering needs vega and vega-lite, optional peer dependencies that lloyd's own install
 * leaves out (`npm install vega vega-lite`); the spec builders need nothing. Only re-exports;
 * nothing runs at import.
 */

export * from './plot/index.js';
export type { VegaLiteSpec } from './plot/spec.js';
