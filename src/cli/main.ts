import { readFileSync } from 'node:fs';
import { ValidationError } from '../errors.js';
import { blocksCommand } from './commands/blocks.js';
import { datasetsCommand } from './commands/datasets.js';
import { elbowCommand } from './commands/elbow.js';
import { evaluateCommand } from './commands/evaluate.js';
import { fitCommand } from './commands/fit.js';
import { inertiaCommand } from './commands/inertia.js';
import { mergeCommand } from './commands/merge.js';
import { passCommand } from './commands/pass.js';
import { predictCommand } from './commands/predict.js';
import { reportCommand } from './commands/report.js';
import { planCommand, updateCommand } from './commands/update.js';
import { UsageError } from './errors.js';
import type { Streams } from './io.js';

const USAGE = `usage: lloyd <command> [options]

commands:
  fit <file|dataset:NAME> -k K     cluster the rows (k-means, k-medians or spherical k-means)
  predict --model M.json <file>    label new rows with a saved model
  elbow <file|dataset:NAME>        inertia for k = 1..10 and the knee
  evaluate --truth F --pred F      contingency matrix, purity, ARI, NMI, V-measure
  datasets                         the bundled datasets (dataset:iris, dataset:mnist, ...)
  report [--out report/]           the k-means tutorial on bundled data, beside scikit-learn
  blocks, pass, merge, plan, update, inertia
                                   a fit over shards, driven by any engine (docs/distributed.md)

options: --help (per command too: lloyd fit --help lists every flag), --version, --debug
files: CSV/TSV (delimiter, header and metadata lines detected), .npy, .json (array of rows), IDX (MNIST format); each may be .gz`;

const COMMANDS: Record<string, (args: string[], io: Streams) => Promise<void> | void> = {
  fit: fitCommand,
  predict: predictCommand,
  elbow: elbowCommand,
  evaluate: evaluateCommand,
  datasets: datasetsCommand,
  report: reportCommand,
  blocks: blocksCommand,
  pass: passCommand,
  merge: mergeCommand,
  plan: planCommand,
  update: updateCommand,
  inertia: inertiaCommand,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The flag that sets each estimator or reader option: CLI messages name flags, not API options. */
const FLAG_OF: Readonly<Record<string, string>> = {
  nClusters: '-k',
  nInit: '--n-init',
  maxIter: '--max-iter',
  tol: '--tol',
  randomState: '--seed',
  threads: '--threads',
  algorithm: '--algorithm',
  metric: '--metric',
  dtype: '--dtype',
  init: '--init',
  columns: '--columns',
  labelColumn: '--label-column',
  delimiter: '--delimiter',
  kMin: '--k-min',
  kMax: '--k-max',
};

/** A ValidationError's message, naming the flag where its parameter is an option a flag sets. */
function flagMessage(error: ValidationError): string {
  const flag = FLAG_OF[error.parameter];
  const prefix = `${error.parameter}: `;
  return flag && error.message.startsWith(prefix)
    ? `${flag}: ${error.message.slice(prefix.length)}`
    : error.message;
}

/** Runs the CLI and returns its exit code: 0 success, 1 data or runtime error, 2 usage error. */
export async function main(argv: string[], io: Streams = process): Promise<number> {
  const [command, ...rest] = argv;
  const debug = argv.includes('--debug');
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run)
      throw new UsageError(`unknown command ${JSON.stringify(command)}`, USAGE.split('\n')[0]);
    await run(rest, io);
    return 0;
  } catch (error) {
    if (debug) io.stderr.write(`${(error as Error).stack}\n`);
    if (error instanceof UsageError) {
      const more = COMMANDS[command] ? `\n(lloyd ${command} --help lists every flag)` : '';
      io.stderr.write(`lloyd: ${error.message}\n${error.usage}${more}\n`);
      return 2;
    }
    const message =
      error instanceof ValidationError
        ? flagMessage(error)
        : `${(error as Error).message ?? error}`;
    const hint = debug || error instanceof ValidationError ? '' : ' (run with --debug for details)';
    io.stderr.write(`lloyd: error: ${message}${hint}\n`);
    return 1;
  }
}
