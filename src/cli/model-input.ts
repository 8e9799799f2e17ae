import { ValidationError } from '../errors.js';
import { Scaler, type ScalerJSON } from '../preprocessing/scalers.js';

/**
 * What a model saved by `lloyd fit --model-out` records of its input, so that `lloyd predict`
 * reads new rows as the fit read its own: one block, `input`, in the JSON of every model kind
 * (KMeans, MiniBatchKMeans, BisectingKMeans), which their own readers leave alone.
 */
export interface ModelInput {
  /** The feature columns fitted on, in order, as the input named them. */
  featureNames: string[];
  /** The column kept apart as the true classes, if one was. */
  labelColumn?: string;
  /** Columns left out as row ids (--drop-id). */
  droppedIdColumns?: string[];
  /** The scaling fitted before the clustering (--standardize, --minmax). */
  scaler?: ScalerJSON;
}

/** A model's JSON text with its input recorded. */
export function modelWithInputText(model: { toJSON(): unknown }, input: ModelInput): string {
  return `${JSON.stringify({ ...(model.toJSON() as object), input })}\n`;
}

/** The input a parsed model records, checked; undefined for a model saved without one. */
export function modelInputFromJSON(json: unknown, source: string): ModelInput | undefined {
  const block =
    typeof json === 'object' && json !== null ? (json as { input?: unknown }).input : undefined;
  if (block === undefined) return undefined;
  const fail = (message: string): never => {
    throw new ValidationError(source, `its input block ${message}`);
  };
  if (typeof block !== 'object' || block === null) return fail('must be an object');
  const { featureNames, labelColumn, droppedIdColumns, scaler } = block as Record<string, unknown>;
  const isNames = (v: unknown): v is string[] =>
    Array.isArray(v) && v.every((name) => typeof name === 'string');
  if (!isNames(featureNames) || featureNames.length === 0)
    fail('must list featureNames, the columns fitted on');
  if (labelColumn !== undefined && typeof labelColumn !== 'string')
    fail('labelColumn must be a column name');
  if (droppedIdColumns !== undefined && !isNames(droppedIdColumns))
    fail('droppedIdColumns must be column names');
  const input: ModelInput = { featureNames: featureNames as string[] };
  if (labelColumn !== undefined) input.labelColumn = labelColumn as string;
  if (droppedIdColumns !== undefined) input.droppedIdColumns = droppedIdColumns as string[];
  if (scaler !== undefined) {
    const checked = Scaler.fromJSON(scaler);
    if (checked.offset.length !== input.featureNames.length)
      fail(
        `scaler has ${checked.offset.length} columns; featureNames has ${input.featureNames.length}`,
      );
    input.scaler = checked.toJSON();
  }
  return input;
}
