// lloyd's WebAssembly kernels (AssemblyScript, SIMD128). Every buffer lives in linear memory and
// is laid out by the caller (src/kernels/wasm/backend.ts); these functions only compute. Rows
// are processed in [start, end) so the caller can call in chunks: V8 tiers a function up only
// on its next call, and a pass split into calls gets the optimised code early. The scans
// (scanPairF32/F64, nearestF32/F64, settleF64, settleTies) are calls rather than inlined: V8
// optimises a function only once it has run a while, in time that grows with its size, and
// until then the pass runs unoptimised (the float32 Lloyd pass with all of them inlined took 47
// ms to optimise, 19 for the pair scan alone; a fresh process's 10-iteration MNIST fit, medians
// of six: 198 -> 187 ms float32, 257 -> 218 float64). Per-row helpers of the panel passes stay
// inlined (a call a row cost 5-7% at d = 16).

// Sum of the four lanes of an f32x4, in float64.
@inline function sum4(v: v128): f64 {
  return (
    <f64>f32x4.extract_lane(v, 0) +
    <f64>f32x4.extract_lane(v, 1) +
    <f64>f32x4.extract_lane(v, 2) +
    <f64>f32x4.extract_lane(v, 3)
  );
}

// The fast scan's lane sum: (l0 + l2) + (l1 + l3) in float32, as a float64. Four centres'
// accumulators are reduced at once by reduce4 in exactly this order (two shuffles and an add a
// step), so every score of the scan, the rescore and the reference's emulation agree.
@inline function scanSum(v: v128): f64 {
  const t = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return <f64>(f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1));
}

// [scanSum(a0), scanSum(a1), scanSum(a2), scanSum(a3)] as float32 lanes.
@inline function reduce4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 1, 4, 5), v128.shuffle<f32>(a0, a1, 2, 3, 6, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 1, 4, 5), v128.shuffle<f32>(a2, a3, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 2, 4, 6), v128.shuffle<f32>(t0, t1, 1, 3, 5, 7));
}

@inline function sum2(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// The running best and second-best scores of the row being assigned. Globals rather than an
// array: the kernels allocate nothing, so the caller owns all of linear memory above page 0.
let best: i32 = 0;
let bestScore: f64 = 0;
let second: f64 = 0;

@inline function consider(score: f64, j: i32): void {
  if (score < bestScore) {
    second = bestScore;
    bestScore = score;
    best = j;
  } else if (score < second) {
    second = score;
  }
}

/** Squared euclidean norm of each row, accumulated in float64. */
export function rowSqNormsF32(x: usize, start: i32, end: i32, d: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * 4;
    let acc = f64x2.splat(0);
    let t = 0;
    for (; t + 2 <= d; t += 2) {
      const v = f64x2.promote_low_f32x4(v128.load64_zero(row + <usize>t * 4));
      acc = f64x2.add(acc, f64x2.mul(v, v));
    }
    let s = sum2(acc);
    for (; t < d; t++) {
      const v = <f64>load<f32>(row + <usize>t * 4);
      s += v * v;
    }
    store<f64>(out + <usize>i * 8, s);
  }
}

/** Squared euclidean norm of each row of float64 data. */
export function rowSqNormsF64(x: usize, start: i32, end: i32, d: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * 8;
    let acc = f64x2.splat(0);
    let t = 0;
    for (; t + 2 <= d; t += 2) {
      const v = v128.load(row + <usize>t * 8);
      acc = f64x2.add(acc, f64x2.mul(v, v));
    }
    let s = sum2(acc);
    for (; t < d; t++) {
      const v = load<f64>(row + <usize>t * 8);
      s += v * v;
    }
    store<f64>(out + <usize>i * 8, s);
  }
}

// Squared distance from a float32 row to a float64 centre, in float64. Lanes hold the partial
// sums of t mod 4, combined as (s0 + s2) + (s1 + s3), then the tail: the reference backend's
// order exactly, so both produce the same bits.
@inline function directF32(row: usize, centre: usize, d: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    const v = v128.load(row + <usize>t * 4);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(v), v128.load(centre + <usize>t * 8));
    const hi = f64x2.sub(
      f64x2.promote_low_f32x4(v128.swizzle(v, i8x16(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))),
      v128.load(centre + <usize>t * 8 + 16),
    );
    a0 = f64x2.add(a0, f64x2.mul(lo, lo));
    a1 = f64x2.add(a1, f64x2.mul(hi, hi));
  }
  let s = sum2(f64x2.add(a0, a1));
  for (; t < d; t++) {
    const diff = <f64>load<f32>(row + <usize>t * 4) - load<f64>(centre + <usize>t * 8);
    s += diff * diff;
  }
  return s;
}

// Squared distance from a float64 row to a float64 centre.
@inline function directF64(row: usize, centre: usize, d: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    const lo = f64x2.sub(v128.load(row + <usize>t * 8), v128.load(centre + <usize>t * 8));
    const hi = f64x2.sub(v128.load(row + <usize>t * 8 + 16), v128.load(centre + <usize>t * 8 + 16));
    a0 = f64x2.add(a0, f64x2.mul(lo, lo));
    a1 = f64x2.add(a1, f64x2.mul(hi, hi));
  }
  let s = sum2(f64x2.add(a0, a1));
  for (; t < d; t++) {
    const diff = load<f64>(row + <usize>t * 8) - load<f64>(centre + <usize>t * 8);
    s += diff * diff;
  }
  return s;
}

// acc + a·b in float32 lanes for the fast scan: one fused multiply-add in the relaxed-SIMD build
// (where the engine has it; the build is picked at load time), a multiply and an add otherwise.
// Either way a score is within the scan's rounding bound, which is all the exact settle needs.
@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// x·c as the scan's single-centre loop computes it (float32 lanes, summed in float64). The
// four-centre loop sums each centre's lanes in the same order, so both give the same score.
@inline function dotF32(row: usize, c: usize, d: i32): f64 {
  const d4 = d & ~3;
  let a = f32x4.splat(0);
  for (let t = 0; t < d4; t += 4) a = madd(v128.load(row + <usize>t * 4), v128.load(c + <usize>t * 4), a);
  let s = scanSum(a);
  for (let t = d4; t < d; t++) s += <f64>load<f32>(row + <usize>t * 4) * <f64>load<f32>(c + <usize>t * 4);
  return s;
}

// x·c in float32 with four accumulators (four independent chains, so about four times the rate of
// dotF32's one): for bounds, which need a score within the scan's rounding bound, not its bits.
@inline function quickDotF32(row: usize, c: usize, d: i32): f64 {
  const d16 = d & ~15;
  const d4 = d & ~3;
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let t = 0;
  for (; t < d16; t += 16) {
    const off = <usize>t * 4;
    a0 = madd(v128.load(row + off), v128.load(c + off), a0);
    a1 = madd(v128.load(row + off + 16), v128.load(c + off + 16), a1);
    a2 = madd(v128.load(row + off + 32), v128.load(c + off + 32), a2);
    a3 = madd(v128.load(row + off + 48), v128.load(c + off + 48), a3);
  }
  for (; t < d4; t += 4) a0 = madd(v128.load(row + <usize>t * 4), v128.load(c + <usize>t * 4), a0);
  let s = scanSum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; t < d; t++) s += <f64>load<f32>(row + <usize>t * 4) * <f64>load<f32>(c + <usize>t * 4);
  return s;
}

// As dotF32 with a multiply and an add in every build: k-means++ weighs its draws with these,
// and the reference backend reproduces them bit for bit (fastSquaredDistances).
@inline function plainDotF32(row: usize, c: usize, d: i32): f64 {
  const d4 = d & ~3;
  let a = f32x4.splat(0);
  for (let t = 0; t < d4; t += 4) a = f32x4.add(a, f32x4.mul(v128.load(row + <usize>t * 4), v128.load(c + <usize>t * 4)));
  let s = scanSum(a);
  for (let t = d4; t < d; t++) s += <f64>load<f32>(row + <usize>t * 4) * <f64>load<f32>(c + <usize>t * 4);
  return s;
}

@inline function dotF64(row: usize, c: usize, d: i32): f64 {
  const d2 = d & ~1;
  let a = f64x2.splat(0);
  for (let t = 0; t < d2; t += 2) a = f64x2.add(a, f64x2.mul(v128.load(row + <usize>t * 8), v128.load(c + <usize>t * 8)));
  let s = sum2(a);
  if (d2 < d) s += load<f64>(row + <usize>d2 * 8) * load<f64>(c + <usize>d2 * 8);
  return s;
}

// Set by nearestF32/F64: the exact squared distance when the row needed the exact check, else -1,
// and the fast scan's own best centre (which the exact check may overrule).
let exact: f64 = -1;
let fastBestIndex: i32 = 0;

/**
 * Finds the nearest centre of one float32 row into `best`. Scores ||c||² - 2 x·c with float32
 * SIMD, four centres at a time; when the two best scores are closer than the rounding bound
 * (margin x (||x|| + max ||c||)²), every centre whose score is within the bound is settled by
 * exact distance (lowest index first on exact ties), leaving that distance in `exact`.
 */
function nearestF32(row: usize, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64): void {
  const k4 = k & ~3;
  const d4 = d & ~3;
  const rowBytes = <usize>d * 4;
  best = 0;
  bestScore = Infinity;
  second = Infinity;
  exact = -1;
  let j = 0;
  for (; j < k4; j += 4) {
    const c0 = c32 + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    for (let t = 0; t < d4; t += 4) {
      const off = <usize>t * 4;
      const v = v128.load(row + off);
      a0 = madd(v, v128.load(c0 + off), a0);
      a1 = madd(v, v128.load(c1 + off), a1);
      a2 = madd(v, v128.load(c2 + off), a2);
      a3 = madd(v, v128.load(c3 + off), a3);
    }
    const r = reduce4(a0, a1, a2, a3);
    let s0 = <f64>f32x4.extract_lane(r, 0);
    let s1 = <f64>f32x4.extract_lane(r, 1);
    let s2 = <f64>f32x4.extract_lane(r, 2);
    let s3 = <f64>f32x4.extract_lane(r, 3);
    for (let t = d4; t < d; t++) {
      const v = <f64>load<f32>(row + <usize>t * 4);
      const off = <usize>t * 4;
      s0 += v * <f64>load<f32>(c0 + off);
      s1 += v * <f64>load<f32>(c1 + off);
      s2 += v * <f64>load<f32>(c2 + off);
      s3 += v * <f64>load<f32>(c3 + off);
    }
    consider(load<f64>(cn + <usize>j * 8) - 2 * s0, j);
    consider(load<f64>(cn + <usize>(j + 1) * 8) - 2 * s1, j + 1);
    consider(load<f64>(cn + <usize>(j + 2) * 8) - 2 * s2, j + 2);
    consider(load<f64>(cn + <usize>(j + 3) * 8) - 2 * s3, j + 3);
  }
  for (; j < k; j++) consider(load<f64>(cn + <usize>j * 8) - 2 * dotF32(row, c32 + <usize>j * rowBytes, d), j);
  settleF32(row, d, c32, c64, cn, k, cnMax, xnorm, margin);
}

/**
 * After a fast scan has left best, bestScore and second: when the two best scores are within the
 * rounding bound, rescore (the same arithmetic, so the same scores) and settle the few centres
 * within the bound of the best by exact distance, leaving it in `exact`.
 */
@inline function settleF32(row: usize, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64, scores: usize = 0): void {
  settleScan(row, row, false, d, c32, c64, cn, k, boundF32(d, xnorm, cnMax, margin), scores);
}

/**
 * The rounding bound of a float32 row's fast scores: relative to (||x|| + max ||c||)², plus an
 * absolute term for products that underflow float32 (each loses at most 2^-150; values near
 * 1e-22 have squares below float32's normal range, and their scores would otherwise be trusted).
 */
@inline function boundF32(d: i32, xnorm: f64, cnMax: f64, margin: f64): f64 {
  const scale = Math.sqrt(xnorm) + Math.sqrt(cnMax);
  return margin * scale * scale + <f64>(d + 16) * TINY32;
}

const TINY32: f64 = 5.605193857299268e-45; // 2^-147

/**
 * The settle step shared by float32 rows and float64 rows scanned in float32: `row32` is what the
 * scan read (rescored the same way, so the same scores), `rowExact` the row exact distances are
 * taken from (float64 when `exactF64`, a constant after inlining), `bound` the scores' rounding bound.
 */
@inline function settleScan(row32: usize, rowExact: usize, exactF64: bool, d: i32, c32: usize, c64: usize, cn: usize, k: i32, bound: f64, scores: usize = 0): void {
  fastBestIndex = best;
  exact = -1;
  if (second - bestScore > bound) return;
  settleTies(row32, rowExact, exactF64, d, c32, c64, cn, k, bound, scores);
}

// The rest of settleScan, for the few rows whose two best scores are within the bound: a call of
// its own, so that the passes' functions stay small enough for V8 to optimise them quickly.
function settleTies(row32: usize, rowExact: usize, exactF64: bool, d: i32, c32: usize, c64: usize, cn: usize, k: i32, bound: f64, scores: usize): void {
  const rowBytes32 = <usize>d * 4;
  const limit = bestScore + bound;
  exact = Infinity;
  for (let q = 0; q < k; q++) {
    // A panel scan kept its scores (halved); the other scans' are recomputed, bit for bit.
    const score = scores != 0
      ? 2 * <f64>load<f32>(scores + <usize>q * 4)
      : load<f64>(cn + <usize>q * 8) - 2 * dotF32(row32, c32 + <usize>q * rowBytes32, d);
    if (score > limit) continue;
    const centre = c64 + <usize>q * <usize>d * 8;
    const candidate = exactF64 ? directF64(rowExact, centre, d) : directF32(rowExact, centre, d);
    if (candidate < exact) {
      exact = candidate;
      best = q;
    }
  }
}

// The second row's running scores in the two-row scan.
let best1: i32 = 0;
let bestScore1: f64 = 0;
let second1: f64 = 0;

@inline function consider1(score: f64, j: i32): void {
  if (score < bestScore1) {
    second1 = bestScore1;
    bestScore1 = score;
    best1 = j;
  } else if (score < second1) {
    second1 = score;
  }
}

/**
 * The fast scan for two float32 rows at once: each centre's values are loaded once for both
 * rows (2 rows x 4 centres of accumulators). Leaves row0's scores in best/bestScore/second and
 * row1's in best1/bestScore1/second1; each score is computed exactly as the one-row scan does.
 * With `keep` (not 0; Elkan's first pass) every score is also kept, halved in
 * float32 as the panels keep theirs: row0's at `keep`, row1's `keepStride` bytes after.
 */
function scanPairF32(row0: usize, row1: usize, d: i32, c32: usize, cn: usize, k: i32, keep: usize = 0, keepStride: usize = 0): void {
  const k4 = k & ~3;
  const d4 = d & ~3;
  const rowBytes = <usize>d * 4;
  best = 0;
  bestScore = Infinity;
  second = Infinity;
  best1 = 0;
  bestScore1 = Infinity;
  second1 = Infinity;
  let j = 0;
  for (; j < k4; j += 4) {
    const c0 = c32 + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    let b2 = f32x4.splat(0);
    let b3 = f32x4.splat(0);
    for (let t = 0; t < d4; t += 4) {
      const off = <usize>t * 4;
      const u = v128.load(row0 + off);
      const v = v128.load(row1 + off);
      const w0 = v128.load(c0 + off);
      const w1 = v128.load(c1 + off);
      const w2 = v128.load(c2 + off);
      const w3 = v128.load(c3 + off);
      a0 = madd(u, w0, a0);
      b0 = madd(v, w0, b0);
      a1 = madd(u, w1, a1);
      b1 = madd(v, w1, b1);
      a2 = madd(u, w2, a2);
      b2 = madd(v, w2, b2);
      a3 = madd(u, w3, a3);
      b3 = madd(v, w3, b3);
    }
    const ra = reduce4(a0, a1, a2, a3);
    const rb = reduce4(b0, b1, b2, b3);
    let s0 = <f64>f32x4.extract_lane(ra, 0);
    let s1 = <f64>f32x4.extract_lane(ra, 1);
    let s2 = <f64>f32x4.extract_lane(ra, 2);
    let s3 = <f64>f32x4.extract_lane(ra, 3);
    let r0 = <f64>f32x4.extract_lane(rb, 0);
    let r1 = <f64>f32x4.extract_lane(rb, 1);
    let r2 = <f64>f32x4.extract_lane(rb, 2);
    let r3 = <f64>f32x4.extract_lane(rb, 3);
    for (let t = d4; t < d; t++) {
      const off = <usize>t * 4;
      const u = <f64>load<f32>(row0 + off);
      const v = <f64>load<f32>(row1 + off);
      const w0 = <f64>load<f32>(c0 + off);
      const w1 = <f64>load<f32>(c1 + off);
      const w2 = <f64>load<f32>(c2 + off);
      const w3 = <f64>load<f32>(c3 + off);
      s0 += u * w0;
      s1 += u * w1;
      s2 += u * w2;
      s3 += u * w3;
      r0 += v * w0;
      r1 += v * w1;
      r2 += v * w2;
      r3 += v * w3;
    }
    const n0 = load<f64>(cn + <usize>j * 8);
    const n1 = load<f64>(cn + <usize>(j + 1) * 8);
    const n2 = load<f64>(cn + <usize>(j + 2) * 8);
    const n3 = load<f64>(cn + <usize>(j + 3) * 8);
    consider(n0 - 2 * s0, j);
    consider(n1 - 2 * s1, j + 1);
    consider(n2 - 2 * s2, j + 2);
    consider(n3 - 2 * s3, j + 3);
    consider1(n0 - 2 * r0, j);
    consider1(n1 - 2 * r1, j + 1);
    consider1(n2 - 2 * r2, j + 2);
    consider1(n3 - 2 * r3, j + 3);
    if (keep != 0) {
      keepPair(keep, keepStride, j, n0, s0, r0);
      keepPair(keep, keepStride, j + 1, n1, s1, r1);
      keepPair(keep, keepStride, j + 2, n2, s2, r2);
      keepPair(keep, keepStride, j + 3, n3, s3, r3);
    }
  }
  // The last k mod 4 centres: two at a time while two are left (four independent sums, where one
  // centre's two would wait on each other's latency), then one; both rows share each load, each
  // dot as dotF32 computes it.
  if (j + 2 <= k) {
    const c0 = c32 + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    for (let t = 0; t < d4; t += 4) {
      const off = <usize>t * 4;
      const u = v128.load(row0 + off);
      const v = v128.load(row1 + off);
      const w0 = v128.load(c0 + off);
      const w1 = v128.load(c1 + off);
      a0 = madd(u, w0, a0);
      b0 = madd(v, w0, b0);
      a1 = madd(u, w1, a1);
      b1 = madd(v, w1, b1);
    }
    let s0 = scanSum(a0);
    let s1 = scanSum(a1);
    let r0 = scanSum(b0);
    let r1 = scanSum(b1);
    for (let t = d4; t < d; t++) {
      const off = <usize>t * 4;
      const u = <f64>load<f32>(row0 + off);
      const v = <f64>load<f32>(row1 + off);
      const w0 = <f64>load<f32>(c0 + off);
      const w1 = <f64>load<f32>(c1 + off);
      s0 += u * w0;
      s1 += u * w1;
      r0 += v * w0;
      r1 += v * w1;
    }
    const n0 = load<f64>(cn + <usize>j * 8);
    const n1 = load<f64>(cn + <usize>(j + 1) * 8);
    consider(n0 - 2 * s0, j);
    consider(n1 - 2 * s1, j + 1);
    consider1(n0 - 2 * r0, j);
    consider1(n1 - 2 * r1, j + 1);
    if (keep != 0) {
      keepPair(keep, keepStride, j, n0, s0, r0);
      keepPair(keep, keepStride, j + 1, n1, s1, r1);
    }
    j += 2;
  }
  for (; j < k; j++) {
    const n = load<f64>(cn + <usize>j * 8);
    const c = c32 + <usize>j * rowBytes;
    let a = f32x4.splat(0);
    let b = f32x4.splat(0);
    for (let t = 0; t < d4; t += 4) {
      const off = <usize>t * 4;
      const w = v128.load(c + off);
      a = madd(v128.load(row0 + off), w, a);
      b = madd(v128.load(row1 + off), w, b);
    }
    let s = scanSum(a);
    let r = scanSum(b);
    for (let t = d4; t < d; t++) {
      const w = <f64>load<f32>(c + <usize>t * 4);
      s += <f64>load<f32>(row0 + <usize>t * 4) * w;
      r += <f64>load<f32>(row1 + <usize>t * 4) * w;
    }
    consider(n - 2 * s, j);
    consider1(n - 2 * r, j);
    if (keep != 0) keepPair(keep, keepStride, j, n, s, r);
  }
}

// Keeps centre j's scores of both rows of the pair scan, halved in float32 (see panelScores4).
@inline function keepPair(keep: usize, keepStride: usize, j: i32, n: f64, s: f64, r: f64): void {
  store<f32>(keep + <usize>j * 4, <f32>(0.5 * n - s));
  store<f32>(keep + keepStride + <usize>j * 4, <f32>(0.5 * n - r));
}

/** As {@link nearestF32}, for a float64 row: scores in float64 SIMD, two lanes. */
function nearestF64(row: usize, d: i32, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64): void {
  const k4 = k & ~3;
  const d2 = d & ~1;
  const rowBytes = <usize>d * 8;
  best = 0;
  bestScore = Infinity;
  second = Infinity;
  exact = -1;
  let j = 0;
  for (; j < k4; j += 4) {
    const c0 = c64 + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let t = 0; t < d2; t += 2) {
      const off = <usize>t * 8;
      const v = v128.load(row + off);
      a0 = f64x2.add(a0, f64x2.mul(v, v128.load(c0 + off)));
      a1 = f64x2.add(a1, f64x2.mul(v, v128.load(c1 + off)));
      a2 = f64x2.add(a2, f64x2.mul(v, v128.load(c2 + off)));
      a3 = f64x2.add(a3, f64x2.mul(v, v128.load(c3 + off)));
    }
    let s0 = sum2(a0);
    let s1 = sum2(a1);
    let s2 = sum2(a2);
    let s3 = sum2(a3);
    if (d2 < d) {
      const off = <usize>d2 * 8;
      const v = load<f64>(row + off);
      s0 += v * load<f64>(c0 + off);
      s1 += v * load<f64>(c1 + off);
      s2 += v * load<f64>(c2 + off);
      s3 += v * load<f64>(c3 + off);
    }
    consider(load<f64>(cn + <usize>j * 8) - 2 * s0, j);
    consider(load<f64>(cn + <usize>(j + 1) * 8) - 2 * s1, j + 1);
    consider(load<f64>(cn + <usize>(j + 2) * 8) - 2 * s2, j + 2);
    consider(load<f64>(cn + <usize>(j + 3) * 8) - 2 * s3, j + 3);
  }
  for (; j < k; j++) consider(load<f64>(cn + <usize>j * 8) - 2 * dotF64(row, c64 + <usize>j * rowBytes, d), j);
  settleF64(row, d, c64, cn, k, cnMax, xnorm, margin);
}

/** As {@link settleF32}, for a float64 row. */
function settleF64(row: usize, d: i32, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64): void {
  const rowBytes = <usize>d * 8;
  const scale = Math.sqrt(xnorm) + Math.sqrt(cnMax);
  const bound = margin * scale * scale;
  fastBestIndex = best;
  exact = -1;
  if (second - bestScore > bound) return;
  const limit = bestScore + bound;
  exact = Infinity;
  for (let q = 0; q < k; q++) {
    if (load<f64>(cn + <usize>q * 8) - 2 * dotF64(row, c64 + <usize>q * rowBytes, d) > limit) continue;
    const candidate = directF64(row, c64 + <usize>q * rowBytes, d);
    if (candidate < exact) {
      exact = candidate;
      best = q;
    }
  }
}

// Float64 rows are scanned in float32 (twice the lanes) when their values and the centres' are
// within 2^40 of zero (squared norms within 2^80), so no product overflows float32; the rounding
// bound then covers float32 rounding of the row too, plus an absolute term for float32 underflow.
const MIXED_LIMIT: f64 = 1.2089258196146292e24; // 2^80
const EPS32: f64 = 1.1920928955078125e-7; // 2^-23
const UNDERFLOW: f64 = 7.888609052210118e-31; // 2^-100

/** Writes a float64 row as float32 values at `out`. */
@inline function toF32(row: usize, out: usize, d: i32): void {
  const d4 = d & ~3;
  for (let t = 0; t < d4; t += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(row + <usize>t * 8));
    const hi = f32x4.demote_f64x2_zero(v128.load(row + <usize>t * 8 + 16));
    v128.store(out + <usize>t * 4, i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  }
  for (let t = d4; t < d; t++) store<f32>(out + <usize>t * 4, <f32>load<f64>(row + <usize>t * 8));
}

/** The rounding bound of a float32 scan of a float64 row (see MIXED_LIMIT). */
@inline function mixedBound(d: i32, xnorm: f64, cnMax: f64): f64 {
  const scale = Math.sqrt(xnorm) + Math.sqrt(cnMax);
  return <f64>(d + 16) * EPS32 * scale * scale + <f64>d * UNDERFLOW;
}

/**
 * As {@link settleF64}, after a float32 scan of the row's float32 copy `row32`: rescored from
 * that copy (so the same scores), settled by exact float64 distance to the float64 row.
 */
@inline function settleMixed(row32: usize, row64: usize, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, scores: usize = 0): void {
  settleScan(row32, row64, true, d, c32, c64, cn, k, mixedBound(d, xnorm, cnMax), scores);
}

/**
 * Bytes between the float32 row copies in a thread's scratch (d float32, 16-byte aligned); four
 * copies fit before the kept scores, which start at 4 x this.
 */
@inline function copyStride(d: i32): usize {
  return (<usize>d * 4 + 15) & ~15;
}

/** The second float32 copy in a thread's scratch: 16-byte aligned after the first. */
@inline function scratchSecond(scratch: usize, d: i32): usize {
  return scratch + copyStride(d);
}

/** As {@link scanPairF32}, for two float64 rows. */
function scanPairF64(row0: usize, row1: usize, d: i32, c64: usize, cn: usize, k: i32): void {
  const k4 = k & ~3;
  const d2 = d & ~1;
  const rowBytes = <usize>d * 8;
  best = 0;
  bestScore = Infinity;
  second = Infinity;
  best1 = 0;
  bestScore1 = Infinity;
  second1 = Infinity;
  let j = 0;
  for (; j < k4; j += 4) {
    const c0 = c64 + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    let b2 = f64x2.splat(0);
    let b3 = f64x2.splat(0);
    for (let t = 0; t < d2; t += 2) {
      const off = <usize>t * 8;
      const u = v128.load(row0 + off);
      const v = v128.load(row1 + off);
      const w0 = v128.load(c0 + off);
      const w1 = v128.load(c1 + off);
      const w2 = v128.load(c2 + off);
      const w3 = v128.load(c3 + off);
      a0 = f64x2.add(a0, f64x2.mul(u, w0));
      b0 = f64x2.add(b0, f64x2.mul(v, w0));
      a1 = f64x2.add(a1, f64x2.mul(u, w1));
      b1 = f64x2.add(b1, f64x2.mul(v, w1));
      a2 = f64x2.add(a2, f64x2.mul(u, w2));
      b2 = f64x2.add(b2, f64x2.mul(v, w2));
      a3 = f64x2.add(a3, f64x2.mul(u, w3));
      b3 = f64x2.add(b3, f64x2.mul(v, w3));
    }
    let s0 = sum2(a0);
    let s1 = sum2(a1);
    let s2 = sum2(a2);
    let s3 = sum2(a3);
    let r0 = sum2(b0);
    let r1 = sum2(b1);
    let r2 = sum2(b2);
    let r3 = sum2(b3);
    if (d2 < d) {
      const off = <usize>d2 * 8;
      const u = load<f64>(row0 + off);
      const v = load<f64>(row1 + off);
      const w0 = load<f64>(c0 + off);
      const w1 = load<f64>(c1 + off);
      const w2 = load<f64>(c2 + off);
      const w3 = load<f64>(c3 + off);
      s0 += u * w0;
      s1 += u * w1;
      s2 += u * w2;
      s3 += u * w3;
      r0 += v * w0;
      r1 += v * w1;
      r2 += v * w2;
      r3 += v * w3;
    }
    const n0 = load<f64>(cn + <usize>j * 8);
    const n1 = load<f64>(cn + <usize>(j + 1) * 8);
    const n2 = load<f64>(cn + <usize>(j + 2) * 8);
    const n3 = load<f64>(cn + <usize>(j + 3) * 8);
    consider(n0 - 2 * s0, j);
    consider(n1 - 2 * s1, j + 1);
    consider(n2 - 2 * s2, j + 2);
    consider(n3 - 2 * s3, j + 3);
    consider1(n0 - 2 * r0, j);
    consider1(n1 - 2 * r1, j + 1);
    consider1(n2 - 2 * r2, j + 2);
    consider1(n3 - 2 * r3, j + 3);
  }
  for (; j < k; j++) {
    const n = load<f64>(cn + <usize>j * 8);
    const c = c64 + <usize>j * rowBytes;
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    for (let t = 0; t < d2; t += 2) {
      const off = <usize>t * 8;
      const w = v128.load(c + off);
      a = f64x2.add(a, f64x2.mul(v128.load(row0 + off), w));
      b = f64x2.add(b, f64x2.mul(v128.load(row1 + off), w));
    }
    let s = sum2(a);
    let r = sum2(b);
    if (d2 < d) {
      const w = load<f64>(c + <usize>d2 * 8);
      s += load<f64>(row0 + <usize>d2 * 8) * w;
      r += load<f64>(row1 + <usize>d2 * 8) * w;
    }
    consider(n - 2 * s, j);
    consider1(n - 2 * r, j);
  }
}

// Adds w·x of a float32 row to a float64 sum, element by element (each element's terms in row order).
// Unweighted rows skip the product (x·1 is x, so the same bits) and the sums cost a fifth less.
@inline function accumulateF32(row: usize, s: usize, d: i32, w: f64): void {
  const ww = f64x2.splat(w);
  let t = 0;
  if (w == 1) {
    for (; t + 2 <= d; t += 2) {
      const p = s + <usize>t * 8;
      v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v128.load64_zero(row + <usize>t * 4))));
    }
  }
  for (; t + 2 <= d; t += 2) {
    const v = f64x2.promote_low_f32x4(v128.load64_zero(row + <usize>t * 4));
    const p = s + <usize>t * 8;
    v128.store(p, f64x2.add(v128.load(p), f64x2.mul(v, ww)));
  }
  for (; t < d; t++) {
    const p = s + <usize>t * 8;
    store<f64>(p, load<f64>(p) + <f64>load<f32>(row + <usize>t * 4) * w);
  }
}

@inline function accumulateF64(row: usize, s: usize, d: i32, w: f64): void {
  const ww = f64x2.splat(w);
  let t = 0;
  if (w == 1) {
    for (; t + 2 <= d; t += 2) {
      const p = s + <usize>t * 8;
      v128.store(p, f64x2.add(v128.load(p), v128.load(row + <usize>t * 8)));
    }
  }
  for (; t + 2 <= d; t += 2) {
    const p = s + <usize>t * 8;
    v128.store(p, f64x2.add(v128.load(p), f64x2.mul(v128.load(row + <usize>t * 8), ww)));
  }
  if (t < d) {
    const p = s + <usize>t * 8;
    store<f64>(p, load<f64>(p) + load<f64>(row + <usize>t * 8) * w);
  }
}

// Row i's weight; `weights` 0 stands for weights that are all 1, which are not copied in (8 MB
// untouched at 1M rows). 1 times a value is that value, so the sums are the same bits either way.
@inline function weightOf(weights: usize, i: i32): f64 {
  return weights == 0 ? 1.0 : load<f64>(weights + <usize>i * 8);
}

// Adds row i, with its weight, to the partial sums of `label` in `block`: every pass adds the sums'
// terms here, so all of them add alike (the same bits whichever pass made a block's sums).
@inline function addToBlock(
  row: usize, i: i32, d: i32, weights: usize, k: i32, sums: usize, clusterWeights: usize,
  block: usize, label: i32, f64Rows: bool,
): void {
  const w = weightOf(weights, i);
  const cw = clusterWeights + (block * <usize>k + <usize>label) * 8;
  store<f64>(cw, load<f64>(cw) + w);
  const s = sums + (block * <usize>k + <usize>label) * <usize>d * 8;
  if (f64Rows) accumulateF64(row, s, d, w);
  else accumulateF32(row, s, d, w);
}

// Panels: for k large against d, rows are scored against four centres at once, one lane per
// centre, from the centres transposed in groups of four (`cp`: [kp / 4][d][4] float32, zeros past
// k) and half their squared norms (`cnh`: kp float32, +Infinity past k). A lane's score is
// cnh - x·c with the d products added in order, the same arithmetic in every panel function, so
// the scores a row gets do not depend on which rows it was scanned with. The scores are kept
// (kp float32 per row in the thread's scratch) for the argmin and the settle step: twice a
// score is within the float32 scan's rounding bound of ||c||² - 2 x·c (the halved norm's and
// the subtraction's roundings add at most 2^-23 (||x|| + ||c||)², inside the bound's slack).

/** Scores of four rows into `out` (kp float32 per row, `outStride` bytes apart). */
@inline function panelScores4(row0: usize, row1: usize, row2: usize, row3: usize, d: i32, cp: usize, cnh: usize, kp: i32, out: usize, outStride: usize): void {
  const panelBytes = <usize>d * 16;
  const out1 = out + outStride;
  const out2 = out1 + outStride;
  const out3 = out2 + outStride;
  let j = 0;
  // Four rows by two panels: eight accumulators, each panel vector loaded once for four rows.
  for (; j + 8 <= kp; j += 8) {
    const p0 = cp + <usize>(j >> 2) * panelBytes;
    const p1 = p0 + panelBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    let e0 = f32x4.splat(0);
    let e1 = f32x4.splat(0);
    let f0 = f32x4.splat(0);
    let f1 = f32x4.splat(0);
    for (let t = 0; t < d; t++) {
      const off = <usize>t * 16;
      const at = <usize>t * 4;
      const w0 = v128.load(p0 + off);
      const w1 = v128.load(p1 + off);
      const u = v128.load32_splat(row0 + at);
      a0 = madd(u, w0, a0);
      a1 = madd(u, w1, a1);
      const v = v128.load32_splat(row1 + at);
      b0 = madd(v, w0, b0);
      b1 = madd(v, w1, b1);
      const y = v128.load32_splat(row2 + at);
      e0 = madd(y, w0, e0);
      e1 = madd(y, w1, e1);
      const z = v128.load32_splat(row3 + at);
      f0 = madd(z, w0, f0);
      f1 = madd(z, w1, f1);
    }
    const o = <usize>j * 4;
    const h0 = v128.load(cnh + o);
    const h1 = v128.load(cnh + o + 16);
    v128.store(out + o, f32x4.sub(h0, a0));
    v128.store(out + o + 16, f32x4.sub(h1, a1));
    v128.store(out1 + o, f32x4.sub(h0, b0));
    v128.store(out1 + o + 16, f32x4.sub(h1, b1));
    v128.store(out2 + o, f32x4.sub(h0, e0));
    v128.store(out2 + o + 16, f32x4.sub(h1, e1));
    v128.store(out3 + o, f32x4.sub(h0, f0));
    v128.store(out3 + o + 16, f32x4.sub(h1, f1));
  }
  if (j < kp) {
    const p0 = cp + <usize>(j >> 2) * panelBytes;
    let a0 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let e0 = f32x4.splat(0);
    let f0 = f32x4.splat(0);
    for (let t = 0; t < d; t++) {
      const w0 = v128.load(p0 + <usize>t * 16);
      const at = <usize>t * 4;
      a0 = madd(v128.load32_splat(row0 + at), w0, a0);
      b0 = madd(v128.load32_splat(row1 + at), w0, b0);
      e0 = madd(v128.load32_splat(row2 + at), w0, e0);
      f0 = madd(v128.load32_splat(row3 + at), w0, f0);
    }
    const o = <usize>j * 4;
    const h0 = v128.load(cnh + o);
    v128.store(out + o, f32x4.sub(h0, a0));
    v128.store(out1 + o, f32x4.sub(h0, b0));
    v128.store(out2 + o, f32x4.sub(h0, e0));
    v128.store(out3 + o, f32x4.sub(h0, f0));
  }
}

/**
 * From a row's kept panel scores: the nearest centre into `best` (the lowest index on equal
 * scores), and the best and second-best scores, doubled (so in the units of the other scans).
 */
@inline function panelArgmin(scores: usize, kp: i32): void {
  // Per lane the smallest and second smallest score (pmin/pmax: one instruction each).
  let low = f32x4.splat(Infinity);
  let next = f32x4.splat(Infinity);
  for (let j = 0; j < kp; j += 4) {
    const v = v128.load(scores + <usize>j * 4);
    next = f32x4.pmin(next, f32x4.pmax(low, v));
    low = f32x4.pmin(low, v);
  }
  const l0 = f32x4.extract_lane(low, 0);
  const l1 = f32x4.extract_lane(low, 1);
  const l2 = f32x4.extract_lane(low, 2);
  const l3 = f32x4.extract_lane(low, 3);
  const min01 = min(l0, l1);
  const min23 = min(l2, l3);
  const lowest = min(min01, min23);
  // The second smallest of all: the second smallest lane minimum, or any lane's second.
  const nexts = f32x4.pmin(next, v128.shuffle<f32>(next, next, 2, 3, 0, 1));
  const runnerUp = min(
    min(max(min01, min23), min(max(l0, l1), max(l2, l3))),
    min(f32x4.extract_lane(nexts, 0), f32x4.extract_lane(nexts, 1)),
  );
  const target = f32x4.splat(lowest);
  let j = 0;
  let hits = i32x4.bitmask(f32x4.eq(v128.load(scores), target));
  while (hits == 0) {
    j += 4;
    hits = i32x4.bitmask(f32x4.eq(v128.load(scores + <usize>j * 4), target));
  }
  best = j + ctz(hits);
  bestScore = 2 * <f64>lowest;
  second = 2 * <f64>runnerUp;
}

/**
 * Nearest centres of float32 rows [start, end) by panels, four rows at a time (the last group
 * padded with its last row), settled and finished as scanRowsF32's.
 */
@inline function panelRowsF32(
  x: usize, start: i32, end: i32, d: i32,
  c64: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const rowBytes = <usize>d * 4;
  const scoreBytes = <usize>kp * 4;
  for (let i = start; i < end; i += 4) {
    const count = min(4, end - i);
    const row0 = x + <usize>i * rowBytes;
    panelScoresStrided(row0, rowBytes, count, d, cp, cnh, kp, scratch);
    for (let r = 0; r < count; r++) {
      const scores = scratch + <usize>r * scoreBytes;
      panelArgmin(scores, kp);
      const row = row0 + <usize>r * rowBytes;
      settleF32(row, d, 0, c64, 0, k, cnMax, load<f64>(xn + <usize>(i + r) * 8), margin, scores);
      finishRowF32(row, i + r, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
    }
  }
}

/**
 * Scores of `count` (1 to 4) float32 rows `stride` bytes apart from `first`, the group padded
 * with its last row, into `out` (kp float32 per row). Rows of X, or the float32 copies of float64
 * rows waiting in a thread's scratch (four at most, their scores after them).
 */
@inline function panelScoresStrided(first: usize, stride: usize, count: i32, d: i32, cp: usize, cnh: usize, kp: i32, out: usize): void {
  panelScores4(
    first, first + <usize>min(1, count - 1) * stride, first + <usize>min(2, count - 1) * stride,
    first + <usize>(count - 1) * stride, d, cp, cnh, kp, out, <usize>kp * 4,
  );
}

/**
 * As {@link panelRowsF32}, for float64 rows: each scanned from its float32 copy and settled
 * against the float64 row; a row or centres beyond MIXED_LIMIT are scanned in float64 instead
 * (the copies waiting before it finished first, so rows are finished, and summed, in order).
 */
@inline function panelRowsF64(
  x: usize, start: i32, end: i32, d: i32,
  c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const rowBytes = <usize>d * 8;
  const copyBytes = copyStride(d);
  const mixed = cnMax <= MIXED_LIMIT;
  let waiting = 0;
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    if (mixed && load<f64>(xn + <usize>i * 8) <= MIXED_LIMIT) {
      toF32(row, scratch + <usize>waiting * copyBytes, d);
      waiting++;
      if (waiting == 4) {
        finishCopiesF64(x, i - 3, 4, d, c64, k, cnMax, xn, labels, dist, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch, copyBytes);
        waiting = 0;
      }
      continue;
    }
    if (waiting > 0) finishCopiesF64(x, i - waiting, waiting, d, c64, k, cnMax, xn, labels, dist, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch, copyBytes);
    waiting = 0;
    nearestF64(row, d, c64, cn, k, cnMax, load<f64>(xn + <usize>i * 8), margin);
    finishRowF64(row, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
  if (waiting > 0) finishCopiesF64(x, end - waiting, waiting, d, c64, k, cnMax, xn, labels, dist, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch, copyBytes);
}

// Scores the `count` waiting copies of rows first.. and settles and finishes each (panelRowsF64).
@inline function finishCopiesF64(
  x: usize, first: i32, count: i32, d: i32, c64: usize, k: i32, cnMax: f64, xn: usize, labels: usize, dist: usize,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
  cp: usize, cnh: usize, kp: i32, scratch: usize, copyBytes: usize,
): void {
  panelScoresStrided(scratch, copyBytes, count, d, cp, cnh, kp, scratch + 4 * copyBytes);
  for (let r = 0; r < count; r++) {
    const scores = scratch + 4 * copyBytes + <usize>r * <usize>kp * 4;
    panelArgmin(scores, kp);
    const i = first + r;
    const row = x + <usize>i * <usize>d * 8;
    settleMixed(0, row, d, 0, c64, 0, k, cnMax, load<f64>(xn + <usize>i * 8), scores);
    finishRowF64(row, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
}

/**
 * One pass for a Lloyd iteration: each float32 row's nearest centre, and w·x added to that
 * cluster's partial sum of the row's block (as sumBlocksF32). Distances are written only when
 * `dist` is not 0: nothing else needs them unless a cluster empties. With `sums` 0 the pass only
 * labels (predict, and a run's final assignment): one function for both, because V8 optimises a
 * WebAssembly function only once it has run a while, and a separate one ran its first passes
 * unoptimised (a fresh process's final MNIST pass: 54 ms, against 10 once optimised).
 */
export function assignSumF32(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  scanRowsF32(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, sums != 0, cp, cnh, kp, scratch);
}

// The scan of assignSumF32 (`withSums`: whether `sums` is not 0).
@inline function scanRowsF32(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  if (kp > 0) {
    panelRowsF32(x, start, end, d, c64, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch);
    return;
  }
  let i = start;
  // Rows two at a time share the centres' loads; the second row's result waits in best1/...
  for (; i + 1 < end; i += 2) {
    const row0 = x + <usize>i * <usize>d * 4;
    const row1 = row0 + <usize>d * 4;
    scanPairF32(row0, row1, d, c32, cn, k);
    settleF32(row0, d, c32, c64, cn, k, cnMax, load<f64>(xn + <usize>i * 8), margin);
    finishRowF32(row0, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
    best = best1;
    bestScore = bestScore1;
    second = second1;
    settleF32(row1, d, c32, c64, cn, k, cnMax, load<f64>(xn + <usize>(i + 1) * 8), margin);
    finishRowF32(row1, i + 1, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
  for (; i < end; i++) {
    const row = x + <usize>i * <usize>d * 4;
    nearestF32(row, d, c32, c64, cn, k, cnMax, load<f64>(xn + <usize>i * 8), margin);
    finishRowF32(row, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
}

// Stores a settled row's label (and distance when asked) and, `withSums`, adds it to its block's sums.
@inline function finishRowF32(
  row: usize, i: i32, d: i32, c64: usize, k: i32, labels: usize, dist: usize,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
): void {
  const label = best;
  store<i32>(labels + <usize>i * 4, label);
  if (dist != 0) store<f64>(dist + <usize>i * 8, exact >= 0 ? exact : directF32(row, c64 + <usize>label * <usize>d * 8, d));
  if (withSums) addToBlock(row, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label, false);
}

/** As {@link assignSumF32}, for float64 rows. */
export function assignSumF64(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  scanRowsF64(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, scratch, sums != 0, cp, cnh, kp);
}

// The scan of assignSumF64 (`withSums`: whether `sums` is not 0).
@inline function scanRowsF64(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, scratch: usize, withSums: bool,
  cp: usize, cnh: usize, kp: i32,
): void {
  if (kp > 0) {
    panelRowsF64(x, start, end, d, c64, cn, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch);
    return;
  }
  const mixed = cnMax <= MIXED_LIMIT;
  const copy1 = scratchSecond(scratch, d);
  let i = start;
  for (; i + 1 < end; i += 2) {
    const row0 = x + <usize>i * <usize>d * 8;
    const row1 = row0 + <usize>d * 8;
    const xn0 = load<f64>(xn + <usize>i * 8);
    const xn1 = load<f64>(xn + <usize>(i + 1) * 8);
    if (mixed && xn0 <= MIXED_LIMIT && xn1 <= MIXED_LIMIT) {
      toF32(row0, scratch, d);
      toF32(row1, copy1, d);
      scanPairF32(scratch, copy1, d, c32, cn, k);
      settleMixed(scratch, row0, d, c32, c64, cn, k, cnMax, xn0);
    } else {
      scanPairF64(row0, row1, d, c64, cn, k);
      settleF64(row0, d, c64, cn, k, cnMax, xn0, margin);
    }
    finishRowF64(row0, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
    best = best1;
    bestScore = bestScore1;
    second = second1;
    if (mixed && xn0 <= MIXED_LIMIT && xn1 <= MIXED_LIMIT) settleMixed(copy1, row1, d, c32, c64, cn, k, cnMax, xn1);
    else settleF64(row1, d, c64, cn, k, cnMax, xn1, margin);
    finishRowF64(row1, i + 1, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
  for (; i < end; i++) {
    const row = x + <usize>i * <usize>d * 8;
    nearestF64(row, d, c64, cn, k, cnMax, load<f64>(xn + <usize>i * 8), margin);
    finishRowF64(row, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
}

/** As {@link finishRowF32}, for a float64 row. */
@inline function finishRowF64(
  row: usize, i: i32, d: i32, c64: usize, k: i32, labels: usize, dist: usize,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
): void {
  const label = best;
  store<i32>(labels + <usize>i * 4, label);
  if (dist != 0) store<f64>(dist + <usize>i * 8, exact >= 0 ? exact : directF64(row, c64 + <usize>label * <usize>d * 8, d));
  if (withSums) addToBlock(row, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label, true);
}

/** Squared distance of each row to the centre named by its label (float32 data). */
export function assignedDistF32(x: usize, start: i32, end: i32, d: i32, c64: usize, labels: usize, dist: usize): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<f64>(dist + <usize>i * 8, directF32(x + <usize>i * <usize>d * 4, c64 + <usize>label * <usize>d * 8, d));
  }
}

/** Squared distance of each row to the centre named by its label (float64 data). */
export function assignedDistF64(x: usize, start: i32, end: i32, d: i32, c64: usize, labels: usize, dist: usize): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<f64>(dist + <usize>i * 8, directF64(x + <usize>i * <usize>d * 8, c64 + <usize>label * <usize>d * 8, d));
  }
}

/**
 * Neumaier's compensated sum of values[i] * weights[i] (weights 0: all 1), term by term in row order as
 * compensatedWeightedSum (summation.ts) adds them, so the same bits: rows [start, end) added to
 * the running sum and compensation at `state` (two float64), left there for the next call. The
 * caller's thread calls it piece by piece (a sum split over threads would add in another order;
 * pieces let V8 optimise it for the next one, where one call over every row runs unoptimised).
 */
export function weightedSumF64(values: usize, weights: usize, start: i32, end: i32, state: usize): void {
  let sum = load<f64>(state);
  let compensation = load<f64>(state, 8);
  for (let i = start; i < end; i++) {
    const term = load<f64>(values + <usize>i * 8) * weightOf(weights, i);
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  store<f64>(state, sum);
  store<f64>(state, compensation, 8);
}

/**
 * Adds `blocks` partial results of `length` float64 values laid end to end (block b's at
 * partials + b·length·8) into out[t] for t in [start, end): 0 + p0[t] + p1[t] + ... in block
 * order, as reduceBlocks (blocks.ts) adds them, so the same bits however the values are split.
 */
export function reduceBlocksF64(partials: usize, start: i32, end: i32, blocks: i32, length: i32, out: usize): void {
  const stride = <usize>length * 8;
  let t = start;
  for (; t + 2 <= end; t += 2) {
    let at = partials + <usize>t * 8;
    let sum = f64x2.splat(0);
    for (let b = 0; b < blocks; b++) {
      sum = f64x2.add(sum, v128.load(at));
      at += stride;
    }
    v128.store(out + <usize>t * 8, sum);
  }
  if (t < end) {
    let sum: f64 = 0;
    for (let b = 0; b < blocks; b++) sum += load<f64>(partials + <usize>b * stride + <usize>t * 8);
    store<f64>(out + <usize>t * 8, sum);
  }
}

/**
 * 1 if any of the float64 values [start, end) is not finite, else 0: each value times zero is 0
 * when it is finite and NaN otherwise (the row norms' check: allFinite in backend.ts).
 */
export function anyNonFiniteF64(values: usize, start: i32, end: i32): i32 {
  const zero = f64x2.splat(0);
  let probe = zero;
  let i = start;
  for (; i + 2 <= end; i += 2) probe = f64x2.add(probe, f64x2.mul(v128.load(values + <usize>i * 8), zero));
  let rest = f64x2.extract_lane(probe, 0) + f64x2.extract_lane(probe, 1);
  if (i < end) rest += load<f64>(values + <usize>i * 8) * 0;
  return i32(rest != 0);
}

/** Every row-to-centre squared distance for rows [start, end), into out[i * k + j]. */
export function pairwiseF32(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * 4;
    const o = out + <usize>i * <usize>k * 8;
    for (let j = 0; j < k; j++) store<f64>(o + <usize>j * 8, directF32(row, c64 + <usize>j * <usize>d * 8, d));
  }
}

/** As {@link pairwiseF32}, for float64 data. */
export function pairwiseF64(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * 8;
    const o = out + <usize>i * <usize>k * 8;
    for (let j = 0; j < k; j++) store<f64>(o + <usize>j * 8, directF64(row, c64 + <usize>j * <usize>d * 8, d));
  }
}

/**
 * Adds w·x of each row to its cluster's sum and w to its weight, in the partial sums of the
 * row's block (blockRows rows each: block b writes sums + b·k·d·8 and weights + b·k·8). Within a
 * block, terms come in row order; blocks are reduced in block order by the caller. The result
 * therefore does not depend on how rows are shared between threads.
 */
export function sumBlocksF32(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, k: i32, sums: usize, clusterWeights: usize, blockRows: i32,
): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    if (label < 0 || label >= k) continue;
    addToBlock(x + <usize>i * <usize>d * 4, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label, false);
  }
}

/** As {@link sumBlocksF32}, for float64 data. */
export function sumBlocksF64(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, k: i32, sums: usize, clusterWeights: usize, blockRows: i32,
): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    if (label < 0 || label >= k) continue;
    addToBlock(x + <usize>i * <usize>d * 8, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label, true);
  }
}

/**
 * Brings the block partial sums of sumBlocksF32 up to date for new labels, redoing only what
 * changed: [start, end) is one whole block, `sumsLabels` (i32) the labels its sums were made from
 * (-1: none yet, with the sums zeroed). Each (block, cluster) that lost or gained a row is zeroed
 * and summed again from its rows in row order, which is the order sumBlocksF32 adds them in: the
 * result is the same, bit for bit, as summing the whole block afresh. `dirty` holds k bytes per
 * block, left zero.
 */
export function refreshSumsF32(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, sumsLabels: usize, k: i32,
  sums: usize, clusterWeights: usize, blockRows: i32, dirty: usize,
): void {
  refreshSums(x, start, end, d, weights, labels, sumsLabels, k, sums, clusterWeights, blockRows, dirty, false);
}

/** As {@link refreshSumsF32}, for float64 data. */
export function refreshSumsF64(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, sumsLabels: usize, k: i32,
  sums: usize, clusterWeights: usize, blockRows: i32, dirty: usize,
): void {
  refreshSums(x, start, end, d, weights, labels, sumsLabels, k, sums, clusterWeights, blockRows, dirty, true);
}

@inline function refreshSums(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, sumsLabels: usize, k: i32,
  sums: usize, clusterWeights: usize, blockRows: i32, dirty: usize, f64Rows: bool,
): void {
  const block = <usize>(start / blockRows);
  const flags = dirty + block * <usize>k;
  let changed = false;
  for (let i = start; i < end; i++) {
    const now = load<i32>(labels + <usize>i * 4);
    const then = load<i32>(sumsLabels + <usize>i * 4);
    if (now == then) continue;
    if (then >= 0) store<u8>(flags + <usize>then, 1);
    store<u8>(flags + <usize>now, 1);
    store<i32>(sumsLabels + <usize>i * 4, now);
    changed = true;
  }
  if (!changed) return;
  const rowBytes = <usize>d * (f64Rows ? 8 : 4);
  for (let j = 0; j < k; j++) {
    if (load<u8>(flags + <usize>j) == 0) continue;
    store<f64>(clusterWeights + (block * <usize>k + <usize>j) * 8, 0);
    memory.fill(sums + (block * <usize>k + <usize>j) * <usize>d * 8, 0, <usize>d * 8);
  }
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    if (load<u8>(flags + <usize>label) == 0) continue;
    addToBlock(x + <usize>i * rowBytes, i, d, weights, k, sums, clusterWeights, block, label, f64Rows);
  }
  memory.fill(flags, 0, <usize>k);
}

// Rows whose label a bounded pass (hamerlyF32/F64, elkanF32/F64) changed: each call counts its
// own and returns the count, which the runtime adds up over the calls (a global is per instance,
// and each thread has its own instance).
let changedRows: i32 = 0;

// Sets row i's label, counted in changedRows when it differs from the label there before.
@inline function relabel(labels: usize, i: i32, label: i32): void {
  const at = labels + <usize>i * 4;
  changedRows += i32(load<i32>(at) != label);
  store<i32>(at, label);
}

// Hamerly's bounds (exact): per row an upper bound on the distance to its centre and a lower
// bound on the distance to every other centre. A row whose upper bound is below both its lower
// bound and half the gap from its centre to the nearest other centre keeps its centre without a
// scan. `slack` (relative to ||x|| + max ||c||) absorbs rounding in the bounds, so a row is only
// skipped when its centre is the nearest by a clear margin, ties included: the labels are
// exactly those of a full scan.

// A lower bound on the distance from a row (squared norm xnorm) to every centre but `best`,
// from the fast scores: scores are within `bound` of the exact squared distances minus ||x||².
@inline function lowerBound(xnorm: f64, fastBest: i32, fastBestScore: f64, fastSecond: f64, bound: f64): f64 {
  const other = best == fastBest ? fastSecond : fastBestScore;
  return Math.sqrt(Math.max(0, xnorm + other - bound));
}

/**
 * Squared distances by the fast form ||x||² + (||c||² − 2 x·c) for float32 rows, x·c as dotF32
 * sums it (the reference's fastSquaredDistances, bit for bit); exact distances for rows or
 * centres past MIXED_LIMIT. Into out[i * k + j].
 */
export function pairwiseFastF32(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, out: usize,
): void {
  const rowBytes = <usize>d * 4;
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    const xnorm = load<f64>(xn + <usize>i * 8);
    const o = out + <usize>i * <usize>k * 8;
    const fast = cnMax <= MIXED_LIMIT && xnorm <= MIXED_LIMIT;
    for (let j = 0; j < k; j++) {
      const value = fast
        ? Math.max(0, xnorm + (load<f64>(cn + <usize>j * 8) - 2 * plainDotF32(row, c32 + <usize>j * rowBytes, d)))
        : directF32(row, c64 + <usize>j * <usize>d * 8, d);
      store<f64>(o + <usize>j * 8, value);
    }
  }
}

/** As {@link pairwiseFastF32}, for float64 rows (each scanned from its float32 copy in `scratch`). */
export function pairwiseFastF64(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, out: usize, scratch: usize,
): void {
  const rowBytes = <usize>d * 8;
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    const xnorm = load<f64>(xn + <usize>i * 8);
    const o = out + <usize>i * <usize>k * 8;
    const fast = cnMax <= MIXED_LIMIT && xnorm <= MIXED_LIMIT;
    if (fast) toF32(row, scratch, d);
    for (let j = 0; j < k; j++) {
      const value = fast
        ? Math.max(0, xnorm + (load<f64>(cn + <usize>j * 8) - 2 * plainDotF32(scratch, c32 + <usize>j * <usize>d * 4, d)))
        : directF64(row, c64 + <usize>j * rowBytes, d);
      store<f64>(o + <usize>j * 8, value);
    }
  }
}

/**
 * One bounded Lloyd pass over float32 rows, fused with the cluster sums as assignSumF32.
 * `half` (k): half the distance from each centre to its nearest other centre; `move` (k): how far
 * each centre moved since the last pass; `moveMax1`/`moveMax2`: the largest and second largest
 * moves, `moveArg1` the centre that moved most. With `reset`, every row is scanned and its bounds
 * set. A row the bounds cannot settle is scanned against the centres near its own alone where
 * there are few (scanNear; `order`, `sortedHalf` and `nearLimit` from nearCentresF64, `order` 0:
 * never); the rest are listed in `pending` (i32, from index `start`) and
 * scanned two at a time (four by panels when `kp` is not 0, as the Lloyd passes' scan); the sums
 * are then added in row order, as every other pass adds them, and each row's label is kept in
 * `sumsLabels`; unless `sums` is 0: then the caller brings the sums up to date with
 * refreshSumsF32, or leaves them (a run's final assignment). Returns how many of the rows'
 * labels it changed (from those in `labels` before: a reset pass's too).
 */
export function hamerlyF32(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize,
  half: usize, move: usize, moveMax1: f64, moveMax2: f64, moveArg1: i32,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32,
  pending: usize, sumsLabels: usize, cp: usize, cnh: usize, kp: i32,
  order: usize, sortedHalf: usize, nearLimit: i32, scratch: usize,
): i32 {
  changedRows = 0;
  const rootMax = Math.sqrt(cnMax);
  const rowBytes = <usize>d * 4;
  let count = 0;
  for (let i = start; i < end; i++) {
    const xnorm = load<f64>(xn + <usize>i * 8);
    const slack = 1e-9 * (Math.sqrt(xnorm) + rootMax);
    const label = load<i32>(labels + <usize>i * 4);
    let scan = reset != 0;
    if (!scan) {
      let u = load<f64>(upper + <usize>i * 8) + load<f64>(move + <usize>label * 8);
      const l = load<f64>(lower + <usize>i * 8) - (label == moveArg1 ? moveMax2 : moveMax1);
      const m = Math.max(load<f64>(half + <usize>label * 8), l);
      if (u + slack >= m) {
        // Tightened by the fast form plus its rounding bound (as settleBoundsF32 bounds a scanned
        // row): an upper bound on the distance at a quarter of an exact distance's cost.
        const dot = quickDotF32(x + <usize>i * rowBytes, c32 + <usize>label * rowBytes, d);
        const score = load<f64>(cn + <usize>label * 8) - 2 * dot + boundF32(d, xnorm, cnMax, margin);
        u = Math.sqrt(Math.max(0, xnorm + score));
        scan = u + slack >= m;
        if (scan && order != 0 && scanNear(x, i, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin, label, u, l, slack, order, sortedHalf, nearLimit, scratch, false)) continue;
      }
      store<f64>(upper + <usize>i * 8, u);
      store<f64>(lower + <usize>i * 8, l);
    }
    if (scan) {
      store<i32>(pending + <usize>(start + count) * 4, i);
      count++;
    }
  }
  let p = 0;
  if (kp > 0) {
    // By panels (as panelRowsF32), four pending rows at a time, the last group padded.
    const scoreBytes = <usize>kp * 4;
    for (; p < count; p += 4) {
      const group = min(4, count - p);
      const at = pending + <usize>(start + p) * 4;
      panelScores4(
        x + <usize>load<i32>(at) * rowBytes,
        x + <usize>load<i32>(at + <usize>min(1, group - 1) * 4) * rowBytes,
        x + <usize>load<i32>(at + <usize>min(2, group - 1) * 4) * rowBytes,
        x + <usize>load<i32>(at + <usize>(group - 1) * 4) * rowBytes,
        d, cp, cnh, kp, scratch, scoreBytes,
      );
      for (let r = 0; r < group; r++) {
        const scores = scratch + <usize>r * scoreBytes;
        panelArgmin(scores, kp);
        settleBoundsF32(x, load<i32>(at + <usize>r * 4), d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin, scores);
      }
    }
  }
  for (; p + 1 < count; p += 2) {
    const i0 = load<i32>(pending + <usize>(start + p) * 4);
    const i1 = load<i32>(pending + <usize>(start + p + 1) * 4);
    scanPairF32(x + <usize>i0 * rowBytes, x + <usize>i1 * rowBytes, d, c32, cn, k);
    settleBoundsF32(x, i0, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
    best = best1;
    bestScore = bestScore1;
    second = second1;
    settleBoundsF32(x, i1, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  }
  if (p < count) {
    const i0 = load<i32>(pending + <usize>(start + p) * 4);
    const row = x + <usize>i0 * rowBytes;
    best = 0;
    bestScore = Infinity;
    second = Infinity;
    for (let j = 0; j < k; j++) consider(load<f64>(cn + <usize>j * 8) - 2 * dotF32(row, c32 + <usize>j * rowBytes, d), j);
    settleBoundsF32(x, i0, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  }
  if (sums == 0) return changedRows; // the caller brings the sums up to date itself (refreshSumsF32)
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<i32>(sumsLabels + <usize>i * 4, label);
    addToBlock(x + <usize>i * rowBytes, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label, false);
  }
  return changedRows;
}

/**
 * A row the bounds could not settle, scanned against the centres near its own only, when they are
 * fewer than `nearLimit` (else it waits for the full scan): with `u` an upper bound on its
 * distance to its centre `label`, a centre whose distance to that centre is above 2 (u + slack)
 * is farther from the row than its centre is, by the triangle inequality, so it can be neither
 * the nearest nor tied with it (`slack` covers the rounding of the gaps). `order` and
 * `sortedHalf` (nearCentresF64) list each centre's `nearLimit` nearest others, nearest first.
 * The row is scored as the full scans score it (float64 rows from a float32 copy in `scratch`,
 * unless out of its range) and settled as they settle it (ties by exact distances), and its lower
 * bound is also kept below the first centre left out, less `u`. Returns whether it was settled here.
 */
@inline function scanNear(
  x: usize, i: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64,
  label: i32, u: f64, l: f64, slack: f64, order: usize, sortedHalf: usize, nearLimit: i32,
  scratch: usize, f64Rows: bool,
): bool {
  const list = <usize>label * <usize>nearLimit;
  const reach = u + slack;
  let near = 0;
  while (near < nearLimit && load<f64>(sortedHalf + (list + <usize>near) * 8) <= reach) near++;
  if (near >= nearLimit) return false;
  // The nearest centre left out: every other is at least as far from `label`.
  const beyond = 2 * load<f64>(sortedHalf + (list + <usize>near) * 8) - u - slack;
  if (near == 0) {
    // No other centre can be as near as its own: the label stays, bounded by the tightened u.
    store<f64>(upper + <usize>i * 8, u);
    store<f64>(lower + <usize>i * 8, Math.max(l, beyond));
    return true;
  }
  const row = x + <usize>i * <usize>d * (f64Rows ? 8 : 4);
  const xnorm = load<f64>(xn + <usize>i * 8);
  const inF32 = !f64Rows || (cnMax <= MIXED_LIMIT && xnorm <= MIXED_LIMIT);
  let row32 = row;
  if (f64Rows && inF32) {
    toF32(row, scratch, d);
    row32 = scratch;
  }
  best = 0;
  bestScore = Infinity;
  second = Infinity;
  for (let q = -1; q < near; q++) {
    const j = q < 0 ? label : load<i32>(order + (list + <usize>q) * 4);
    const dot = inF32
      ? dotF32(row32, c32 + <usize>j * <usize>d * 4, d)
      : dotF64(row, c64 + <usize>j * <usize>d * 8, d);
    consider(load<f64>(cn + <usize>j * 8) - 2 * dot, j);
  }
  if (!f64Rows) settleBoundsF32(x, i, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  else if (inF32) settleBoundsMixed(row32, x, i, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower);
  else settleBoundsF64(x, i, d, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  if (beyond < load<f64>(lower + <usize>i * 8)) store<f64>(lower + <usize>i * 8, Math.max(0, beyond));
  return true;
}

// Settles a scanned row (its fast scan left in best/bestScore/second) and sets its label and bounds.
@inline function settleBoundsF32(
  x: usize, i: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64, scores: usize = 0,
): void {
  const row = x + <usize>i * <usize>d * 4;
  const xnorm = load<f64>(xn + <usize>i * 8);
  settleF32(row, d, c32, c64, cn, k, cnMax, xnorm, margin, scores);
  relabel(labels, i, best);
  // Without the exact check, the fast score bounds the distance from above (it is within `bound`
  // of the exact value), which saves a pass over the row; a later pass tightens it if it must.
  const bound = boundF32(d, xnorm, cnMax, margin);
  store<f64>(upper + <usize>i * 8, Math.sqrt(exact >= 0 ? exact : Math.max(0, xnorm + bestScore + bound)));
  store<f64>(lower + <usize>i * 8, lowerBound(xnorm, fastBestIndex, bestScore, second, bound));
}

/** As {@link hamerlyF32}, for float64 rows. */
export function hamerlyF64(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize,
  half: usize, move: usize, moveMax1: f64, moveMax2: f64, moveArg1: i32,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32,
  pending: usize, sumsLabels: usize, cp: usize, cnh: usize, kp: i32,
  order: usize, sortedHalf: usize, nearLimit: i32, scratch: usize,
): i32 {
  changedRows = 0;
  const mixed = cnMax <= MIXED_LIMIT;
  const copy1 = scratchSecond(scratch, d);
  const rootMax = Math.sqrt(cnMax);
  const rowBytes = <usize>d * 8;
  let count = 0;
  for (let i = start; i < end; i++) {
    const xnorm = load<f64>(xn + <usize>i * 8);
    const slack = 1e-9 * (Math.sqrt(xnorm) + rootMax);
    const label = load<i32>(labels + <usize>i * 4);
    let scan = reset != 0;
    if (!scan) {
      let u = load<f64>(upper + <usize>i * 8) + load<f64>(move + <usize>label * 8);
      const l = load<f64>(lower + <usize>i * 8) - (label == moveArg1 ? moveMax2 : moveMax1);
      const m = Math.max(load<f64>(half + <usize>label * 8), l);
      if (u + slack >= m) {
        u = Math.sqrt(directF64(x + <usize>i * rowBytes, c64 + <usize>label * rowBytes, d));
        scan = u + slack >= m;
        if (scan && order != 0 && scanNear(x, i, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin, label, u, l, slack, order, sortedHalf, nearLimit, scratch, true)) continue;
      }
      store<f64>(upper + <usize>i * 8, u);
      store<f64>(lower + <usize>i * 8, l);
    }
    if (scan) {
      store<i32>(pending + <usize>(start + count) * 4, i);
      count++;
    }
  }
  let p = 0;
  if (kp > 0) {
    // By panels from float32 copies (as panelRowsF64): in-range pending rows wait in `scratch`,
    // four at most, and are settled before a row out of range is scanned in float64 alone, so
    // the waiting rows are always the pending entries just before.
    const copyBytes = copyStride(d);
    let waiting = 0;
    for (; p < count; p++) {
      const i = load<i32>(pending + <usize>(start + p) * 4);
      if (mixed && load<f64>(xn + <usize>i * 8) <= MIXED_LIMIT) {
        toF32(x + <usize>i * rowBytes, scratch + <usize>waiting * copyBytes, d);
        waiting++;
        if (waiting == 4) {
          settleCopiesBounds(x, pending + <usize>(start + p - 3) * 4, 4, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, cp, cnh, kp, scratch, copyBytes);
          waiting = 0;
        }
        continue;
      }
      if (waiting > 0) settleCopiesBounds(x, pending + <usize>(start + p - waiting) * 4, waiting, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, cp, cnh, kp, scratch, copyBytes);
      waiting = 0;
      scanBoundsF64(x, i, d, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
    }
    if (waiting > 0) settleCopiesBounds(x, pending + <usize>(start + count - waiting) * 4, waiting, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, cp, cnh, kp, scratch, copyBytes);
  }
  for (; p + 1 < count; p += 2) {
    const i0 = load<i32>(pending + <usize>(start + p) * 4);
    const i1 = load<i32>(pending + <usize>(start + p + 1) * 4);
    const row0 = x + <usize>i0 * rowBytes;
    const row1 = x + <usize>i1 * rowBytes;
    const inRange =
      mixed && load<f64>(xn + <usize>i0 * 8) <= MIXED_LIMIT && load<f64>(xn + <usize>i1 * 8) <= MIXED_LIMIT;
    if (inRange) {
      toF32(row0, scratch, d);
      toF32(row1, copy1, d);
      scanPairF32(scratch, copy1, d, c32, cn, k);
      settleBoundsMixed(scratch, x, i0, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower);
    } else {
      scanPairF64(row0, row1, d, c64, cn, k);
      settleBoundsF64(x, i0, d, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
    }
    best = best1;
    bestScore = bestScore1;
    second = second1;
    if (inRange) settleBoundsMixed(copy1, x, i1, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower);
    else settleBoundsF64(x, i1, d, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  }
  if (p < count) scanBoundsF64(x, load<i32>(pending + <usize>(start + p) * 4), d, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  if (sums == 0) return changedRows; // the caller brings the sums up to date itself (refreshSumsF32)
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<i32>(sumsLabels + <usize>i * 4, label);
    addToBlock(x + <usize>i * rowBytes, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label, true);
  }
  return changedRows;
}

/** As {@link settleBoundsF64}, after a float32 scan of the row's float32 copy `row32`. */
@inline function settleBoundsMixed(
  row32: usize, x: usize, i: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, scores: usize = 0,
): void {
  const xnorm = load<f64>(xn + <usize>i * 8);
  settleMixed(row32, x + <usize>i * <usize>d * 8, d, c32, c64, cn, k, cnMax, xnorm, scores);
  relabel(labels, i, best);
  const bound = mixedBound(d, xnorm, cnMax);
  store<f64>(upper + <usize>i * 8, Math.sqrt(exact >= 0 ? exact : Math.max(0, xnorm + bestScore + bound)));
  store<f64>(lower + <usize>i * 8, lowerBound(xnorm, fastBestIndex, bestScore, second, bound));
}

/** Scores the `count` waiting copies of the rows listed at `entries` and settles each, with its bounds (hamerlyF64). */
@inline function settleCopiesBounds(
  x: usize, entries: usize, count: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, cp: usize, cnh: usize, kp: i32, scratch: usize, copyBytes: usize,
): void {
  panelScoresStrided(scratch, copyBytes, count, d, cp, cnh, kp, scratch + 4 * copyBytes);
  for (let r = 0; r < count; r++) {
    const scores = scratch + 4 * copyBytes + <usize>r * <usize>kp * 4;
    panelArgmin(scores, kp);
    settleBoundsMixed(0, x, load<i32>(entries + <usize>r * 4), d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, scores);
  }
}

/** One float64 row scanned in float64 alone, settled, its label and bounds set. */
@inline function scanBoundsF64(
  x: usize, i: i32, d: i32, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64,
): void {
  const row = x + <usize>i * <usize>d * 8;
  best = 0;
  bestScore = Infinity;
  second = Infinity;
  for (let j = 0; j < k; j++) consider(load<f64>(cn + <usize>j * 8) - 2 * dotF64(row, c64 + <usize>j * <usize>d * 8, d), j);
  settleBoundsF64(x, i, d, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
}

/** As {@link settleBoundsF32}, for a float64 row. */
@inline function settleBoundsF64(
  x: usize, i: i32, d: i32, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64,
): void {
  const row = x + <usize>i * <usize>d * 8;
  const xnorm = load<f64>(xn + <usize>i * 8);
  settleF64(row, d, c64, cn, k, cnMax, xnorm, margin);
  const scale = Math.sqrt(xnorm) + Math.sqrt(cnMax);
  relabel(labels, i, best);
  const bound = margin * scale * scale;
  store<f64>(upper + <usize>i * 8, Math.sqrt(exact >= 0 ? exact : Math.max(0, xnorm + bestScore + bound)));
  store<f64>(lower + <usize>i * 8, lowerBound(xnorm, fastBestIndex, bestScore, second, bound));
}

/**
 * Centre-to-centre half distances for Elkan's bounds: for the centres a in [start, end),
 * gaps[a * k + b] = gaps[b * k + a] = ||c_a − c_b|| / 2 for b > a (each pair once: the two
 * differences square to the same bits), and gaps[a * k + a] = 0. nearestGapsF64 then reads them.
 */
export function centreGapsF64(c64: usize, start: i32, end: i32, d: i32, k: i32, gaps: usize): void {
  const rowBytes = <usize>d * 8;
  for (let a = start; a < end; a++) {
    const ca = c64 + <usize>a * rowBytes;
    store<f64>(gaps + (<usize>a * <usize>k + <usize>a) * 8, 0);
    for (let b = a + 1; b < k; b++) {
      const gap = Math.sqrt(directF64(ca, c64 + <usize>b * rowBytes, d)) / 2;
      store<f64>(gaps + (<usize>a * <usize>k + <usize>b) * 8, gap);
      store<f64>(gaps + (<usize>b * <usize>k + <usize>a) * 8, gap);
    }
  }
}

/** half[a]: the smallest of gaps[a * k + b] over b ≠ a (Infinity when k = 1), for a in [start, end). */
export function nearestGapsF64(gaps: usize, start: i32, end: i32, k: i32, half: usize): void {
  for (let a = start; a < end; a++) {
    let nearest = Infinity;
    for (let b = 0; b < k; b++) {
      const gap = load<f64>(gaps + (<usize>a * <usize>k + <usize>b) * 8);
      if (b != a && gap < nearest) nearest = gap;
    }
    store<f64>(half + <usize>a * 8, nearest);
  }
}

/**
 * Hamerly's half gaps: for each centre a in [start, end), half the distance to its nearest other
 * centre into half[a] (Infinity when k = 1), each centre's computed by one thread alone; and its
 * `m` nearest other centres (m < k; 0: none), nearest first: their indices into
 * order[a * m + q] (i32) and their half gaps into sortedHalf[a * m + q]. Hamerly's passes read a
 * row's centre's list to find the few centres that can be nearer than it (see scanNear).
 * `scratch` holds the k − 1 gaps and their indices, as a heap the m are taken from.
 */
export function nearCentresF64(
  c64: usize, start: i32, end: i32, d: i32, k: i32, m: i32,
  order: usize, sortedHalf: usize, half: usize, scratch: usize,
): void {
  const rowBytes = <usize>d * 8;
  const values = scratch;
  const ids = scratch + <usize>k * 8;
  for (let a = start; a < end; a++) {
    const ca = c64 + <usize>a * rowBytes;
    let count = 0;
    let nearest = Infinity;
    for (let b = 0; b < k; b++) {
      if (b == a) continue;
      const gap = Math.sqrt(directF64(ca, c64 + <usize>b * rowBytes, d)) / 2;
      store<f64>(values + <usize>count * 8, gap);
      store<i32>(ids + <usize>count * 4, b);
      count++;
      if (gap < nearest) nearest = gap;
    }
    store<f64>(half + <usize>a * 8, nearest);
    if (m == 0) continue;
    for (let p = (count >> 1) - 1; p >= 0; p--) siftDown(values, ids, p, count);
    const list = <usize>a * <usize>m;
    for (let q = 0; q < m; q++) {
      store<i32>(order + (list + <usize>q) * 4, load<i32>(ids));
      store<f64>(sortedHalf + (list + <usize>q) * 8, load<f64>(values));
      count--;
      store<f64>(values, load<f64>(values + <usize>count * 8));
      store<i32>(ids, load<i32>(ids + <usize>count * 4));
      siftDown(values, ids, 0, count);
    }
  }
}

// Moves entry p of a min-heap of `count` (values f64, ids i32) down to its place.
@inline function siftDown(values: usize, ids: usize, p: i32, count: i32): void {
  const value = load<f64>(values + <usize>p * 8);
  const id = load<i32>(ids + <usize>p * 4);
  let at = p;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= count) break;
    if (child + 1 < count && load<f64>(values + <usize>(child + 1) * 8) < load<f64>(values + <usize>child * 8)) child++;
    if (load<f64>(values + <usize>child * 8) >= value) break;
    store<f64>(values + <usize>at * 8, load<f64>(values + <usize>child * 8));
    store<i32>(ids + <usize>at * 4, load<i32>(ids + <usize>child * 4));
    at = child;
  }
  store<f64>(values + <usize>at * 8, value);
  store<i32>(ids + <usize>at * 4, id);
}

// The exact squared distance from row i to centre j, in the reference's order.
@inline function exactDistance(x: usize, i: i32, d: i32, c64: usize, j: i32, f64Rows: bool): f64 {
  const centre = c64 + <usize>j * <usize>d * 8;
  return f64Rows
    ? directF64(x + <usize>i * <usize>d * 8, centre, d)
    : directF32(x + <usize>i * <usize>d * 4, centre, d);
}

/**
 * One pass of Elkan's algorithm, fused with the cluster sums as assignSumF32: per row an upper
 * bound on the distance to its centre (`upper`) and a lower bound on the distance to every centre
 * (`lower`, rows x kq float32, kq = k rounded up to 4, rounded down, +Infinity past k), lowered
 * by `moveUp` (kq float32, how far each centre moved, rounded up; 0 past k). A centre is passed
 * over only when a bound shows it strictly farther than the row's centre by more than `slack`,
 * so ties are always computed; a centre is chosen only by exact distances (the reference's),
 * compared squared, ties to the lower index: the labels are exactly those of a full scan.
 * `reset` sets the bounds from a full scan (elkanReset).
 * Each row's label goes to `sumsLabels` as its sums are added; with `sums` 0 the caller brings
 * the sums up to date instead (refreshSumsF32).
 */
@inline function elkanPass(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, gaps: usize, half: usize, move: usize, moveUp: usize,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize, f64Rows: bool,
): void {
  if (reset != 0) {
    elkanReset(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin, weights, sums, clusterWeights, blockRows, sumsLabels, cp, cnh, kp, scratch, f64Rows);
    return;
  }
  const rootMax = Math.sqrt(cnMax);
  const rowBytes = <usize>d * (f64Rows ? 8 : 4);
  const rowBytes32 = <usize>d * 4;
  const kq = (k + 3) & ~3;
  for (let i = start; i < end; i++) {
    const xnorm = load<f64>(xn + <usize>i * 8);
    const slack = 1e-9 * (Math.sqrt(xnorm) + rootMax);
    const bounds = lower + <usize>i * <usize>kq * 4;
    let a = load<i32>(labels + <usize>i * 4);
    let u = load<f64>(upper + <usize>i * 8) + load<f64>(move + <usize>a * 8);
    if (u + slack < load<f64>(half + <usize>a * 8)) {
      for (let j = 0; j < kq; j += 4) decayBounds(bounds + <usize>j * 4, moveUp + <usize>j * 4);
    } else {
      // A centre the bounds cannot pass over is scored by the fast form first (a quarter of an
      // exact distance's cost): its score less the rounding bound is a lower bound, the row's
      // centre's plus it an upper bound, and only a centre still not clearly farther takes the
      // exact distances. Float64 rows are scored from a float32 copy, unless out of its range.
      const fast = !f64Rows || (cnMax <= MIXED_LIMIT && xnorm <= MIXED_LIMIT);
      const bound = f64Rows ? mixedBound(d, xnorm, cnMax) : boundF32(d, xnorm, cnMax, margin);
      let row32 = x + <usize>i * rowBytes; // the float32 row scored (a copy for float64 rows)
      let tightened = false; // u tightened since the bounds were decayed
      let uSq = -1.0; // the exact squared distance to `a` once computed
      // A centre whose decayed bound is above u + slack now is farther than the row's centre
      // whatever the row's scores change below (u only falls, up to rounding `slack` absorbs),
      // so only the lanes at or under this limit are looked at; NaN bounds (distances past
      // float32's range) always are.
      const limit = f32x4.splat(roundUp(u + slack));
      for (let j4 = 0; j4 < kq; j4 += 4) {
        const decayed = decayBounds(bounds + <usize>j4 * 4, moveUp + <usize>j4 * 4);
        let hits = i32x4.bitmask(v128.not(f32x4.gt(decayed, limit)));
        while (hits != 0) {
          const j = j4 + ctz(hits);
          hits &= hits - 1;
          if (j == a || j >= k || passedOver(u + slack, bounds, gaps, a, k, j)) continue;
          if (fast) {
            if (!tightened) {
              tightened = true;
              if (f64Rows) {
                toF32(row32, scratch, d);
                row32 = scratch;
              }
              const scoreA = load<f64>(cn + <usize>a * 8) - 2 * quickDotF32(row32, c32 + <usize>a * rowBytes32, d);
              u = Math.min(u, Math.sqrt(Math.max(0, xnorm + scoreA + bound)));
              raiseBound(bounds + <usize>a * 4, Math.sqrt(Math.max(0, xnorm + scoreA - bound)));
              if (passedOver(u + slack, bounds, gaps, a, k, j)) continue;
            }
            const score = load<f64>(cn + <usize>j * 8) - 2 * quickDotF32(row32, c32 + <usize>j * rowBytes32, d);
            raiseBound(bounds + <usize>j * 4, Math.sqrt(Math.max(0, xnorm + score - bound)));
            if (u + slack < <f64>load<f32>(bounds + <usize>j * 4)) continue;
          }
          if (uSq < 0) {
            tightened = true;
            uSq = exactDistance(x, i, d, c64, a, f64Rows);
            u = Math.sqrt(uSq);
            store<f32>(bounds + <usize>a * 4, roundDown(u));
            if (passedOver(u + slack, bounds, gaps, a, k, j)) continue;
          }
          const sq = exactDistance(x, i, d, c64, j, f64Rows);
          store<f32>(bounds + <usize>j * 4, roundDown(Math.sqrt(sq)));
          if (sq < uSq || (sq == uSq && j < a)) {
            a = j;
            uSq = sq;
            u = Math.sqrt(sq);
          }
        }
      }
    }
    store<f64>(upper + <usize>i * 8, u);
    finishElkanRow(x, i, d, k, a, labels, weights, sums, clusterWeights, blockRows, sumsLabels, f64Rows);
  }
}

/**
 * Four lower bounds at `p` less their centres' moves (`moveUp`, float32 rounded up), stored and
 * returned: in float32 lanes, the difference shrunk by 2^-22 so that its rounding cannot raise
 * it (exact in the subnormal range), and never below 0. A NaN bound stays NaN.
 */
@inline function decayBounds(p: usize, moveUp: usize): v128 {
  const decayed = f32x4.max(
    f32x4.splat(0),
    f32x4.mul(f32x4.sub(v128.load(p), v128.load(moveUp)), f32x4.splat(0.9999997615814209)),
  );
  v128.store(p, decayed);
  return decayed;
}

/** The smallest float32 not below v (v >= 0). */
@inline function roundUp(v: f64): f32 {
  const r = <f32>v;
  return <f64>r >= v ? r : <f32>(v + v * 2.384185791015625e-7 + 1e-44);
}

// Whether a row's bounds show centre j farther than `reach` (its centre a's distance, plus slack):
// its own lower bound, or half the gap from a to j.
@inline function passedOver(reach: f64, bounds: usize, gaps: usize, a: i32, k: i32, j: i32): bool {
  return reach < <f64>load<f32>(bounds + <usize>j * 4) || reach < load<f64>(gaps + (<usize>a * <usize>k + <usize>j) * 8);
}

// Raises the stored lower bound at `p` to `v` (rounded down) where that is tighter.
@inline function raiseBound(p: usize, v: f64): void {
  const r = roundDown(v);
  if (r > load<f32>(p)) store<f32>(p, r);
}

// Stores row i's label and, unless `sums` is 0, adds the row to its block's sums (elkanPass).
@inline function finishElkanRow(
  x: usize, i: i32, d: i32, k: i32, a: i32, labels: usize,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, sumsLabels: usize, f64Rows: bool,
): void {
  relabel(labels, i, a);
  if (sums == 0) return; // the caller brings the sums up to date itself (refreshSumsF32)
  store<i32>(sumsLabels + <usize>i * 4, a);
  const row = x + <usize>i * <usize>d * (f64Rows ? 8 : 4);
  addToBlock(row, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), a, f64Rows);
}

/**
 * Elkan's bounds set afresh: rows are scored as the Lloyd passes score them (panels when `kp` is
 * not 0, else two rows at a time; float64 rows from float32 copies) with every score kept, and
 * settled as those passes settle. A kept score less the rounding bound bounds the distance to
 * its centre from below, the best score plus it the distance to the row's centre from above (the
 * next pass takes the exact distance if it needs it), at the cost of one scan: setting them by
 * exact distances took k of them a row. Float64 rows or centres past MIXED_LIMIT take exact
 * distances.
 */
@inline function elkanReset(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize, f64Rows: bool,
): void {
  const rowBytes = <usize>d * (f64Rows ? 8 : 4);
  const copyBytes = copyStride(d);
  const kq = (k + 3) & ~3; // kp when by panels
  const scoreBytes = <usize>kq * 4;
  const scores = scratch + 4 * copyBytes;
  const group = kp > 0 ? 4 : 2;
  for (let i = start; i < end; i += group) {
    const count = min(group, end - i);
    const first = x + <usize>i * rowBytes;
    let scanned = first; // the float32 rows scored: X's, or the copies
    let stride = rowBytes;
    if (f64Rows) {
      let inRange = cnMax <= MIXED_LIMIT;
      for (let r = 0; r < count; r++) inRange = inRange && load<f64>(xn + <usize>(i + r) * 8) <= MIXED_LIMIT;
      if (!inRange) {
        for (let r = 0; r < count; r++) {
          const a = elkanExactRow(x, i + r, d, c64, k, upper, lower, f64Rows);
          finishElkanRow(x, i + r, d, k, a, labels, weights, sums, clusterWeights, blockRows, sumsLabels, f64Rows);
        }
        continue;
      }
      for (let r = 0; r < count; r++) toF32(first + <usize>r * rowBytes, scratch + <usize>r * copyBytes, d);
      scanned = scratch;
      stride = copyBytes;
    }
    if (kp > 0) {
      panelScoresStrided(scanned, stride, count, d, cp, cnh, kp, scores);
    } else {
      scanPairF32(scanned, scanned + (count > 1 ? stride : 0), d, c32, cn, k, scores, scoreBytes);
      for (let j = k; j < kq; j++) {
        store<f32>(scores + <usize>j * 4, Infinity);
        store<f32>(scores + scoreBytes + <usize>j * 4, Infinity);
      }
    }
    for (let r = 0; r < count; r++) {
      const kept = scores + <usize>r * scoreBytes;
      const xnorm = load<f64>(xn + <usize>(i + r) * 8);
      const row32 = scanned + <usize>r * stride;
      panelArgmin(kept, kq);
      let bound: f64;
      if (f64Rows) {
        settleMixed(0, first + <usize>r * rowBytes, d, 0, c64, 0, k, cnMax, xnorm, kept);
        bound = mixedBound(d, xnorm, cnMax);
      } else {
        settleF32(row32, d, 0, c64, 0, k, cnMax, xnorm, margin, kept);
        bound = boundF32(d, xnorm, cnMax, margin);
      }
      store<f64>(upper + <usize>(i + r) * 8, Math.sqrt(exact >= 0 ? exact : Math.max(0, xnorm + bestScore + bound)));
      const bounds = lower + <usize>(i + r) * scoreBytes;
      for (let j = 0; j < k; j++) {
        const below = xnorm + 2 * <f64>load<f32>(kept + <usize>j * 4) - bound;
        store<f32>(bounds + <usize>j * 4, roundDown(Math.sqrt(Math.max(0, below))));
      }
      for (let j = k; j < kq; j++) store<f32>(bounds + <usize>j * 4, Infinity);
      finishElkanRow(x, i + r, d, k, best, labels, weights, sums, clusterWeights, blockRows, sumsLabels, f64Rows);
    }
  }
}

// Every exact distance of row i: its bounds set, its nearest centre returned (elkanReset).
@inline function elkanExactRow(x: usize, i: i32, d: i32, c64: usize, k: i32, upper: usize, lower: usize, f64Rows: bool): i32 {
  const kq = (k + 3) & ~3;
  const bounds = lower + <usize>i * <usize>kq * 4;
  for (let j = k; j < kq; j++) store<f32>(bounds + <usize>j * 4, Infinity);
  let a = 0;
  let bestSq = Infinity;
  for (let j = 0; j < k; j++) {
    const sq = exactDistance(x, i, d, c64, j, f64Rows);
    store<f32>(bounds + <usize>j * 4, roundDown(Math.sqrt(sq)));
    if (sq < bestSq) {
      bestSq = sq;
      a = j;
    }
  }
  store<f64>(upper + <usize>i * 8, Math.sqrt(bestSq));
  return a;
}

/** The largest float32 not above v (v >= 0), so a stored lower bound never rises. */
@inline function roundDown(v: f64): f32 {
  const r = <f32>v;
  return <f64>r > v ? <f32>(<f64>r - <f64>r * 1.1920928955078125e-7) : r;
}

/** Elkan's pass over float32 rows (see elkanPass); returns how many labels it changed. */
export function elkanF32(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, gaps: usize, half: usize, move: usize, moveUp: usize,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): i32 {
  changedRows = 0;
  elkanPass(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, gaps, half, move, moveUp, margin, weights, sums, clusterWeights, blockRows, reset, sumsLabels, cp, cnh, kp, scratch, false);
  return changedRows;
}

/** Elkan's pass over float64 rows (see elkanPass); returns how many labels it changed. */
export function elkanF64(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, gaps: usize, half: usize, move: usize, moveUp: usize,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): i32 {
  changedRows = 0;
  elkanPass(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, gaps, half, move, moveUp, margin, weights, sums, clusterWeights, blockRows, reset, sumsLabels, cp, cnh, kp, scratch, true);
  return changedRows;
}
