import { INIT_NAMES } from '../../kmeans/init.js';
import { METRIC_NAMES } from '../../kmeans/metric-strategies.js';
import { renderPlotFile } from '../../plot/render.js';
import { elbowSpec } from '../../plot/specs.js';
import { elbow } from '../../selection/elbow.js';
import {
  choiceFlag,
  commandHelp,
  type FlagTable,
  integerFlag,
  parseCommand,
  readOptionsFrom,
  singleInput,
} from '../args.js';
import { CLUSTER_FLAGS, PREPARE_FLAGS, READ_FLAGS } from '../flags.js';
import { readInput, type Streams } from '../io.js';
import { noteWriter } from '../notes.js';
import { planCommandOutputs, writeCommandOutputs } from '../outputs.js';
import { prepareColumns, prepareFlags } from '../prepare.js';
import { formatNumber } from '../progress.js';

export const ELBOW_USAGE = 'usage: lloyd elbow <file|dataset:NAME> [flags]';

const ELBOW_ABOUT =
  'Fits k = --k-min..--k-max clusters and prints the inertia of each, and the knee of the curve (Kneedle).';

/** Every flag of `lloyd elbow`. */
export const ELBOW_FLAGS = {
  'k-min': { type: 'string', value: 'K', help: 'the smallest k fitted', default: '1' },
  'k-max': {
    type: 'string',
    value: 'K',
    help: 'the largest k fitted',
    default: '10, or the rows when fewer',
  },
  ...CLUSTER_FLAGS,
  init: { ...CLUSTER_FLAGS.init, choices: CLUSTER_FLAGS.init.choices.slice(0, -1) },
  ...READ_FLAGS,
  ...PREPARE_FLAGS,
} as const satisfies FlagTable;

/** `lloyd elbow`: inertia for each k and the knee (Kneedle). */
export async function elbowCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, ELBOW_FLAGS, ELBOW_USAGE);
  if (values.help) {
    io.stdout.write(commandHelp(ELBOW_USAGE, ELBOW_ABOUT, ELBOW_FLAGS));
    return;
  }
  const input = singleInput(positionals, ELBOW_USAGE);
  const targets = planCommandOutputs(values, ['plot'], [input], ELBOW_USAGE);
  const readOptions = readOptionsFrom(values, ELBOW_USAGE, input);
  // Every flag is checked before the input is read.
  const kMin = integerFlag(values['k-min'], '--k-min', ELBOW_USAGE) ?? 1;
  const kMaxFlag = integerFlag(values['k-max'], '--k-max', ELBOW_USAGE);
  const fitOptions = {
    init: choiceFlag(values.init, '--init', INIT_NAMES, ELBOW_USAGE),
    metric: choiceFlag(values.metric, '--metric', METRIC_NAMES, ELBOW_USAGE),
    nInit: integerFlag(values['n-init'], '--n-init', ELBOW_USAGE),
    randomState: integerFlag(values.seed, '--seed', ELBOW_USAGE, 0),
  };
  const prepare = prepareFlags(values, readOptions, ELBOW_USAGE);
  const loaded = await readInput(input, readOptions);
  if (loaded.layout) noteWriter(io, values.verbose === true).layout(input, loaded.layout);
  const prepared = prepareColumns(loaded, prepare);
  for (const warning of prepared.warnings) io.stderr.write(`lloyd: warning: ${warning}\n`);
  const data = { ...prepared.data, X: prepared.X };
  const kMax = kMaxFlag ?? Math.max(kMin, Math.min(10, data.X.rows));
  const progressive = io.stderr.isTTY || values.verbose === true;
  const result = elbow(data.X, {
    kMin,
    kMax,
    ...fitOptions,
    dtype: readOptions.dtype,
    onProgress: ({ k, done, total }) => {
      if (progressive)
        io.stderr.write(
          `${io.stderr.isTTY ? '\r\x1b[2K' : ''}k=${k} (${done}/${total})${io.stderr.isTTY ? '' : '\n'}`,
        );
    },
  });
  if (io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
  const plot = targets.get('plot');
  if (plot) {
    const spec = elbowSpec({ ...result, title: `Elbow: ${data.source}` });
    await writeCommandOutputs([{ target: plot, data: await renderPlotFile(plot.path, spec) }], io);
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const lines = [
      `lloyd elbow: ${data.source} (${data.X.rows} x ${data.X.cols})`,
      '',
      '   k  inertia',
    ];
    result.ks.forEach((k, i) => {
      lines.push(
        `${String(k).padStart(4)}  ${formatNumber(result.inertias[i])}${k === result.knee ? '   <- knee' : ''}`,
      );
    });
    lines.push(
      '',
      result.knee === null
        ? 'no knee found (the curve does not bend)'
        : `knee (Kneedle): k = ${result.knee}`,
    );
    io.stdout.write(`${lines.join('\n')}\n`);
  }
}
