import type { OutputItem, OutputTarget } from '../../data/node/output.js';
import { centroidsFileData, labelsCsvChunks, labelsNpyChunks } from '../../data/node/writers.js';
import { ValidationError } from '../../errors.js';
import { INIT_NAMES } from '../../kmeans/init.js';
import { KMeans } from '../../kmeans/kmeans.js';
import { METRIC_NAMES } from '../../kmeans/metric-strategies.js';
import { ALGORITHMS, type KMeansOptions } from '../../kmeans/options.js';
import { matrixToRows } from '../../matrix.js';
import { adjustedRandScore, normalizedMutualInfoScore, purityScore } from '../../metrics/index.js';
import { renderPlotFile } from '../../plot/render.js';
import { clusterScatterSpec } from '../../plot/specs.js';
import type { Scaler } from '../../preprocessing/scalers.js';
import {
  choiceFlag,
  commandHelp,
  type FlagTable,
  integerFlag,
  numberFlag,
  parseCommand,
  readOptionsFrom,
  singleInput,
} from '../args.js';
import { UsageError } from '../errors.js';
import { CLUSTER_FLAGS, PREPARE_FLAGS, READ_FLAGS } from '../flags.js';
import { readInput, type Streams, streamedInput } from '../io.js';
import { type ModelInput, modelWithInputText } from '../model-input.js';
import { noteWriter } from '../notes.js';
import { planCommandOutputs, writeCommandOutputs, writesToStdout } from '../outputs.js';
import { type Prepared, prepareColumns, prepareFlags } from '../prepare.js';
import { FitProgress, formatNumber } from '../progress.js';
import { checkMethodFlags, FAMILY_FLAGS, FIT_METHODS, fitFamily } from './fit-family.js';
import { fitGeoJsonCommand, hasGeoJsonInput } from './fit-geojson.js';

export const FIT_USAGE =
  'usage: lloyd fit <file|dataset:NAME> -k K [flags]\n       lloyd fit <points.geojson> [-k K] [flags]   (lloyd fit points.geojson --help)';

const FIT_ABOUT =
  'Clusters the rows of a file (CSV/TSV, delimiter sniffed; .npy; .json rows; IDX; each may be .gz) or a bundled dataset, and prints the clusters; outputs go to files.';

/** Every flag of `lloyd fit` (a file or dataset input): parsed and described by this one table. */
export const FIT_FLAGS = {
  clusters: {
    type: 'string',
    short: 'k',
    value: 'K',
    help: 'the number of clusters (required)',
  },
  ...FAMILY_FLAGS,
  ...CLUSTER_FLAGS,
  'max-iter': {
    type: 'string',
    value: 'N',
    help: 'iterations per restart at most',
    default: '300 (100 passes for --method minibatch)',
  },
  tol: {
    type: 'string',
    value: 'X',
    help: 'converged when the centroids move less than X times the mean variance of the columns (relative, as scikit-learn)',
    default: '1e-4',
  },
  threads: {
    type: 'string',
    value: 'N',
    help: 'threads to fit with, this one included',
    default: 'every core',
  },
  algorithm: {
    type: 'string',
    value: 'NAME',
    choices: ALGORITHMS,
    help: "how each iteration finds the nearest centroid; all give the same answer. auto keeps Hamerly's distance bounds from k = 8, Elkan's for larger k when they fit in memory, plain Lloyd below; optimal-1d is exact dynamic programming for one column",
    default: 'auto',
  },
  ...READ_FLAGS,
  ...PREPARE_FLAGS,
  stream: {
    type: 'boolean',
    help: 'read the file pass by pass instead of loading it (NPY, IDX, CSV); on by itself for a file larger than half the free memory',
  },
  'labels-out': {
    type: 'string',
    value: 'FILE',
    help: "write each row's cluster to FILE (.csv, or .npy for int32; - for stdout)",
  },
  'centroids-out': {
    type: 'string',
    value: 'FILE',
    help: 'write the centroids to FILE (.csv, .npy or .json), in the units fitted (scaled with --standardize or --minmax)',
  },
  'model-out': {
    type: 'string',
    value: 'FILE',
    help: 'save the model as JSON, with its columns, label column and scaling, for lloyd predict',
  },
} as const satisfies FlagTable;

/** `lloyd fit`: clusters a file or bundled dataset and reports or writes the result. */
export async function fitCommand(args: string[], io: Streams): Promise<void> {
  // GeoJSON points are clustered as lloyd/geo does, and written back as GeoJSON.
  if (hasGeoJsonInput(args)) return fitGeoJsonCommand(args, io);
  const { values, positionals } = parseCommand(args, FIT_FLAGS, FIT_USAGE);
  if (values.help) {
    io.stdout.write(commandHelp(FIT_USAGE, FIT_ABOUT, FIT_FLAGS));
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
  const prepare = prepareFlags(values, readOptions, FIT_USAGE);
  // Every flag is checked before the input is read, too.
  const options: KMeansOptions = {
    nClusters: k,
    init: values.init as KMeansOptions['init'],
    nInit: integerFlag(values['n-init'], '--n-init', FIT_USAGE),
    maxIter: integerFlag(values['max-iter'], '--max-iter', FIT_USAGE),
    tol: numberFlag(values.tol, '--tol', FIT_USAGE),
    metric: choiceFlag(values.metric, '--metric', METRIC_NAMES, FIT_USAGE),
    randomState: integerFlag(values.seed, '--seed', FIT_USAGE, 0),
    dtype: readOptions.dtype,
    threads: integerFlag(values.threads, '--threads', FIT_USAGE),
    algorithm: choiceFlag(values.algorithm, '--algorithm', ALGORITHMS, FIT_USAGE),
  };
  // --plot draws the rows, and bisecting k-means splits them: they need X loaded. Mini-batch
  // k-means reads its batches from a file as k-means reads its passes.
  const needsRows = targets.has('plot') || method === 'bisecting';
  if (values.stream && needsRows)
    throw new UsageError('--stream never holds the rows, which --plot draws; drop one', FIT_USAGE);
  const notes = noteWriter(io, values.verbose === true);
  const streamed = needsRows
    ? undefined
    : await streamedInput(input, values.stream === true, readOptions, (text) =>
        io.stderr.write(text),
      );
  if (streamed && (prepare.dropId || prepare.scaling))
    throw new UsageError(
      `--${prepare.scaling ?? 'drop-id'} needs the rows loaded (a fit read pass by pass never holds them to scale or check): drop --stream, or pick the columns with --columns`,
      FIT_USAGE,
    );
  try {
    const data = streamed ? undefined : await readInput(input, readOptions);
    if (streamed?.rows.textLayout) notes.layout(input, streamed.rows.textLayout);
    if (data?.layout) notes.layout(input, data.layout);
    const prepared = data ? prepareColumns(data, prepare) : undefined;
    for (const warning of prepared?.warnings ?? []) io.stderr.write(`lloyd: warning: ${warning}\n`);
    const X = streamed ? streamed.rows : prepared?.X;
    if (!X) throw new Error('unreachable: the input is streamed or loaded');
    if (initFile) {
      const init = (await readInput(initFile, { header: readOptions.header })).X;
      // Starting centroids are given in the data's units: scaled as the data is.
      options.init = matrixToRows(prepared?.scaler ? prepared.scaler.transform(init) : init);
    }
    for (const key of Object.keys(options) as (keyof KMeansOptions)[])
      if (options[key] === undefined) delete options[key];
    const modelInput = prepared?.input ?? {
      featureNames: streamed?.rows.columnNames ?? columnsOf(X.cols),
    };
    if (method !== 'kmeans') {
      const started = performance.now();
      const model = named(() => fitFamily(method, X, options, methodFlags), input);
      const elapsedMs = performance.now() - started;
      await writeFitOutputs(model, targets, values, prepared, modelInput, input, k, io);
      const report = writesToStdout(targets) ? io.stderr : io.stdout;
      if (values.json) {
        const labels = targets.has('labels-out') ? undefined : Array.from(model.labels);
        const { centroids, inertia } = model;
        report.write(
          `${JSON.stringify({ labels, centroids, ...originalUnits(prepared, centroids), inertia, ...model.json(), ...scores(prepared?.data, model.labels) })}\n`,
        );
      } else
        report.write(
          `lloyd fit: ${input} (${X.rows} x ${X.cols}${streamed ? ', read pass by pass' : ''}), k=${k}, ${model.describe()}   time ${elapsedMs.toFixed(0)} ms\n${scoreLine(prepared?.data, model.labels)}`,
        );
      return;
    }
    const probe = new KMeans(options);
    const progress = new FitProgress(io.stderr, values.verbose === true, {
      restarts: probe.options.nInit,
      maxIter: probe.options.maxIter,
      rows: X.rows,
    });
    const started = performance.now();
    const km = new KMeans({ ...options, onIteration: progress.onIteration });
    try {
      named(() => km.fit(X), input);
    } finally {
      progress.done();
    }
    const elapsedMs = performance.now() - started;
    await writeFitOutputs(km, targets, values, prepared, modelInput, input, k, io);
    // Standard output carries an output written to `-`; the report then goes to stderr.
    const report = writesToStdout(targets) ? io.stderr : io.stdout;
    if (values.json) {
      const { centroids, inertia, nIter, converged, warnings } = km;
      // Labels written to a file are not printed again: a line of millions of labels helps no one.
      const labels = targets.has('labels-out') ? undefined : Array.from(km.labels);
      report.write(
        `${JSON.stringify({
          labels,
          centroids,
          ...originalUnits(prepared, centroids),
          inertia,
          nIter,
          converged,
          warnings: [...(prepared?.warnings ?? []), ...warnings],
          ...scores(prepared?.data, km.labels),
        })}\n`,
      );
      return;
    }
    const shown: Shown = {
      source: input,
      rows: X.rows,
      cols: X.cols,
      columnNames: modelInput.featureNames,
      labels: prepared?.data.labels,
      labelName: prepared?.data.labelName,
      streamed: streamed !== undefined,
      scaler: prepared?.scaler,
    };
    report.write(summary(shown, km, elapsedMs));
  } finally {
    streamed?.rows.close();
  }
}

/** Column names for an input that has none: "0", "1", ... as the readers name them. */
function columnsOf(cols: number): string[] {
  return Array.from({ length: cols }, (_, j) => String(j));
}

/** The centroids in the input's units, for a fit on scaled columns; nothing otherwise. */
function originalUnits(
  prepared: Prepared | undefined,
  centroids: number[][],
): { centroidsInOriginalUnits?: number[][] } {
  if (!prepared?.scaler) return {};
  return { centroidsInOriginalUnits: matrixToRows(prepared.scaler.inverseTransform(centroids)) };
}

/** The scores against the true classes that the text prints, for --json; none without labels. */
function scores(
  data: { labels?: (string | number)[]; labelName?: string } | undefined,
  labels: Int32Array,
): { scores?: { against: string; purity: number; ari: number; nmi: number } } {
  if (!data?.labels) return {};
  const pred = Array.from(labels);
  return {
    scores: {
      against: data.labelName ?? 'the true classes',
      purity: purityScore(data.labels, pred),
      ari: adjustedRandScore(data.labels, pred),
      nmi: normalizedMutualInfoScore(data.labels, pred),
    },
  };
}

/** The scores' line of the text summary (with a blank line before), or nothing without labels. */
function scoreLine(
  data: { labels?: (string | number)[]; labelName?: string } | undefined,
  labels: Int32Array,
): string {
  const found = scores(data, labels).scores;
  if (!found) return '';
  return `\nagainst ${found.against}: purity ${found.purity.toFixed(4)}   ARI ${found.ari.toFixed(4)}   NMI ${found.nmi.toFixed(4)}\n`;
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
  prepared: Prepared | undefined,
  modelInput: ModelInput,
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
  add('model-out', () => modelWithInputText(model, modelInput));
  const plot = targets.get('plot');
  if (plot && prepared) {
    const spec = clusterScatterSpec({
      X: prepared.X,
      labels: model.labels,
      centroids: model.centroids,
      featureNames: prepared.data.columnNames,
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
  /** The scaling fitted, whose inverse shows the centroids in the input's units. */
  scaler?: Scaler;
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
  const units = data.scaler
    ? ` in ${data.scaler.scaling === 'standardize' ? 'standardized' : 'min-max'} units`
    : '';
  lines.push(
    `cluster  size${showCentroid ? `  centroid${units} (${data.columnNames.join(', ')})` : ''}`,
  );
  km.centroids.forEach((c, j) => {
    const centroid = showCentroid ? `  ${c.map((v) => formatNumber(v)).join('  ')}` : '';
    lines.push(`${String(j).padStart(7)}  ${String(sizes[j]).padStart(4)}${centroid}`);
  });
  if (showCentroid && data.scaler) {
    lines.push('', `cluster  centroid in the input's units (${data.columnNames.join(', ')})`);
    matrixToRows(data.scaler.inverseTransform(km.centroids)).forEach((c, j) => {
      lines.push(`${String(j).padStart(7)}  ${c.map((v) => formatNumber(v)).join('  ')}`);
    });
  }
  for (const warning of km.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n${scoreLine(data, km.labels)}`;
}
