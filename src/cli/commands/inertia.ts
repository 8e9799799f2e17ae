import { ValidationError } from '../../errors.js';
import { continueCompensatedSum, type NeumaierState } from '../../kernels/summation.js';
import { commandHelp, type FlagTable, parseCommand } from '../args.js';
import { readNpyFlag } from '../distributed-files.js';
import { UsageError } from '../errors.js';
import { COMMON_FLAGS } from '../flags.js';
import type { Streams } from '../io.js';

export const INERTIA_USAGE = 'usage: lloyd inertia <distances.npy>... [--carry SUM,COMPENSATION]';

/** Every flag of `lloyd inertia`. */
export const INERTIA_FLAGS = {
  carry: {
    type: 'string',
    value: 'SUM,COMPENSATION',
    help: "the running sum the previous shard's lloyd inertia printed",
  },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/** `--carry`: the state a previous `lloyd inertia` printed, as two numbers. */
function parseCarry(value: string | undefined): NeumaierState | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',');
  const numbers = parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  if (numbers.length !== 2 || !numbers.every(Number.isFinite))
    throw new UsageError(
      `--carry must be SUM,COMPENSATION (two numbers, as the previous lloyd inertia printed them); got ${JSON.stringify(value)}`,
      INERTIA_USAGE,
    );
  return { sum: numbers[0], compensation: numbers[1] };
}

/**
 * `lloyd inertia`: a single fit's inertia over shards, bit for bit. The rows' distances (from
 * `lloyd pass --distances-out`) are summed by Neumaier's rule in row order, file after file,
 * continued from --carry (what the previous shard's `lloyd inertia` printed), so that a chain
 * over the shards in order gives KMeans.inertia's bits. Prints {"sum", "compensation",
 * "inertia"}: the next shard's carry, and the inertia so far.
 */
export async function inertiaCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, INERTIA_FLAGS, INERTIA_USAGE);
  if (values.help) {
    io.stdout.write(
      commandHelp(
        INERTIA_USAGE,
        "Sums the rows' distances from lloyd pass --distances-out, shard after shard in row order: a single fit's inertia, bit for bit.",
        INERTIA_FLAGS,
      ),
    );
    return;
  }
  if (positionals.length === 0)
    throw new UsageError('missing the distances files to sum', INERTIA_USAGE);
  let state = parseCarry(values.carry as string | undefined);
  for (const path of positionals) {
    const distances = await readNpyFlag(path, path, 'float64');
    if (distances.cols !== 1)
      throw new ValidationError(
        path,
        `must be one column of distances (lloyd pass --distances-out); has ${distances.cols}`,
      );
    state = continueCompensatedSum(distances.data, undefined, undefined, state);
  }
  const { sum, compensation } = state ?? { sum: 0, compensation: 0 };
  io.stdout.write(`${JSON.stringify({ sum, compensation, inertia: sum + compensation })}\n`);
}
