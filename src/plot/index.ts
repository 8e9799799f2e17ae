/** Plots as Vega-Lite specs, rendered to SVG (Vega) or PNG (resvg). */
export { pca2 } from './pca.js';
export { renderPng, renderSvg, writePlot } from './render.js';
export {
  type ClusterScatterOptions,
  centroidImagesSpec,
  clusterScatterSpec,
  contingencySpec,
  elbowSpec,
  silhouetteSpec,
} from './specs.js';
