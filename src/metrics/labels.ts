import { ValidationError } from '../errors.js';

/** A class or cluster label: numbers and strings are both accepted. */
export type Label = number | string;

/** Labels as dense codes 0..m-1 over their sorted distinct values. */
export interface EncodedLabels {
  /** Distinct values, sorted (numbers ascending, strings by code unit). */
  values: Label[];
  /** Code of each sample. */
  codes: Int32Array;
}

/** Sorts and encodes one labelling; mixing numbers and strings is an error, as in numpy. */
export function encodeLabels(labels: ArrayLike<Label>, parameter: string): EncodedLabels {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new ValidationError(parameter, 'must be an array of labels (numbers or strings)');
  }
  const distinct = new Set<Label>();
  let numbers = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v === 'number') {
      if (Number.isNaN(v)) throw new ValidationError(parameter, `label ${i} is NaN`);
      numbers++;
    } else if (typeof v !== 'string') {
      throw new ValidationError(
        parameter,
        `label ${i} is ${String(v)}; labels must be numbers or strings`,
      );
    }
    distinct.add(v);
  }
  if (numbers !== 0 && numbers !== labels.length) {
    throw new ValidationError(parameter, 'mixes numbers and strings; use one kind of label');
  }
  const values = [...distinct].sort(
    numbers > 0 ? (a, b) => (a as number) - (b as number) : undefined,
  );
  const index = new Map<Label, number>(values.map((v, i) => [v, i]));
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) codes[i] = index.get(labels[i]) as number;
  return { values, codes };
}

/** Checks that two labellings describe the same non-empty set of samples. */
export function checkPair(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
): { truth: EncodedLabels; pred: EncodedLabels } {
  const t = encodeLabels(truth, 'truth');
  const p = encodeLabels(pred, 'pred');
  if (t.codes.length !== p.codes.length) {
    throw new ValidationError(
      'pred',
      `must have one label per sample of truth (${t.codes.length}); got ${p.codes.length}`,
    );
  }
  if (t.codes.length === 0)
    throw new ValidationError('truth', 'is empty; scores need at least one sample');
  return { truth: t, pred: p };
}
