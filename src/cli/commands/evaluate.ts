import { readFile } from 'node:fs/promises';
import { ValidationError } from '../../errors.js';
import {
  adjustedRandScore,
  contingencyMatrix,
  homogeneityCompletenessVMeasure,
  type Label,
  normalizedMutualInfoScore,
  purityScore,
} from '../../metrics/index.js';
import { parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { readInput, type Streams } from '../io.js';

export const EVALUATE_USAGE =
  'usage: lloyd evaluate --truth FILE|dataset:NAME --pred FILE [--json]';

/** Reads labels: one per line, or the last field of `id,label` lines (a non-numeric header is skipped). */
async function readLabels(spec: string): Promise<Label[]> {
  if (spec.startsWith('dataset:')) {
    const data = await readInput(spec);
    if (!data.labels) throw new ValidationError('truth', `${spec} has no labels`);
    return data.labels;
  }
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (error) {
    throw new ValidationError(
      'file',
      `${spec}: cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const fields = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(/[,\t]/).pop()?.trim() ?? '');
  if (fields.length > 0 && fields[0] === 'label') fields.shift();
  if (fields.length === 0) throw new ValidationError('file', `${spec}: holds no labels`);
  const numeric = fields.every((f) => f !== '' && Number.isFinite(Number(f)));
  return numeric ? fields.map(Number) : fields;
}

/** `lloyd evaluate`: compares predicted clusters with true classes. */
export async function evaluateCommand(args: string[], io: Streams): Promise<void> {
  const { values } = parseCommand(
    args,
    {
      truth: { type: 'string' },
      pred: { type: 'string' },
      json: { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    EVALUATE_USAGE,
  );
  if (values.help) {
    io.stdout.write(`${EVALUATE_USAGE}\n`);
    return;
  }
  if (!values.truth || !values.pred)
    throw new UsageError('--truth and --pred are both required', EVALUATE_USAGE);
  const truth = await readLabels(values.truth as string);
  const pred = await readLabels(values.pred as string);
  const table = contingencyMatrix(truth, pred);
  const hcv = homogeneityCompletenessVMeasure(truth, pred);
  const report = {
    n: truth.length,
    contingency: table,
    purity: purityScore(truth, pred),
    purityPerCluster: purityScore(truth, pred, { perCluster: true }),
    adjustedRandScore: adjustedRandScore(truth, pred),
    normalizedMutualInfoScore: normalizedMutualInfoScore(truth, pred),
    homogeneity: hcv.homogeneity,
    completeness: hcv.completeness,
    vMeasure: hcv.vMeasure,
  };
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const width = Math.max(5, ...table.classes.map((c) => String(c).length));
  const cell = (v: string | number) => String(v).padStart(6);
  const lines = [
    `lloyd evaluate: ${report.n} samples, ${table.classes.length} classes, ${table.clusters.length} clusters`,
    '',
    `${'class'.padEnd(width)} ${table.clusters.map(cell).join('')}`,
    ...table.matrix.map(
      (row, i) => `${String(table.classes[i]).padEnd(width)} ${row.map(cell).join('')}`,
    ),
    `${'purity'.padEnd(width)} ${report.purityPerCluster.map((p) => cell(p.toFixed(2))).join('')}`,
    '',
    `purity        ${report.purity.toFixed(4)}`,
    `ARI           ${report.adjustedRandScore.toFixed(4)}`,
    `NMI           ${report.normalizedMutualInfoScore.toFixed(4)}`,
    `homogeneity   ${report.homogeneity.toFixed(4)}`,
    `completeness  ${report.completeness.toFixed(4)}`,
    `V-measure     ${report.vMeasure.toFixed(4)}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
}
