import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/index.js';
import { lloyd } from './helpers/lloyd.js';

describe('lloyd evaluate reads label files as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lloyd-eval-'));
  const at = (name: string) => join(dir, name);
  let labels = '';
  let reference: Record<string, unknown> = {};
  const evaluate = async (truth: string, pred: string, ...flags: string[]) => {
    const r = await lloyd('evaluate', '--truth', truth, '--pred', pred, '--json', ...flags);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    const fit = await lloyd(
      'fit',
      'dataset:iris',
      '-k',
      '3',
      '--seed',
      '0',
      '--labels-out',
      at('l.csv'),
    );
    expect(fit.code).toBe(0);
    labels = readFileSync(at('l.csv'), 'utf8');
    reference = await evaluate('dataset:iris', at('l.csv'));
    expect(reference.n).toBe(150);
  });

  it('skips any non-numeric header, not only one named "label"', async () => {
    for (const header of ['cluster', 'species', 'label', 'id,cluster']) {
      const body =
        header === 'id,cluster'
          ? labels
              .trim()
              .split('\n')
              .map((v, i) => `${i},${v}`)
              .join('\n')
          : labels;
      writeFileSync(at('h.csv'), `${header}\n${body}`);
      expect(await evaluate('dataset:iris', at('h.csv')), header).toEqual(reference);
    }
  });

  it('skips the header of a file of class names, and --header / --no-header decide', async () => {
    const iris = await loadDataset('iris');
    const names = (iris.y ?? []).map((c) => iris.targetNames?.[c]);
    writeFileSync(at('truth.csv'), `species\n${names.join('\n')}\n`);
    const named = await evaluate(at('truth.csv'), at('l.csv'));
    expect(named.normalizedMutualInfoScore).toBe(reference.normalizedMutualInfoScore);
    expect(named.adjustedRandScore).toBe(reference.adjustedRandScore);
    writeFileSync(at('no-header.csv'), `9\n${labels}`);
    writeFileSync(at('truth-151.csv'), `0\n${names.join('\n')}\n`);
    expect((await evaluate(at('truth-151.csv'), at('no-header.csv'), '--no-header')).n).toBe(151);
    expect(await evaluate('dataset:iris', at('no-header.csv'), '--header')).toEqual(reference);
    const both = await lloyd(
      'evaluate',
      '--truth',
      'dataset:iris',
      '--pred',
      at('l.csv'),
      '--header',
      '--no-header',
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(
      /^lloyd: --header and --no-header contradict each other; give one\nusage: lloyd evaluate/,
    );
  });

  it('reads gzipped files', async () => {
    writeFileSync(at('l.csv.gz'), gzipSync(`cluster\n${labels}`));
    expect(await evaluate('dataset:iris', at('l.csv.gz'))).toEqual(reference);
  });

  it('different counts name both flags and files', async () => {
    writeFileSync(at('short.csv'), labels.split('\n').slice(1).join('\n'));
    const r = await lloyd('evaluate', '--truth', 'dataset:iris', '--pred', at('short.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^lloyd: error: --pred: .*short\.csv holds 149 labels but --truth \(dataset:iris\) holds 150\n$/,
    );
  });
});
