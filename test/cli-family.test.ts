import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BisectingKMeans,
  encodeNpy,
  loadDataset,
  MiniBatchKMeans,
  makeBlobs,
} from '../src/index.js';
import { lloyd } from './helpers/lloyd.js';

describe('lloyd fit --method', () => {
  it('minibatch: the library result, with a model predict reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-family-'));
    const model = join(dir, 'mb.json');
    const run = await lloyd(
      'fit',
      'dataset:iris',
      '-k',
      '3',
      '--method',
      'minibatch',
      '--batch-size',
      '32',
      '--seed',
      '4',
      '--threads',
      '1',
      '--model-out',
      model,
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const { X } = await loadDataset('iris');
    const expected = new MiniBatchKMeans({ nClusters: 3, batchSize: 32, randomState: 4 }).fit(X);
    expect(out.labels).toEqual(Array.from(expected.labels));
    expect(out.centroids).toEqual(expected.centroids);
    expect(out.nSteps).toBe(expected.nSteps);
    expect(JSON.parse(readFileSync(model, 'utf8')).format).toBe('lloyd.minibatch-kmeans');
    const predicted = await lloyd('predict', '--model', model, 'dataset:iris', '--json');
    expect(JSON.parse(predicted.stdout).labels).toEqual(out.labels);
  });

  it('bisecting: the library result and tree, with a model predict reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-family-'));
    const model = join(dir, 'bk.json');
    const run = await lloyd(
      'fit',
      'dataset:iris',
      '-k',
      '4',
      '--method',
      'bisecting',
      '--bisecting-strategy',
      'largest_cluster',
      '--seed',
      '1',
      '--model-out',
      model,
      '--json',
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const { X } = await loadDataset('iris');
    const expected = new BisectingKMeans({
      nClusters: 4,
      bisectingStrategy: 'largest_cluster',
      randomState: 1,
    }).fit(X);
    expect(out.labels).toEqual(Array.from(expected.labels));
    expect(out.tree).toEqual(JSON.parse(JSON.stringify(expected.tree)));
    const predicted = await lloyd('predict', '--model', model, 'dataset:iris', '--json');
    expect(JSON.parse(predicted.stdout).labels).toEqual(Array.from(expected.predict(X)));
  });

  it('minibatch --stream reads the file batch by batch: the in-memory fit, bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-family-'));
    const path = join(dir, 'blobs.npy');
    const { X } = makeBlobs({ nSamples: 4000, nFeatures: 5, centers: 6, randomState: 2 });
    writeFileSync(path, encodeNpy(X));
    const fitMiniBatch = async (...more: string[]) => {
      const args = ['-k', '6', '--method', 'minibatch', '--batch-size', '200', '--seed', '1'];
      const run = await lloyd('fit', path, ...args, ...more, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { labels: number[]; centroids: number[][]; inertia: number };
    };
    const streamed = await fitMiniBatch('--stream');
    const loaded = await fitMiniBatch();
    expect(streamed).toEqual(loaded);
    const expected = new MiniBatchKMeans({ nClusters: 6, batchSize: 200, randomState: 1 }).fit(X);
    expect(streamed.inertia).toBe(expected.inertia);
  });

  it('refuses flags the method has no use for, before reading anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--method', 'bisecting', '--batch-size', '8'], /--batch-size is for --method minibatch/],
      [
        ['--bisecting-strategy', 'largest_cluster'],
        /--bisecting-strategy is for --method bisecting/,
      ],
      [['--method', 'minibatch', '--metric', 'manhattan'], /--metric euclidean only/],
      [['--method', 'minibatch', '--algorithm', 'elkan'], /--algorithm does not apply/],
      [['--method', 'bisecting', '--stream'], /--stream needs X in memory/],
      [['--method', 'bisecting', '--init', 'k-means||'], /--init random or k-means\+\+/],
      [['--method', 'tree'], /--method must be one of kmeans, minibatch, bisecting; got "tree"/],
      [['--method', 'minibatch', '--batch-size', '0'], /--batch-size must be/],
    ];
    for (const [flags, message] of cases) {
      const run = await lloyd('fit', 'dataset:iris', '-k', '3', ...flags);
      expect(run.code, flags.join(' ')).not.toBe(0);
      expect(run.stderr, flags.join(' ')).toMatch(message);
    }
  });
});
