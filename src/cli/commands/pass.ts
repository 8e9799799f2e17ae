import { encodeNpy } from '../../data/npy.js';
import { encodePartial } from '../../distributed/format.js';
import { partialPass, relocationPass } from '../../distributed/pass.js';
import { ValidationError } from '../../errors.js';
import {
  choiceFlag,
  commandHelp,
  type FlagTable,
  integerFlag,
  parseCommand,
  singleInput,
} from '../args.js';
import {
  encodeLabelsNpy,
  readCentres,
  readLabels,
  readNpyFlag,
  readPlan,
} from '../distributed-files.js';
import { UsageError } from '../errors.js';
import { COMMON_FLAGS, READ_FLAGS } from '../flags.js';
import type { Streams } from '../io.js';
import { planCommandOutputs, writeCommandOutputs } from '../outputs.js';

export const PASS_USAGE =
  'usage: lloyd pass <shard.npy> --first-row R --total-rows N (--centroids C.npy [--labels-in L.npy] [--labels-out L.npy] [--distances-out D.npy] | --relocate plan.json --labels-in L.npy) [--out part.bin] [--dtype float64|float32] [--threads N]';

/** Every flag of `lloyd pass`. */
export const PASS_FLAGS = {
  centroids: {
    type: 'string',
    value: 'FILE',
    help: "the centroids to assign the shard's rows to (.npy or CSV)",
  },
  relocate: {
    type: 'string',
    value: 'FILE',
    help: 'a plan from lloyd plan: write the relocation partial instead',
  },
  'first-row': {
    type: 'string',
    value: 'R',
    help: "the shard's first row in the whole matrix (from lloyd blocks; required)",
  },
  'total-rows': {
    type: 'string',
    value: 'N',
    help: 'the rows of the whole matrix (required)',
  },
  'labels-in': {
    type: 'string',
    value: 'FILE',
    help: "the shard's labels from the pass before (.npy), to count changed labels",
  },
  'labels-out': {
    type: 'string',
    value: 'FILE',
    help: "write the shard's labels to FILE (.npy) for the next pass",
  },
  'distances-out': {
    type: 'string',
    value: 'FILE',
    help: "write each row's squared distance to its centre to FILE (.npy), for lloyd inertia",
  },
  out: { type: 'string', value: 'FILE', help: 'write the partial to FILE', default: '-' },
  dtype: READ_FLAGS.dtype,
  threads: {
    type: 'string',
    value: 'N',
    help: 'threads to assign with, this one included',
    default: 'every core',
  },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/** The parameters of the distributed API, by the flags that set them. */
const FLAG_OF: Readonly<Record<string, string>> = {
  firstRow: '--first-row',
  totalRows: '--total-rows',
  centres: '--centroids',
  previousLabels: '--labels-in',
  labels: '--labels-in',
  plan: '--relocate',
};

/**
 * `lloyd pass`: the map of a distributed fit over one shard (whole blocks of the rows; see
 * docs/distributed.md). With --centroids it assigns the shard's rows and writes its partial
 * (and its labels with --labels-out, for the next pass's changed count); with --relocate it
 * writes the relocation partial of a plan from `lloyd plan`.
 */
export async function passCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, PASS_FLAGS, PASS_USAGE);
  if (values.help) {
    io.stdout.write(
      commandHelp(
        PASS_USAGE,
        'The map of a distributed fit over one shard of rows (docs/distributed.md): assign and sum, or relocate.',
        PASS_FLAGS,
      ),
    );
    return;
  }
  const input = singleInput(positionals, PASS_USAGE);
  const firstRow = integerFlag(values['first-row'], '--first-row', PASS_USAGE, 0);
  const totalRows = integerFlag(values['total-rows'], '--total-rows', PASS_USAGE);
  if (firstRow === undefined || totalRows === undefined)
    throw new UsageError(
      '--first-row R and --total-rows N (where the shard lies in the whole) are required',
      PASS_USAGE,
    );
  const centroids = values.centroids as string | undefined;
  const relocate = values.relocate as string | undefined;
  if ((centroids === undefined) === (relocate === undefined))
    throw new UsageError(
      'give one of --centroids (a pass) and --relocate (a relocation pass)',
      PASS_USAGE,
    );
  const labelsIn = values['labels-in'] as string | undefined;
  if (relocate !== undefined && labelsIn === undefined)
    throw new UsageError(
      '--relocate needs --labels-in: the labels of the pass planned from',
      PASS_USAGE,
    );
  for (const flag of ['labels-out', 'distances-out'] as const)
    if (relocate !== undefined && values[flag] !== undefined)
      throw new UsageError(`--${flag} is for a pass with --centroids`, PASS_USAGE);
  const dtype = choiceFlag(values.dtype, '--dtype', ['float64', 'float32'] as const, PASS_USAGE);
  const threads = integerFlag(values.threads, '--threads', PASS_USAGE);
  const targets = planCommandOutputs(
    {
      out: values.out ?? '-',
      'labels-out': values['labels-out'],
      'distances-out': values['distances-out'],
    },
    ['out', 'labels-out', 'distances-out'],
    [input, centroids, relocate, labelsIn],
    PASS_USAGE,
  );
  const X = await readNpyFlag(input, input, dtype ?? 'float64');
  const shard = { firstRow, totalRows, threads };
  const outputs = [];
  try {
    if (relocate !== undefined && labelsIn !== undefined) {
      const plan = await readPlan(relocate, '--relocate');
      const labels = await readLabels(labelsIn, '--labels-in', X.rows);
      const partial = relocationPass(X, { ...shard, labels, plan });
      outputs.push({ target: targets.get('out'), data: encodePartial(partial) });
    } else if (centroids !== undefined) {
      const { centres, k, d } = await readCentres(centroids);
      if (d !== X.cols)
        throw new ValidationError(
          '--centroids',
          `${centroids}: has ${d} columns; ${input} has ${X.cols}`,
        );
      const previousLabels =
        labelsIn === undefined ? undefined : await readLabels(labelsIn, '--labels-in', X.rows);
      const { partial, labels, distances } = partialPass(X, {
        ...shard,
        centres,
        k,
        previousLabels,
      });
      outputs.push({ target: targets.get('out'), data: encodePartial(partial) });
      outputs.push({ target: targets.get('labels-out'), data: encodeLabelsNpy(labels) });
      // A column of float64: `lloyd inertia` sums them, shard after shard, as a single fit does.
      outputs.push({
        target: targets.get('distances-out'),
        data: encodeNpy({ data: distances, rows: X.rows, cols: 1 }),
      });
    }
  } catch (error) {
    if (error instanceof ValidationError && FLAG_OF[error.parameter])
      throw new ValidationError(
        FLAG_OF[error.parameter],
        error.message.slice(error.parameter.length + 2),
      );
    throw error;
  }
  await writeCommandOutputs(
    outputs.flatMap(({ target, data }) => (target ? [{ target, data }] : [])),
    io,
  );
}
