// Lloyd's pass (see assign.h). Rows are scored a tile at a time by the fast scan against the
// centres packed in this thread's own memory, then settled as scan.ts settles them: a row whose
// two best scores are within the rounding bound takes the nearest by exact distance among the
// centres within the bound of the best (ties to the lower index). Labels are therefore the exact
// nearest centres, as on every backend; distances and sums are exact.h's, in row order.
#include "assign.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"
#include "frame-layout.generated.h"

#define MAX_ROWS 12
/** The bfloat16 pre-scan runs from these centres and columns (LLOYD_BF16_LARGE). */
#define BF16_FROM_K 64
#define BF16_FROM_D 64
/** Rows a call scans in bfloat16 before it judges whether the settles make it pay. */
#define BF16_TRIAL_ROWS 256

static _Atomic uint64_t centres_epoch = 1;

void lloyd_centres_changed(void) { atomic_fetch_add(&centres_epoch, 1); }

/** A thread's packed centres and working memory, kept between calls. */
typedef struct {
  void *packed;
  void *half;
  size_t packed_capacity;
  size_t half_capacity;
  uint64_t epoch;
  uint8_t *base;
  uint32_t centres32;
  int k, d, lanes;
  /** Counts the packings; packed_bf16 is current while bf16_packing equals it. */
  uint64_t packings, bf16_packing;
  void *packed_bf16;
  size_t packed_bf16_capacity;
  void *pairs;
  size_t pairs_capacity;
  void *scores;
  size_t scores_capacity;
  void *copies;
  size_t copies_capacity;
} thread_state;

static __thread thread_state state;

/** Memory of at least `bytes`, 64-byte aligned, in `*buffer` (grown when needed). */
static void *room(void **buffer, size_t *capacity, size_t bytes) {
  if (*capacity < bytes) {
    free(*buffer);
    *buffer = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    *capacity = *buffer ? bytes : 0;
  }
  return *buffer;
}

#define AT(type, field) (*(type *)(base + frame + FRAME_##field))
#define PTR(type, address) ((type *)(base + (address)))

/** Packs the centres as the scan reads them, unless this thread's packing is current. */
static int pack(uint8_t *base, uint32_t centres32, const double *norms, int k, int d, int lanes) {
  const int kp = (k + lanes - 1) / lanes * lanes;
  const uint64_t epoch = atomic_load(&centres_epoch);
  if (state.epoch == epoch && state.base == base && state.centres32 == centres32 &&
      state.k == k && state.d == d && state.lanes == lanes)
    return kp;
  float *packed = room(&state.packed, &state.packed_capacity, (size_t)kp * d * 4);
  float *half = room(&state.half, &state.half_capacity, (size_t)kp * 4);
  if (!packed || !half) return -1;
  const float *c = PTR(const float, centres32);
  for (int j = 0; j < kp; j++) {
    float *panel = packed + (size_t)(j / lanes) * d * lanes + j % lanes;
    const float *centre = c + (size_t)j * d;
    for (int t = 0; t < d; t++) panel[(size_t)t * lanes] = j < k ? centre[t] : 0.0f;
    // As the panels' halved norms (wasm-kernels.ts): the float64 norm halved, then rounded.
    half[j] = j < k ? (float)(norms[j] / 2) : INFINITY;
  }
  state.epoch = epoch;
  state.base = base;
  state.centres32 = centres32;
  state.k = k;
  state.d = d;
  state.lanes = lanes;
  state.packings++;
  return kp;
}

/** The current centres as bfloat16 pairs for the bfloat16 scan, packed once per packing. */
static const uint32_t *pack_bf16(const float *centres32, int k, int d, int kp) {
  const size_t bytes = (size_t)kp * (size_t)((d + 1) / 2) * 4;
  uint32_t *packed = room(&state.packed_bf16, &state.packed_bf16_capacity, bytes);
  if (!packed) return NULL;
  if (state.bf16_packing != state.packings) {
    lloyd_pack_bf16(centres32, k, d, kp, packed);
    state.bf16_packing = state.packings;
  }
  return packed;
}

/** What a pass reads from its frame. */
typedef struct {
  uint8_t *x;
  int d, k;
  const double *c64, *cn, *xn, *weights;
  double cnMax, margin;
  int32_t *labels;
  double *distances, *sums, *clusterWeights;
  int blockRows;
} pass;

/** Stores row i's label and distance, and adds it to its block's sums (lloyd.ts: finishRow). */
static void finish(const pass *p, int f32, int i, const void *row, int label, double exact) {
  p->labels[i] = label;
  if (p->distances) {
    const double *centre = p->c64 + (size_t)label * p->d;
    p->distances[i] = exact >= 0 ? exact
                      : f32      ? lloyd_distance_f32((const float *)row, centre, p->d)
                                 : lloyd_distance_f64((const double *)row, centre, p->d);
  }
  if (p->sums)
    lloyd_add_to_block(row, f32, i, p->d, p->weights, p->k, p->sums, p->clusterWeights,
                       p->blockRows, label);
}

static void choose(const pass *p, int f32, const void *row, const float *scores, double bound,
                   const lloyd_scan_build *scan, int *label, double *distance);

/** Settles row i from its kept scores (choose) and finishes it. */
static void settle(const pass *p, int f32, int i, const void *row, const float *scores,
                   double bound, const lloyd_scan_build *scan) {
  int label;
  double exact;
  choose(p, f32, row, scores, bound, scan, &label, &exact);
  finish(p, f32, i, row, label, exact);
}

/**
 * A row's label from its kept scores (kp float32, halved): the lowest, and when the second is
 * within `bound` of it, the nearest by exact distance of those within the bound, that distance
 * into *exact (else -1).
 */
static void choose(const pass *p, int f32, const void *row, const float *scores, double bound,
                   const lloyd_scan_build *scan, int *label, double *distance) {
  float low, next;
  int best;
  scan->best2(scores, p->k, &best, &low, &next);
  const double bestScore = 2 * (double)low;
  const double second = 2 * (double)next;
  double exact = -1;
  if (!(second - bestScore > bound)) {
    const double limit = bestScore + bound;
    exact = INFINITY;
    for (int q = 0; q < p->k; q++) {
      if (2 * (double)scores[q] > limit) continue;
      const double *centre = p->c64 + (size_t)q * p->d;
      const double e = f32 ? lloyd_distance_f32((const float *)row, centre, p->d)
                           : lloyd_distance_f64((const double *)row, centre, p->d);
      if (e < exact) {
        exact = e;
        best = q;
      }
    }
  }
  *label = best;
  *distance = exact;
}

/** A float64 row beyond the float32 scan's range: the nearest centre by exact distances. */
static void exact_row(const pass *p, int i, const double *row) {
  double exact = INFINITY;
  int best = 0;
  for (int q = 0; q < p->k; q++) {
    const double e = lloyd_distance_f64(row, p->c64 + (size_t)q * p->d, p->d);
    if (e < exact) {
      exact = e;
      best = q;
    }
  }
  finish(p, 0, i, row, best, exact);
}

void lloyd_assign_sum(uint8_t *base, uint32_t frame, int start, int end, int f32,
                      const lloyd_scan_build *scan) {
  pass p;
  p.x = PTR(uint8_t, AT(uint32_t, x));
  p.d = AT(int32_t, d);
  p.k = AT(int32_t, k);
  p.c64 = PTR(const double, AT(uint32_t, centres64));
  p.cn = PTR(const double, AT(uint32_t, centreNorms));
  p.xn = PTR(const double, AT(uint32_t, rowNorms));
  p.cnMax = AT(double, maxCentreNorm);
  p.margin = AT(double, margin);
  p.labels = PTR(int32_t, AT(uint32_t, labels));
  const uint32_t distances = AT(uint32_t, distances);
  const uint32_t weights = AT(uint32_t, weights);
  const uint32_t sums = AT(uint32_t, sums);
  p.distances = distances ? PTR(double, distances) : NULL;
  p.weights = weights ? PTR(const double, weights) : NULL;
  p.sums = sums ? PTR(double, sums) : NULL;
  p.clusterWeights = PTR(double, AT(uint32_t, clusterWeights));
  p.blockRows = AT(int32_t, blockRows);
  const int d = p.d;
  const int tile = scan->rows;
  if (tile > MAX_ROWS) abort();
  const int kp = pack(base, AT(uint32_t, centres32), p.cn, p.k, d, scan->lanes);
  float *scores = room(&state.scores, &state.scores_capacity, (size_t)tile * (kp > 0 ? kp : 1) * 4);
  float *copies = room(&state.copies, &state.copies_capacity, (size_t)tile * d * 4 + 64);
  if (kp < 0 || !scores || !copies) abort();
  const float *rows[MAX_ROWS];
  if (f32) {
    const float *x = (const float *)p.x;
    const int pairs = (d + 1) / 2;
    // The bfloat16 pre-scan where it pays: many centres and columns (its settles are rare), and
    // centres within its range. A call whose rows keep needing settles (many near ties at its
    // coarser bound) returns to the float32 scan for its other rows. Labels are exact either way.
    int bf16 = scan->bf16 == LLOYD_BF16_ALWAYS ||
               (scan->bf16 == LLOYD_BF16_LARGE && p.k >= BF16_FROM_K && d >= BF16_FROM_D);
    bf16 = bf16 && p.cnMax <= LLOYD_BF16_LIMIT && tile == lloyd_tile_bf16;
    const uint32_t *packed_bf16 = NULL;
    uint32_t *row_pairs = NULL;
    if (bf16) {
      packed_bf16 = pack_bf16(PTR(const float, AT(uint32_t, centres32)), p.k, d, kp);
      row_pairs = room(&state.pairs, &state.pairs_capacity, (size_t)tile * pairs * 4);
      if (!packed_bf16 || !row_pairs) abort();
    }
    int scanned = 0, settled = 0;
    for (int i = start; i < end; i += tile) {
      const int count = end - i < tile ? end - i : tile;
      for (int r = 0; r < tile; r++) rows[r] = x + (size_t)(i + (r < count ? r : count - 1)) * d;
      int coarse = bf16;
      for (int r = 0; r < count && coarse; r++) coarse = p.xn[i + r] <= LLOYD_BF16_LIMIT;
      if (coarse) {
        const uint32_t *tile_pairs[MAX_ROWS];
        for (int r = 0; r < count; r++) lloyd_bf16_pairs(rows[r], d, row_pairs + (size_t)r * pairs);
        for (int r = 0; r < tile; r++)
          tile_pairs[r] = row_pairs + (size_t)(r < count ? r : count - 1) * pairs;
        lloyd_scores_bf16(tile_pairs, pairs, packed_bf16, state.half, kp, scores);
      } else {
        scan->scores(rows, d, state.packed, state.half, kp, scores);
      }
      int labels[MAX_ROWS];
      double exact[MAX_ROWS];
      for (int r = 0; r < count; r++) {
        const double bound = coarse ? lloyd_bound_bf16(d, p.xn[i + r], p.cnMax)
                                    : lloyd_bound_f32(d, p.xn[i + r], p.cnMax, p.margin);
        choose(&p, 1, rows[r], scores + (size_t)r * kp, bound, scan, &labels[r], &exact[r]);
        settled += coarse && exact[r] >= 0;
      }
      scanned += coarse ? count : 0;
      if (bf16 && scan->bf16 != LLOYD_BF16_ALWAYS && scanned >= BF16_TRIAL_ROWS &&
          settled > scanned / 4)
        bf16 = 0;
      // The distances the settle did not take, for the tile's rows together.
      if (p.distances) {
        const float *open[MAX_ROWS];
        const double *centres[MAX_ROWS];
        double found[MAX_ROWS];
        int which[MAX_ROWS];
        int missing = 0;
        for (int r = 0; r < count; r++) {
          if (exact[r] >= 0) continue;
          open[missing] = rows[r];
          centres[missing] = p.c64 + (size_t)labels[r] * d;
          which[missing++] = r;
        }
        for (int from = 0; from < missing; from += 8)
          lloyd_distances_f32(open + from, centres + from, missing - from < 8 ? missing - from : 8,
                              d, found + from);
        for (int m = 0; m < missing; m++) exact[which[m]] = found[m];
      }
      for (int r = 0; r < count; r++) finish(&p, 1, i + r, rows[r], labels[r], exact[r]);
    }
    return;
  }
  // Float64 rows: scanned from float32 copies, a tile of consecutive rows at a time; a row beyond
  // the float32 range finishes the copies waiting before it first, so rows finish in order.
  const double *x = (const double *)p.x;
  int waiting = 0;
  int first = start;
  for (int i = start; i <= end; i++) {
    const int inRange = i < end && lloyd_scanned_in_f32(p.xn[i], p.cnMax);
    if (inRange) {
      if (waiting == 0) first = i;
      float *copy = copies + (size_t)waiting * d;
      const double *row = x + (size_t)i * d;
      for (int t = 0; t < d; t++) copy[t] = (float)row[t];
      waiting++;
      if (waiting < tile) continue;
    }
    if (waiting > 0) {
      for (int r = 0; r < tile; r++) rows[r] = copies + (size_t)(r < waiting ? r : waiting - 1) * d;
      scan->scores(rows, d, state.packed, state.half, kp, scores);
      for (int r = 0; r < waiting; r++) {
        const int row = first + r;
        settle(&p, 0, row, x + (size_t)row * d, scores + (size_t)r * kp,
               lloyd_bound_mixed(d, p.xn[row], p.cnMax), scan);
      }
      waiting = 0;
    }
    if (!inRange && i < end) exact_row(&p, i, x + (size_t)i * d);
  }
}
