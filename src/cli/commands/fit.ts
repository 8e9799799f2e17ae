import type { OutputItem, OutputTarget } from '../../data/node/output.js';
import {
  centroidsFileData,
  labelsCsvChunks,
  labelsNpyChunks,
  modelFileText,
} from '../../data/node/writers.js';
import { ValidationError } from '../../errors.js';
import { INIT_NAMES } from '../../kmeans/init.js';
import { KMeans } from '../../kmeans/kmeans.js';
import { ALGORITHMS, type KMeansOptions } from '../../kmeans/options.js';
import { type Matrix, matrixToRows } from '../../matrix.js';
import { adjustedRandScore, normalizedMutualInfoScore, purityScore } from '../../metrics/index.js';
import { renderPlotFile } from '../../plot/render.js';
import { clusterScatterSpec } from '../../plot/specs.js';
import {
  choiceFlag,
  integerFlag,
  numberFlag,
  parseCommand,
  READ_FLAGS,
  readOptionsFrom,
  singleInput,
} from '../args.js';
import { UsageError } from '../errors.js';
import { readInput, type Streams, streamedInput } from '../io.js';
import { planCommandOutputs, writeCommandOutputs, writesToStdout } from '../outputs.js';
import { FitProgress, formatNumber } from '../progress.js';
import { checkMethodFlags, FAMILY_FLAGS, FIT_METHODS, fitFamily } from './fit-family.js';
import { fitGeoJsonCommand, hasGeoJsonInput } from './fit-geojson.js';

export const FIT_USAGE =
  "usage: lloyd fit <file|dataset:NAME> -k K [--method kmeans|minibatch|bisecting] [--batch-size N] [--bisecting-strategy biggest_inertia|largest_cluster] [--init k-means++|'k-means||'|random|FILE] [--metric euclidean|manhattan|cosine] [--n-init N] [--max-iter N] [--tol X] [--seed N] [--dtype float32|float64] [--threads N] [--algorithm auto|lloyd|hamerly|elkan|optimal-1d] [--columns A,B] [--label-column NAME] [--stream] [--labels-out FILE.csv|npy] [--centroids-out FILE] [--model-out FILE] [--plot FILE.png|svg] [--json] [--verbose]\n       lloyd fit <points.geojson> [-k K] [--geodesic] [--seed N] [--max-iter N] [--out FILE.geojson|-] [--json]";

const FLAGS = {
  ...READ_FLAGS,
  clusters: { type: 'string', short: 'k' },
  init: { type: 'string' },
  metric: { type: 'string' },
  'n-init': { type: 'string' },
  'max-iter': { type: 'string' },
  tol: { type: 'string' },
  seed: { type: 'string' },
  'labels-out': { type: 'string' },
  'centroids-out': { type: 'string' },
  'model-out': { type: 'string' },
  plot: { type: 'string' },
  threads: { type: 'string' },
  algorithm: { type: 'string' },
  stream: { type: 'boolean' },
  ...FAMILY_FLAGS,
} as const;

/** `lloyd fit`: clusters a file or bundled dataset and reports or writes the result. */
export async function fitCommand(args: string[], io: Streams): Promise<void> {
  // GeoJSON points are clustered as lloyd/geo does, and written back as GeoJSON.
  if (hasGeoJsonInput(args)) return fitGeoJsonCommand(args, io);
  const { values, positionals } = parseCommand(args, FLAGS, FIT_USAGE);
  if (values.help) {
    io.stdout.write(`${FIT_USAGE}\n`);
    return;
  }
  const input = singleInput(positionals, FIT_USAGE);
  const method = choiceFlag(values.method, '--method', FIT_METHODS, FIT_USAGE) ?? 'kmeans';
  const methodFlags = checkMethodFlags(method, values, FIT_USAGE);
  const k = integerFlag(values.clusters, '-k', FIT_USAGE);
  if (k === undefined) throw new UsageError('-k K (the number of clusters) is required', FIT_USAGE);
  const initFile =
    values.init !== undefined && !(INIT_NAMES as readonly string[]).includes(values.init as string)
      ? (values.init as string)
      : undefined;
  // Every output is checked before the input is read and the fit runs.
  const targets = planCommandOutputs(
    values,
    ['labels-out', 'centroids-out', 'model-out', 'plot'],
    [input, initFile],
    FIT_USAGE,
  );
  const readOptions = readOptionsFrom(values, FIT_USAGE, input);
  // Every flag is checked before the input is read, too.
  const options: KMeansOptions = {
    nClusters: k,
    init: values.init as KMeansOptions['init'],
    nInit: integerFlag(values['n-init'], '--n-init', FIT_USAGE),
    maxIter: integerFlag(values['max-iter'], '--max-iter', FIT_USAGE),
    tol: numberFlag(values.tol, '--tol', FIT_USAGE),
    metric: choiceFlag(
      values.metric,
      '--metric',
      ['euclidean', 'manhattan', 'cosine'] as const,
      FIT_USAGE,
    ),
    randomState: integerFlag(values.seed, '--seed', FIT_USAGE, 0),
    dtype: readOptions.dtype,
    threads: integerFlag(values.threads, '--threads', FIT_USAGE),
    algorithm: choiceFlag(values.algorithm, '--algorithm', ALGORITHMS, FIT_USAGE),
  };
  // --plot draws the rows, and the family's fits draw or split them: they need X loaded.
  const needsRows = targets.has('plot') || method !== 'kmeans';
  if (values.stream && needsRows)
    throw new UsageError('--stream never holds the rows, which --plot draws; drop one', FIT_USAGE);
  const streamed = needsRows
    ? undefined
    : await streamedInput(input, values.stream === true, readOptions, (text) =>
        io.stderr.write(text),
      );
  try {
    const data = streamed ? undefined : await readInput(input, readOptions);
    const X = streamed ? streamed.rows : data?.X;
    if (!X) throw new Error('unreachable: the input is streamed or loaded');
    if (initFile)
      options.init = matrixToRows((await readInput(initFile, { header: readOptions.header })).X);
    for (const key of Object.keys(options) as (keyof KMeansOptions)[])
      if (options[key] === undefined) delete options[key];
    if (method !== 'kmeans') {
      if (!data) throw new Error('unreachable: the family fits X in memory');
      const started = performance.now();
      const model = named(() => fitFamily(method, data.X, options, methodFlags), input);
      const elapsedMs = performance.now() - started;
      await writeFitOutputs(model, targets, values, data, input, k, io);
      const report = writesToStdout(targets) ? io.stderr : io.stdout;
      if (values.json) {
        const labels = targets.has('labels-out') ? undefined : Array.from(model.labels);
        const { centroids, inertia } = model;
        report.write(`${JSON.stringify({ labels, centroids, inertia, ...model.json() })}\n`);
      } else
        report.write(
          `lloyd fit: ${input} (${data.X.rows} x ${data.X.cols}), k=${k}, ${model.describe()}   time ${elapsedMs.toFixed(0)} ms\n`,
        );
      return;
    }
    const probe = new KMeans(options);
    const progress = new FitProgress(io.stderr, probe.options.nInit, values.verbose === true, {
      rows: X.rows,
      maxIter: probe.options.maxIter,
    });
    const started = performance.now();
    const km = new KMeans({ ...options, onIteration: progress.onIteration });
    try {
      named(() => km.fit(X), input);
    } finally {
      progress.done();
    }
    const elapsedMs = performance.now() - started;
    await writeFitOutputs(km, targets, values, data, input, k, io);
    // Standard output carries an output written to `-`; the report then goes to stderr.
    const report = writesToStdout(targets) ? io.stderr : io.stdout;
    if (values.json) {
      const { centroids, inertia, nIter, converged, warnings } = km;
      // Labels written to a file are not printed again: a line of millions of labels helps no one.
      const labels = targets.has('labels-out') ? undefined : Array.from(km.labels);
      report.write(
        `${JSON.stringify({ labels, centroids, inertia, nIter, converged, warnings })}\n`,
      );
      return;
    }
    const shown: Shown = {
      source: input,
      rows: X.rows,
      cols: X.cols,
      columnNames: data?.columnNames ?? Array.from({ length: X.cols }, (_, t) => `x${t}`),
      labels: data?.labels,
      labelName: data?.labelName,
      streamed: streamed !== undefined,
    };
    report.write(summary(shown, km, elapsedMs));
  } finally {
    streamed?.rows.close();
  }
}

/** `run()`, with a ValidationError about X renamed to the input (the file or dataset) X is. */
function named<T>(run: () => T, input: string): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ValidationError && error.parameter === 'X')
      throw new ValidationError(input, error.message.replace(/^X: /, ''));
    throw error;
  }
}

/** Writes the outputs asked for: labels, centroids, the model and the plot, all or none. */
async function writeFitOutputs(
  model: { labels: Int32Array; centroids: number[][]; toJSON(): unknown },
  targets: Map<string, OutputTarget>,
  values: Record<string, string | boolean | undefined>,
  data: { X: Matrix; columnNames?: string[] } | undefined,
  input: string,
  k: number,
  io: Streams,
): Promise<void> {
  const outputs: OutputItem[] = [];
  const add = (flag: string, made: () => OutputItem['data']) => {
    const target = targets.get(flag);
    if (target) outputs.push({ target, data: made() });
  };
  // Labels are written from the model's own array, never copied whole (as text or bytes).
  add('labels-out', () =>
    /\.npy$/i.test(values['labels-out'] as string)
      ? labelsNpyChunks(model.labels)
      : labelsCsvChunks(model.labels),
  );
  add('centroids-out', () => centroidsFileData(values['centroids-out'] as string, model.centroids));
  add('model-out', () => modelFileText(model));
  const plot = targets.get('plot');
  if (plot && data) {
    const spec = clusterScatterSpec({
      X: data.X,
      labels: model.labels,
      centroids: model.centroids,
      featureNames: data.columnNames,
      title: `${input}, k = ${k}`,
    });
    outputs.push({ target: plot, data: await renderPlotFile(plot.path, spec) });
  }
  await writeCommandOutputs(outputs, io);
}

/** What the summary says about the input. */
interface Shown {
  source: string;
  rows: number;
  cols: number;
  columnNames: string[];
  labels?: (string | number)[];
  labelName?: string;
  streamed: boolean;
}

function summary(data: Shown, km: KMeans, elapsedMs: number): string {
  const { options } = km;
  const lines = [
    `lloyd fit: ${data.source} (${data.rows} x ${data.cols}${data.streamed ? ', read pass by pass' : ''}), k=${options.nClusters}, metric ${options.metric.name}, init ${options.initStrategy.name}, ${options.nInit} restart${options.nInit === 1 ? '' : 's'}`,
    `inertia ${formatNumber(km.inertia)}   iterations ${km.nIter}   converged ${km.converged ? 'yes' : 'no'}   time ${elapsedMs.toFixed(0)} ms`,
    '',
  ];
  const sizes = km.clusters().map((c) => c.length);
  const showCentroid = data.cols <= 8;
  lines.push(`cluster  size${showCentroid ? `  centroid (${data.columnNames.join(', ')})` : ''}`);
  km.centroids.forEach((c, j) => {
    const centroid = showCentroid ? `  ${c.map((v) => formatNumber(v)).join('  ')}` : '';
    lines.push(`${String(j).padStart(7)}  ${String(sizes[j]).padStart(4)}${centroid}`);
  });
  if (data.labels) {
    const truth = data.labels;
    const pred = Array.from(km.labels);
    lines.push(
      '',
      `against ${data.labelName ?? 'the true classes'}: purity ${purityScore(truth, pred).toFixed(4)}   ARI ${adjustedRandScore(truth, pred).toFixed(4)}   NMI ${normalizedMutualInfoScore(truth, pred).toFixed(4)}`,
    );
  }
  for (const warning of km.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}
