/**
 * scikit-learn's MiniBatchKMeans stopping rule (`_mini_batch_convergence`): an exponentially
 * weighted average of the mean batch inertia, with alpha = 2 x batchSize / (n + 1) (at most 1),
 * stops the fit when it has not reached a new low for `maxNoImprovement` steps in a row, or when
 * a step moved the centres by at most the tolerance (when the tolerance is > 0). The first step
 * is never judged: its inertia is that of the initial centres.
 */
export class EarlyStopping {
  private average: number | undefined;
  private lowest: number | undefined;
  private stepsWithoutImprovement = 0;
  private readonly alpha: number;

  constructor(
    private readonly batchSize: number,
    rows: number,
    private readonly tolerance: number,
    private readonly maxNoImprovement: number | null,
  ) {
    this.alpha = Math.min((batchSize * 2) / (rows + 1), 1);
  }

  /** The smoothed mean batch inertia so far (undefined before the second step). */
  get smoothedInertia(): number | undefined {
    return this.average;
  }

  /** Judges step `step` (from 0); returns true when the fit should stop after it. */
  shouldStop(step: number, batchInertia: number, centerShift: number): boolean {
    const meanInertia = batchInertia / this.batchSize;
    if (step === 0) return false;
    this.average =
      this.average === undefined
        ? meanInertia
        : this.average * (1 - this.alpha) + meanInertia * this.alpha;
    if (this.tolerance > 0 && centerShift <= this.tolerance) return true;
    if (this.lowest === undefined || this.average < this.lowest) {
      this.stepsWithoutImprovement = 0;
      this.lowest = this.average;
    } else this.stepsWithoutImprovement++;
    return this.maxNoImprovement !== null && this.stepsWithoutImprovement >= this.maxNoImprovement;
  }
}
