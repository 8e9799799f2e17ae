import { readFile } from 'node:fs/promises';
import { labelsCsvChunks, labelsNpyChunks } from '../../data/node/writers.js';
import { dataFileKind } from '../../data/parse-file.js';
import { ValidationError } from '../../errors.js';
import { sharedMatrix } from '../../kernels/wasm/backend.js';
import { BisectingKMeans } from '../../kmeans/bisecting/bisecting-kmeans.js';
import { type FitInput, KMeans } from '../../kmeans/kmeans.js';
import { MiniBatchKMeans } from '../../kmeans/minibatch/minibatch-kmeans.js';
import { Scaler } from '../../preprocessing/scalers.js';
import {
  commandHelp,
  type FlagTable,
  parseCommand,
  readOptionsFrom,
  singleInput,
} from '../args.js';
import { UsageError } from '../errors.js';
import { READ_FLAGS } from '../flags.js';
import { readInput, type Streams, streamedInput } from '../io.js';
import { type ModelInput, modelInputFromJSON } from '../model-input.js';
import { noteWriter } from '../notes.js';
import { planCommandOutputs, writeCommandOutputs } from '../outputs.js';

export const PREDICT_USAGE = 'usage: lloyd predict --model model.json <file|dataset:NAME> [flags]';

const PREDICT_ABOUT =
  'Labels rows with the nearest cluster of a model saved by lloyd fit --model-out. The model reads the columns it was fitted on (by name) and scales them as the fit did: no flag needs repeating.';

/** Every flag of `lloyd predict`. */
export const PREDICT_FLAGS = {
  model: {
    type: 'string',
    value: 'FILE',
    help: 'the model, as lloyd fit --model-out saved it (required)',
  },
  ...READ_FLAGS,
  columns: {
    ...READ_FLAGS.columns,
    default: 'the columns the model was fitted on, by name',
  },
  'labels-out': {
    type: 'string',
    value: 'FILE',
    help: "write each row's cluster to FILE (.csv, or .npy for int32; - for stdout) instead of printing them",
  },
  stream: {
    type: 'boolean',
    help: 'read the file pass by pass instead of loading it (NPY, IDX, CSV); on by itself for a file larger than half the free memory',
  },
} as const satisfies FlagTable;

/** `lloyd predict`: labels new rows with a saved model. */
export async function predictCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, PREDICT_FLAGS, PREDICT_USAGE);
  if (values.help) {
    io.stdout.write(commandHelp(PREDICT_USAGE, PREDICT_ABOUT, PREDICT_FLAGS));
    return;
  }
  const input = singleInput(positionals, PREDICT_USAGE);
  const modelPath = values.model as string | undefined;
  if (!modelPath)
    throw new UsageError(
      '--model FILE is required (write one with lloyd fit --model-out)',
      PREDICT_USAGE,
    );
  const targets = planCommandOutputs(values, ['labels-out'], [input, modelPath], PREDICT_USAGE);
  const readOptions = readOptionsFrom(values, PREDICT_USAGE, input);
  let text: string;
  try {
    text = await readFile(modelPath, 'utf8');
  } catch (error) {
    throw new ValidationError(
      '--model',
      `${modelPath}: cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  // Errors name the file they are about: the model's, or the input's (X to the model).
  const model = named(() => modelFromJSON(text), 'json', `--model: ${modelPath}`);
  const recorded = modelInputFromJSON(JSON.parse(text), `--model: ${modelPath}`);
  // A text file is read by the columns the model was fitted on, unless --columns says otherwise.
  const byModel = recorded !== undefined && readOptions.columns === undefined && textInput(input);
  if (byModel) readOptions.columns = recorded.featureNames;
  const scaler = recorded?.scaler ? Scaler.fromJSON(recorded.scaler) : undefined;
  if (scaler && values.stream)
    throw new UsageError(
      `${modelPath} scales its input (${scaler.scaling}), which needs the rows loaded: drop --stream`,
      PREDICT_USAGE,
    );
  const notes = noteWriter(io, values.verbose === true);
  const streamed = await streamedInput(input, values.stream === true, readOptions, (note) =>
    io.stderr.write(note),
  ).catch((error: unknown) => {
    throw byModel ? lacking(error, input, modelPath, recorded) : error;
  });
  try {
    if (scaler && streamed)
      throw new ValidationError(
        '--model',
        `${modelPath} scales its input (${scaler.scaling}), which needs the rows loaded, and ${input} is too large to load: scale it first, then fit and predict without --standardize or --minmax`,
      );
    let X: FitInput;
    if (streamed) {
      if (streamed.rows.textLayout) notes.layout(input, streamed.rows.textLayout);
      X = streamed.rows;
    } else {
      const data = await readInput(input, readOptions).catch((error: unknown) => {
        throw byModel ? lacking(error, input, modelPath, recorded) : error;
      });
      if (data.layout) notes.layout(input, data.layout);
      const rows = data.X;
      X = scaler
        ? named(() => scaler.transform(rows, { allocate: sharedMatrix }), 'X', input)
        : rows;
    }
    const scaled = X;
    const labels = named(() => model.predict(scaled), 'X', `${input} (for --model ${modelPath})`);
    const target = targets.get('labels-out');
    // Labels are written from their own array, never copied whole (as text or bytes).
    const file = (path: string) =>
      /\.npy$/i.test(path) ? labelsNpyChunks(labels) : labelsCsvChunks(labels);
    if (target) await writeCommandOutputs([{ target, data: file(target.path) }], io);
    // Standard output carries the labels when they go to `-`; the note then goes to stderr.
    const report = target?.fd === 1 ? io.stderr : io.stdout;
    if (values.json) {
      if (target)
        report.write(`${JSON.stringify({ rows: labels.length, labelsOut: target.path })}\n`);
      else report.write(`${JSON.stringify({ labels: Array.from(labels) })}\n`);
    } else if (!target) {
      for (const chunk of labelsCsvChunks(labels)) io.stdout.write(chunk);
    } else report.write(`wrote ${labels.length} labels to ${target.path}\n`);
  } finally {
    streamed?.rows.close();
  }
}

/** Whether the input is a delimited text file, whose columns are picked by name. */
function textInput(input: string): boolean {
  return !input.startsWith('dataset:') && dataFileKind(input) === 'csv';
}

/** A missing column's error, said as the model's: the file lacks a column the model needs. */
function lacking(
  error: unknown,
  input: string,
  modelPath: string,
  recorded: ModelInput | undefined,
): unknown {
  if (!(error instanceof ValidationError) || error.parameter !== 'columns' || !recorded)
    return error;
  const missing = /no column ("[^"]*")/.exec(error.message)?.[1] ?? 'a column';
  return new ValidationError(
    input,
    `has no column ${missing}, which ${modelPath} was fitted on (its columns: ${recorded.featureNames.join(', ')}); give a file with them, or pick columns with --columns`,
  );
}

/**
 * The model a saved JSON text holds, by its format: KMeans, MiniBatchKMeans or BisectingKMeans
 * (each checks its own fields).
 */
function modelFromJSON(text: string): { predict(X: FitInput): Int32Array } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return KMeans.fromJSON(text); // its error says why the text is not JSON
  }
  const format =
    typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format === 'lloyd.minibatch-kmeans') return MiniBatchKMeans.fromJSON(json);
  if (format === 'lloyd.bisecting-kmeans') return BisectingKMeans.fromJSON(json);
  return KMeans.fromJSON(json);
}

/** `run()`, with a ValidationError about `parameter` renamed to `name`. */
function named<T>(run: () => T, parameter: string, name: string): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ValidationError && error.parameter === parameter)
      throw new ValidationError(name, error.message.slice(parameter.length + 2));
    throw error;
  }
}
