import type { IterationInfo } from '../kmeans/lloyd.js';
import type { Streams } from './io.js';

/**
 * Draws fitting progress on stderr: one redrawn line on a terminal, one line per iteration with
 * --verbose when piped, nothing otherwise. The library never prints; this is the CLI's job.
 */
export class FitProgress {
  private readonly stderr: Streams['stderr'];
  private readonly mode: 'tty' | 'lines' | 'off';
  private readonly restarts: number;
  private readonly started = performance.now();
  private drawn = false;
  /** When the last iteration ended, to time a pass. */
  private lastAt = performance.now();
  private readonly pass: { rows: number; maxIter: number };

  /**
   * `fit`: the restarts, the iterations a restart may run (what the bar fills towards) and the
   * rows a pass reads (for a rate and an ETA).
   */
  constructor(
    stderr: Streams['stderr'],
    verbose: boolean,
    fit: { restarts: number; maxIter: number; rows: number },
  ) {
    this.stderr = stderr;
    this.restarts = fit.restarts;
    this.mode = stderr.isTTY ? 'tty' : verbose ? 'lines' : 'off';
    this.pass = { rows: fit.rows, maxIter: fit.maxIter };
  }

  /**
   * Rows read a second in the last pass, and the time left at that pace if every restart runs
   * all its iterations (an upper bound: a fit that converges ends sooner).
   */
  private pace(info: IterationInfo): string {
    const now = performance.now();
    const passMs = now - this.lastAt;
    this.lastAt = now;
    if (passMs <= 0) return '';
    const rate = (this.pass.rows / passMs) * 1000;
    const left =
      (this.pass.maxIter -
        info.iteration +
        (this.restarts - info.restart - 1) * this.pass.maxIter) *
      passMs;
    return `  ${formatNumber(Math.round(rate))} rows/s  ETA ≤ ${(left / 1000).toFixed(0)}s`;
  }

  /**
   * The `onIteration` callback, or undefined when nothing is drawn: a callback costs bounded
   * passes (Hamerly, Elkan) a distance pass per iteration, for the inertia it receives.
   */
  get onIteration(): ((info: IterationInfo) => void) | undefined {
    return this.mode === 'off' ? undefined : this.update;
  }

  private readonly update = (info: IterationInfo): void => {
    const elapsed = ((performance.now() - this.started) / 1000).toFixed(1);
    // A non-finite value mid-fit is float64 overflow (the fit then fails saying so): never "NaN".
    const shown = (v: number, text: string) => (Number.isFinite(v) ? text : 'overflow');
    const text = `iteration ${info.iteration}/${this.pass.maxIter}  inertia ${shown(info.inertia, formatNumber(info.inertia))}  shift ${shown(info.centerShift, info.centerShift.toExponential(2))}  ${elapsed}s${this.pace(info)}`;
    // The bar fills with the iterations of the restart under way (a converging fit ends early);
    // the restarts are its prefix.
    const restart = `restart ${info.restart + 1}/${this.restarts}`;
    if (this.mode === 'tty') {
      const filled = Math.min(20, Math.round((info.iteration / this.pass.maxIter) * 20));
      this.stderr.write(
        `\r\x1b[2K${restart} [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${text}`,
      );
      this.drawn = true;
    } else {
      this.stderr.write(`${restart}  ${text}\n`);
    }
  };

  /** Clears the terminal line. */
  done(): void {
    if (this.drawn) this.stderr.write('\r\x1b[2K');
  }
}

/** A number with about six significant digits, without exponent for everyday sizes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e9 || Math.abs(value) < 1e-4))
    return value.toExponential(5);
  return Number(value.toPrecision(6)).toString();
}
