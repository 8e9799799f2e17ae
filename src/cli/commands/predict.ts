import { readFile } from 'node:fs/promises';
import { labelsCsvChunks, labelsNpyChunks } from '../../data/node/writers.js';
import { ValidationError } from '../../errors.js';
import { BisectingKMeans } from '../../kmeans/bisecting/bisecting-kmeans.js';
import { type FitInput, KMeans } from '../../kmeans/kmeans.js';
import { MiniBatchKMeans } from '../../kmeans/minibatch/minibatch-kmeans.js';
import { parseCommand, READ_FLAGS, readOptionsFrom, singleInput } from '../args.js';
import { UsageError } from '../errors.js';
import { readInput, type Streams, streamedInput } from '../io.js';
import { planCommandOutputs, writeCommandOutputs } from '../outputs.js';

export const PREDICT_USAGE =
  'usage: lloyd predict --model model.json <file|dataset:NAME> [--stream] [--labels-out FILE.csv|npy] [--json] [--columns A,B]';

/** `lloyd predict`: labels new rows with a saved model. */
export async function predictCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      ...READ_FLAGS,
      model: { type: 'string' },
      'labels-out': { type: 'string' },
      stream: { type: 'boolean' },
    },
    PREDICT_USAGE,
  );
  if (values.help) {
    io.stdout.write(`${PREDICT_USAGE}\n`);
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
  const streamed = await streamedInput(input, values.stream === true, readOptions, (note) =>
    io.stderr.write(note),
  );
  try {
    const X = streamed ? streamed.rows : (await readInput(input, readOptions)).X;
    const labels = named(() => model.predict(X), 'X', `${input} (for --model ${modelPath})`);
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
