import {
  type OutputItem,
  type OutputTarget,
  planOutputs,
  removeTemporariesSync,
  writeOutputs,
} from '../data/node/output.js';
import { ValidationError } from '../errors.js';
import { plotFormat } from '../plot/render.js';
import { UsageError } from './errors.js';
import type { Streams } from './io.js';

/**
 * Checks a command's output flags before any work (the fit, the reading of the input): each
 * target must be writable (see `planOutput`), no two flags may name one file (a usage error), and
 * none may be an input. Returns the planned targets by flag; flags not given are absent.
 */
export function planCommandOutputs(
  values: Record<string, string | boolean | undefined>,
  flags: readonly string[],
  inputs: readonly (string | undefined)[],
  usage: string,
): Map<string, OutputTarget> {
  const given = flags.filter((flag) => values[flag] !== undefined);
  for (const flag of given) {
    const path = values[flag];
    if (typeof path !== 'string' || path === '')
      throw new UsageError(`--${flag} needs a file name`, usage);
    if (flag === 'plot' && (path === '-' || plotFormat(path) === undefined))
      throw new UsageError(
        `--plot must name a .png or .svg file; got ${JSON.stringify(path)}`,
        usage,
      );
  }
  const targets = planOutputs(
    given.map((flag) => ({ path: values[flag] as string, parameter: `--${flag}` })),
    inputs,
    {
      sameOutput: (a, b) =>
        new UsageError(
          `${a.parameter} and ${b.parameter} name the same file (${b.path}); give each output its own path`,
          usage,
        ),
      isInput: (output, input) =>
        new ValidationError(
          output.parameter,
          `${output.path} is an input of this command (${input}); choose another output path`,
        ),
    },
  );
  return new Map(given.map((flag, i) => [flag, targets[i]]));
}

/** Whether a planned output goes to standard output (`-`, /dev/stdout): the report then goes to stderr. */
export function writesToStdout(targets: Map<string, OutputTarget>): boolean {
  return [...targets.values()].some((t) => t.fd === 1);
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Writes the outputs all or none. While they are written, an interrupt (Ctrl-C, SIGTERM, SIGHUP)
 * first deletes the temporary files, then ends the process as the signal would have.
 */
export async function writeCommandOutputs(
  items: readonly OutputItem[],
  io: Streams,
): Promise<void> {
  if (items.length === 0) return;
  const onSignal = (signal: NodeJS.Signals) => {
    removeTemporariesSync();
    process.kill(process.pid, signal);
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  try {
    await writeOutputs(items, io.stdout);
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}
