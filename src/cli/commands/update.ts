import { centroidsFileData } from '../../data/node/writers.js';
import { relocationPlan, updateCentres } from '../../distributed/update.js';
import { ValidationError } from '../../errors.js';
import { flatToRows } from '../../matrix.js';
import { commandHelp, type FlagTable, numberFlag, parseCommand, singleInput } from '../args.js';
import { readCentres, readPartial } from '../distributed-files.js';
import { UsageError } from '../errors.js';
import { COMMON_FLAGS } from '../flags.js';
import type { Streams } from '../io.js';
import { planCommandOutputs, writeCommandOutputs, writesToStdout } from '../outputs.js';

export const PLAN_USAGE = 'usage: lloyd plan <merged.bin> [--out plan.json]';
export const UPDATE_USAGE =
  'usage: lloyd update <merged.bin> --centroids C.npy --out next.npy [--relocated relocated.bin] [--tol-abs X]';

/** Every flag of `lloyd plan`. */
export const PLAN_FLAGS = {
  out: { type: 'string', value: 'FILE', help: 'write the plan (JSON) to FILE', default: '-' },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/** Every flag of `lloyd update`. */
export const UPDATE_FLAGS = {
  centroids: {
    type: 'string',
    value: 'FILE',
    help: 'the centroids the pass assigned to (.npy or CSV; required)',
  },
  relocated: {
    type: 'string',
    value: 'FILE',
    help: 'the merged relocation pass, when lloyd plan moved rows into empty clusters',
  },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'write the next centroids to FILE (.npy, else CSV; required)',
  },
  'tol-abs': {
    type: 'string',
    value: 'X',
    help: 'converged when the centroids move (summed squared shift) at most X',
    default: '0',
  },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/** A ValidationError of the update's API parameters, named by the flag or file that set them. */
function renamed(error: unknown, names: Record<string, string>): unknown {
  if (error instanceof ValidationError && names[error.parameter])
    return new ValidationError(
      names[error.parameter],
      error.message.slice(error.parameter.length + 2),
    );
  return error;
}

/**
 * `lloyd plan`: the empty-cluster relocation plan of a merged pass (JSON; its relocations are
 * empty when no cluster is empty). When it moves rows, run `lloyd pass --relocate` over the
 * shards, merge those partials, and give them to `lloyd update --relocated`.
 */
export async function planCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, PLAN_FLAGS, PLAN_USAGE);
  if (values.help) {
    io.stdout.write(
      commandHelp(
        PLAN_USAGE,
        'The relocation plan of a merged pass for its empty clusters (docs/distributed.md).',
        PLAN_FLAGS,
      ),
    );
    return;
  }
  const input = singleInput(positionals, PLAN_USAGE);
  const targets = planCommandOutputs({ out: values.out ?? '-' }, ['out'], [input], PLAN_USAGE);
  const merged = await readPartial(input, input);
  let text: string;
  try {
    text = `${JSON.stringify(relocationPlan(merged))}\n`;
  } catch (error) {
    throw renamed(error, { merged: input });
  }
  const target = targets.get('out');
  if (target) await writeCommandOutputs([{ target, data: text }], io);
}

/**
 * `lloyd update`: the next centres from a merged pass (and, when clusters are empty, the merged
 * relocation pass), written to --out (.npy, else CSV). Reports one line of JSON: changed labels,
 * the pass's inertia, the centre shift, empty clusters, relocations, and `converged`: "strict"
 * (no label changed), "tolerance" (shift <= --tol-abs, default 0) or false.
 */
export async function updateCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, UPDATE_FLAGS, UPDATE_USAGE);
  if (values.help) {
    io.stdout.write(
      commandHelp(
        UPDATE_USAGE,
        'The next centroids from a merged pass, and whether the fit converged (docs/distributed.md).',
        UPDATE_FLAGS,
      ),
    );
    return;
  }
  const input = singleInput(positionals, UPDATE_USAGE);
  const centroids = values.centroids as string | undefined;
  if (centroids === undefined)
    throw new UsageError(
      '--centroids C.npy (the centres the pass assigned to) is required',
      UPDATE_USAGE,
    );
  if (values.out === undefined)
    throw new UsageError('--out FILE (where the next centres go) is required', UPDATE_USAGE);
  const tolerance = numberFlag(values['tol-abs'], '--tol-abs', UPDATE_USAGE) ?? 0;
  const relocatedPath = values.relocated as string | undefined;
  const targets = planCommandOutputs(
    values,
    ['out'],
    [input, centroids, relocatedPath],
    UPDATE_USAGE,
  );
  const merged = await readPartial(input, input);
  const { centres } = await readCentres(centroids);
  const relocated =
    relocatedPath === undefined ? undefined : await readPartial(relocatedPath, '--relocated');
  let result: ReturnType<typeof updateCentres>;
  try {
    result = updateCentres(merged, centres, relocated);
  } catch (error) {
    throw renamed(error, { merged: input, centres: '--centroids', relocated: '--relocated' });
  }
  const { k, d } = merged;
  const target = targets.get('out');
  if (target)
    await writeCommandOutputs(
      [
        {
          target,
          data: centroidsFileData(values.out as string, flatToRows(result.centres, k, d)),
        },
      ],
      io,
    );
  const converged =
    result.changed === 0 ? 'strict' : result.shift <= tolerance ? 'tolerance' : false;
  const report = writesToStdout(targets) ? io.stderr : io.stdout;
  report.write(
    `${JSON.stringify({
      changed: result.changed,
      inertia: result.inertia,
      shift: result.shift,
      emptyClusters: result.emptyClusters,
      relocations: result.relocations,
      converged,
    })}\n`,
  );
}
