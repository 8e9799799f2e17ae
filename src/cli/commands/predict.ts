import { readFile } from 'node:fs/promises';
import { writeLabels } from '../../data/node/writers.js';
import { ValidationError } from '../../errors.js';
import { KMeans } from '../../kmeans/kmeans.js';
import { parseCommand, READ_FLAGS, readOptionsFrom, singleInput } from '../args.js';
import { UsageError } from '../errors.js';
import { checkOutputPath, readInput, type Streams } from '../io.js';

export const PREDICT_USAGE =
  'usage: lloyd predict --model model.json <file|dataset:NAME> [--labels-out FILE] [--json] [--columns A,B]';

/** `lloyd predict`: labels new rows with a saved model. */
export async function predictCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { ...READ_FLAGS, model: { type: 'string' }, 'labels-out': { type: 'string' } },
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
  checkOutputPath(values['labels-out'] as string | undefined, [input, modelPath]);
  let text: string;
  try {
    text = await readFile(modelPath, 'utf8');
  } catch (error) {
    throw new ValidationError(
      'model',
      `${modelPath}: cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const model = KMeans.fromJSON(text);
  const data = await readInput(input, readOptionsFrom(values, PREDICT_USAGE));
  const labels = model.predict(data.X);
  if (values['labels-out']) await writeLabels(values['labels-out'] as string, labels);
  if (values.json) io.stdout.write(`${JSON.stringify({ labels: Array.from(labels) })}\n`);
  else if (!values['labels-out']) io.stdout.write(`${Array.from(labels).join('\n')}\n`);
  else io.stdout.write(`wrote ${labels.length} labels to ${values['labels-out']}\n`);
}
