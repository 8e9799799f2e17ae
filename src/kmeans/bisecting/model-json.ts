import { ValidationError } from '../../errors.js';
import type { DType } from '../../matrix.js';
import { type BisectingNode, leavesInOrder } from './tree.js';

/** Everything a fitted BisectingKMeans knows. */
export interface BisectingState {
  k: number;
  cols: number;
  dtype: DType;
  /** The leaf centres, k x cols row-major, leaves left to right. */
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  tree: BisectingNode;
}

/** The JSON form of a fitted BisectingKMeans, as written by its `toJSON`. */
export interface BisectingKMeansJSON {
  format: 'lloyd.bisecting-kmeans';
  version: 1;
  dtype: DType;
  nClusters: number;
  nFeatures: number;
  labels: number[];
  inertia: number;
  /** The tree; the centroids are its leaves' centres, left to right. */
  tree: BisectingNode;
}

/** The JSON form of a state. */
export function bisectingToJSON(state: BisectingState): BisectingKMeansJSON {
  return {
    format: 'lloyd.bisecting-kmeans',
    version: 1,
    dtype: state.dtype,
    nClusters: state.k,
    nFeatures: state.cols,
    labels: Array.from(state.labels),
    inertia: state.inertia,
    tree: state.tree,
  };
}

function fail(message: string): never {
  throw new ValidationError('json', `not a lloyd BisectingKMeans model: ${message}`);
}

function isCount(v: unknown, least = 1): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= least;
}

function finiteAtLeastZero(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Checks a parsed model (or its JSON text) field by field, the tree node by node, and rebuilds the state. */
export function bisectingFromJSON(input: unknown): BisectingState {
  let json = input;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (error) {
      fail(`the text is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof json !== 'object' || json === null) fail('expected an object');
  const m = json as Record<string, unknown>;
  if (m.format !== 'lloyd.bisecting-kmeans')
    fail(`format must be "lloyd.bisecting-kmeans"; got ${JSON.stringify(m.format)}`);
  if (m.version !== 1) fail(`version must be 1; got ${JSON.stringify(m.version)}`);
  if (m.dtype !== 'float64' && m.dtype !== 'float32') fail('dtype must be "float64" or "float32"');
  if (!isCount(m.nClusters)) fail('nClusters must be a positive integer');
  if (!isCount(m.nFeatures)) fail('nFeatures must be a positive integer');
  const k = m.nClusters;
  const cols = m.nFeatures;
  let nodes = 0;
  const node = (value: unknown, path: string): BisectingNode => {
    if (++nodes > 2 * k - 1) fail(`the tree has more than ${2 * k - 1} nodes`);
    if (typeof value !== 'object' || value === null) fail(`${path} must be an object`);
    const n = value as Record<string, unknown>;
    if (!Array.isArray(n.center) || n.center.length !== cols)
      fail(`${path}.center must have ${cols} values`);
    const center = (n.center as unknown[]).map((v, t) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(`${path}.center, value ${t} is not a finite number`);
      return v;
    });
    if (!isCount(n.size)) fail(`${path}.size must be a positive integer`);
    if (!finiteAtLeastZero(n.weight)) fail(`${path}.weight must be a finite number >= 0`);
    if (!finiteAtLeastZero(n.inertia)) fail(`${path}.inertia must be a finite number >= 0`);
    if (!finiteAtLeastZero(n.score)) fail(`${path}.score must be a finite number >= 0`);
    if (!isCount(n.splitOrder, -1) || n.splitOrder > k - 2)
      fail(`${path}.splitOrder must be an integer in [-1, ${k - 2}]`);
    const common = {
      center,
      size: n.size,
      weight: n.weight,
      inertia: n.inertia,
      score: n.score,
      splitOrder: n.splitOrder,
    };
    if (n.children === null) {
      if (!isCount(n.label, 0) || n.label >= k) fail(`${path}.label must be in [0, ${k})`);
      if (n.splitOrder !== -1) fail(`${path} is a leaf, so its splitOrder must be -1`);
      return { ...common, label: n.label, children: null };
    }
    if (!Array.isArray(n.children) || n.children.length !== 2)
      fail(`${path}.children must be two nodes or null`);
    if (n.splitOrder === -1) fail(`${path} has children, so its splitOrder must be >= 0`);
    const children: [BisectingNode, BisectingNode] = [
      node(n.children[0], `${path}.children[0]`),
      node(n.children[1], `${path}.children[1]`),
    ];
    return { ...common, label: -1, children };
  };
  const tree = node(m.tree, 'tree');
  const leaves = leavesInOrder(tree);
  if (leaves.length !== k) fail(`the tree must have ${k} leaves; got ${leaves.length}`);
  leaves.forEach((leaf, j) => {
    if (leaf.label !== j) fail(`leaves must be labelled 0 to ${k - 1} left to right`);
  });
  if (!Array.isArray(m.labels)) fail('labels must be an array');
  const labels = Int32Array.from(m.labels as unknown[], (v, i) => {
    if (!isCount(v, 0) || v >= k) fail(`label ${i} is not in [0, ${k})`);
    return v;
  });
  if (!finiteAtLeastZero(m.inertia)) fail('inertia must be a finite number >= 0');
  const centers = new Float64Array(k * cols);
  leaves.forEach((leaf, j) => {
    centers.set(leaf.center, j * cols);
  });
  return { k, cols, dtype: m.dtype, centers, labels, inertia: m.inertia, tree };
}
