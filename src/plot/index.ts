/** Plots as Vega-Lite specs, rendered to SVG (Vega; browser-safe). PNG and files: render.ts (Node). */
export { pca2 } from './pca.js';
export { renderSvg } from './render-svg.js';
export {
  type ClusterScatterOptions,
  centroidImagesSpec,
  clusterScatterSpec,
  contingencySpec,
  elbowSpec,
  silhouetteSpec,
} from './specs.js';
