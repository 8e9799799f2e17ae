// The running best of the row being assigned: its nearest centre so far, that centre's score and
// the second-best score, and, once settled, the exact squared distance. Wasm globals rather than
// memory: the scans update them per centre, and globals never alias the buffers the scans read,
// so they stay in registers. Only the functions here write them. The two-row scans keep their
// second row's running best beside the first's; takeSecondRow moves it in once the first row is
// finished.

/** The nearest centre so far. */
export let best: i32 = 0;
/** Its score (the scans' units: ||c||² − 2 x·c). */
export let bestScore: f64 = 0;
/** The second-best score. */
export let second: f64 = 0;
/** The exact squared distance to `best` when the settle step took exact distances, else -1. */
export let exact: f64 = -1;
/** The fast scan's own best centre (the settle step may overrule it): for the lower bounds. */
export let fastBestIndex: i32 = 0;

let best1: i32 = 0;
let bestScore1: f64 = 0;
let second1: f64 = 0;

/** Starts a row's scan (both rows' for the two-row scans). */
@inline export function startScan(): void {
  best = 0;
  bestScore = Infinity;
  second = Infinity;
  best1 = 0;
  bestScore1 = Infinity;
  second1 = Infinity;
}

/** Takes centre j's score into the first row's running best (ties keep the lower index). */
@inline export function consider(score: f64, j: i32): void {
  if (score < bestScore) {
    second = bestScore;
    bestScore = score;
    best = j;
  } else if (score < second) {
    second = score;
  }
}

/** As consider, for the second row of a two-row scan. */
@inline export function considerSecond(score: f64, j: i32): void {
  if (score < bestScore1) {
    second1 = bestScore1;
    bestScore1 = score;
    best1 = j;
  } else if (score < second1) {
    second1 = score;
  }
}

/** Makes the second row's running best the current one, once the first row is finished. */
@inline export function takeSecondRow(): void {
  best = best1;
  bestScore = bestScore1;
  second = second1;
}

/** Sets the running best from a panel argmin. */
@inline export function setScanned(index: i32, score: f64, secondScore: f64): void {
  best = index;
  bestScore = score;
  second = secondScore;
}

/** Marks the row as not needing exact distances: the fast scan's best stands. */
@inline export function keepFastBest(): void {
  fastBestIndex = best;
  exact = -1;
}

/** Starts the exact settle among the centres within the rounding bound. */
@inline export function startExact(): void {
  exact = Infinity;
}

/** Takes centre q's exact squared distance where it is nearer (ties keep the lower index). */
@inline export function considerExact(candidate: f64, q: i32): void {
  if (candidate < exact) {
    exact = candidate;
    best = q;
  }
}

/**
 * Rows whose label a bounded pass (Hamerly's, Elkan's) changed in the current call: each call
 * counts its own and returns the count, which the runtime adds up over the calls (globals are
 * per instance, and each thread has its own instance).
 */
let changedRows: i32 = 0;

/** Starts a bounded pass's count of changed labels. */
@inline export function startCount(): void {
  changedRows = 0;
}

/** The count since startCount. */
@inline export function changedCount(): i32 {
  return changedRows;
}

/** Sets row i's label, counted when it differs from the label there before. */
@inline export function relabel(labels: usize, i: i32, label: i32): void {
  const at = labels + <usize>i * 4;
  changedRows += i32(load<i32>(at) != label);
  store<i32>(at, label);
}
