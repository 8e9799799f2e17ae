/**
 * lloyd/plot in Node: the browser build's specs and SVG, plus PNG rendering and plot files.
 * PNG needs @resvg/resvg-js besides vega and vega-lite, all optional peer dependencies
 * (`npm install vega vega-lite @resvg/resvg-js`). Only re-exports; nothing runs at import.
 */

export { renderPng, writePlot } from './plot/render.js';
export * from './plot-browser.js';
