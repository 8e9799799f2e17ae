/**
 * A node of a fitted BisectingKMeans tree: a cluster of training rows, split in two by one
 * bisection (`children`) or a leaf (`label`). Centres are in X's coordinates.
 */
export interface BisectingNode {
  /** The cluster's centre, nFeatures values. */
  readonly center: readonly number[];
  /** Training rows in the cluster. */
  readonly size: number;
  /** Their total sample weight. */
  readonly weight: number;
  /** Their weighted sum of squared distances to `center`. */
  readonly inertia: number;
  /** What the bisecting strategy compared: inertia (biggest_inertia) or size (largest_cluster); 0 for the root. */
  readonly score: number;
  /** Which bisection split this node, from 0 (the root's); -1 for a leaf. */
  readonly splitOrder: number;
  /** The leaf's cluster index (leaves numbered left to right); -1 for an inner node. */
  readonly label: number;
  /** The two halves, [left, right] (left is the inner fit's cluster 0); null for a leaf. */
  readonly children: readonly [BisectingNode, BisectingNode] | null;
}

/** Every node, depth first, left before right (parents before children). */
export function nodesInOrder(root: BisectingNode): BisectingNode[] {
  const out: BisectingNode[] = [];
  const visit = (node: BisectingNode): void => {
    out.push(node);
    if (node.children) {
      visit(node.children[0]);
      visit(node.children[1]);
    }
  };
  visit(root);
  return out;
}

/** The leaves, left to right: leaf i has label i. */
export function leavesInOrder(root: BisectingNode): BisectingNode[] {
  return nodesInOrder(root).filter((node) => node.children === null);
}

/**
 * The tree as it stood after its first `k - 1` bisections: for each of the fitted leaves, the
 * index (left to right) of the cut's cluster holding it, and those clusters' nodes.
 */
export function cutTree(
  root: BisectingNode,
  k: number,
): { clusters: BisectingNode[]; leafToCluster: Int32Array } {
  const clusters: BisectingNode[] = [];
  const leafToCluster = new Int32Array(leavesInOrder(root).length);
  const visit = (node: BisectingNode, cluster: number): void => {
    let owner = cluster;
    if (owner < 0 && (node.children === null || node.splitOrder >= k - 1)) {
      owner = clusters.length;
      clusters.push(node);
    }
    if (node.children) {
      visit(node.children[0], owner);
      visit(node.children[1], owner);
    } else leafToCluster[node.label] = owner;
  };
  visit(root, -1);
  return { clusters, leafToCluster };
}
