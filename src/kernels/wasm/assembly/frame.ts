// The call frame: every pass reads its arguments from one record in linear memory, written by
// the caller field by field (src/kernels/wasm/frame.ts), instead of taking them positionally.
// Exported kernels take (frame, start, end, scratch) and read the fields they need into locals
// once a call. scripts/build-wasm.mjs reads this class and the exported kernels to generate the
// TypeScript side: each field's offset and type, and which fields each kernel reads, so the
// caller must give exactly those (a type error otherwise) and a pointer cannot be swapped for
// another without its name. Layout: fields in order, each aligned to its size (AssemblyScript's
// rule for @unmanaged classes); float64 fields first, so there is no padding.

/** Where the frame lives: in page 0, which the module leaves unused (it has no data segment). */
export const FRAME_ADDRESS: usize = 1024;

@unmanaged export class Frame {
  // float64 fields
  /** The largest squared norm of the centres (the scans' rounding bounds). */
  maxCentreNorm: f64;
  /** The fast scores' rounding bound, relative to (||x|| + max ||c||)². */
  margin: f64;
  /** The largest move of a centre since the last bounded pass. */
  largestMove: f64;
  /** The second largest move. */
  secondMove: f64;
  /** L1 bounds' rounding allowance, relative to the bounds compared (l1-bounds.ts). */
  boundSlack: f64;

  // pointers and 32-bit integers
  /** X: rows x d values of the pass's type. */
  x: usize;
  /** Columns of X. */
  d: i32;
  /** Clusters. */
  k: i32;
  /** The centres in float32 (k x d), for the fast scans. */
  centres32: usize;
  /** The centres in float64 (k x d), for exact distances. */
  centres64: usize;
  /** Their squared norms (k float64). */
  centreNorms: usize;
  /** The rows' squared norms (rows float64). */
  rowNorms: usize;
  /** Labels (rows int32). */
  labels: usize;
  /** Squared distances to the assigned centres (rows float64); 0: not written. */
  distances: usize;
  /** Row weights (rows float64); 0: every weight is 1. */
  weights: usize;
  /** Block partial sums (blocks x k x d float64); 0: a pass without sums. */
  sums: usize;
  /** Block partial cluster weights (blocks x k float64). */
  clusterWeights: usize;
  /** Rows per block of the sums. */
  blockRows: i32;
  /** The centres in panels ([panelK / 4][d][4] float32; see panels.ts). */
  panels: usize;
  /** Half the centres' squared norms in float32, +Infinity past k (panelK). */
  halfNorms: usize;
  /** Centres in the panels (k rounded up to 4); 0: the pair scan runs. */
  panelK: i32;
  /** Upper bounds on each row's distance to its centre (rows float64). */
  upper: usize;
  /** Lower bounds: Hamerly's (rows float64) or Elkan's (rows x kq float32). */
  lower: usize;
  /** Half the distance from each centre to its nearest other (k float64). */
  half: usize;
  /** How far each centre moved (k float64). */
  move: usize;
  /** Elkan's moves rounded up to float32 (kq float32). */
  moveUp: usize;
  /** The centre that moved most (-1: none). */
  mostMoved: i32;
  /** 1: set the bounds afresh from a full scan. */
  reset: i32;
  /** Rows waiting for a full scan (rows int32). */
  pending: usize;
  /** The labels the block sums were made from (rows int32). */
  sumsLabels: usize;
  /** k x k half gaps between centres (Elkan's). */
  gaps: usize;
  /** Each centre's nearLimit nearest others (k x nearLimit int32); 0: no near scans. */
  nearOrder: usize;
  /** Their half gaps (k x nearLimit float64). */
  nearHalf: usize;
  /** How many nearest others each centre keeps. */
  nearLimit: i32;
  /** refreshSums' flags (blocks x k bytes, left zero). */
  dirty: usize;
  /** Output values (row norms, pairwise distances, reductions). */
  out: usize;
  /** Input values (reductions, sums, checks). */
  values: usize;
  /** Blocks of a reduction. */
  blocks: i32;
  /** Values per block of a reduction. */
  length: i32;
  /** 1: a reduction continues the running totals already in `out` (0: it starts from zero). */
  accumulate: i32;
  /** A running sum and its compensation (two float64). */
  state: usize;
  /** Each row's place among the rows grouped by cluster (rows int32). */
  positions: usize;
  /** Where each cluster's places start, and the row count last (k + 1 int32). */
  offsets: usize;
  /** Columns per band of the medians. */
  bandCols: i32;
}

/** The frame's size in bytes (checked against the generated layout by the build). */
export const FRAME_BYTES: usize = offsetof<Frame>();
