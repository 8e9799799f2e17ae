import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../src/data/npy.js';
import { fixtures, lloyd } from './helpers/lloyd.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'lloyd-edges-'));

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): void {
  expect(
    stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('usage:')),
  ).toHaveLength(1);
  expect(stderr).not.toMatch(/\s+at /);
}

describe('lloyd flags say what they accept (exit 2)', () => {
  it('-k -3 names -k and what it accepts', async () => {
    const r = await lloyd('fit', 'dataset:iris', '-k', '-3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lloyd: -k must be an integer >= 1; got "-3"\nusage: lloyd fit/);
    const tol = await lloyd('fit', 'dataset:iris', '-k', '3', '--tol', '-1');
    expect(tol.stderr).toMatch(/^lloyd: --tol must be a number >= 0; got "-1"\n/);
  });

  it('numbers are decimal only: 0x2, 0b11 and 0o7 are refused in flags and in CSV files', async () => {
    for (const args of [
      ['-k', '0x2'],
      ['-k', '3', '--seed', '0b11'],
      ['-k', '3', '--tol', '0o7'],
    ]) {
      const r = await lloyd('fit', 'dataset:iris', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/must be (an integer|a number) >= \d; got "0[xbo]\d+"/);
    }
    const dir = tmp();
    writeFileSync(join(dir, 'hex.csv'), '1,0x10\n2,0b11\n3,4\n');
    const csv = await lloyd('fit', join(dir, 'hex.csv'), '-k', '2');
    expect(csv.code).toBe(1);
    expect(csv.stderr).toMatch(
      /hex\.csv, line 1: column 2 \(1\) is "0x10", not a finite number\. Leave text out with columns \(--columns 0\)/,
    );
  });

  it('--delimiter must be one character (a usage error)', async () => {
    const r = await lloyd('fit', join(fixtures, 'good.csv'), '-k', '2', '--delimiter', '');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lloyd: --delimiter must be one character[^\n]*; got ""\n/);
  });

  it('--columns, --label-column and --delimiter are refused for dataset: inputs', async () => {
    for (const flag of ['--columns', '--label-column', '--delimiter']) {
      const r = await lloyd('fit', 'dataset:iris', '-k', '3', flag, ';');
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^lloyd: ${flag} applies to files; dataset:iris has its own columns\\n`),
      );
    }
  });

  it('data errors name the flag, not the API option', async () => {
    const k = await lloyd('fit', join(fixtures, 'rows.json'), '-k', '5');
    expect(k.stderr).toBe('lloyd: error: -k: must be at most the number of rows of X (2); got 5\n');
    const column = await lloyd('fit', join(fixtures, 'good.csv'), '-k', '2', '--columns', 'nope');
    expect(column.code).toBe(1);
    expect(column.stderr).toMatch(/^lloyd: error: --columns: .*good\.csv: no column "nope"/);
    const label = await lloyd('fit', join(fixtures, 'good.csv'), '-k', '2', '--label-column', 'z');
    expect(label.stderr).toMatch(/^lloyd: error: --label-column: .*good\.csv: no column "z"/);
  });
});

describe('lloyd file errors name the file (exit 1, one line)', () => {
  it('truncated .npy.gz, .idx.gz and .json.gz', async () => {
    const dir = tmp();
    const npy = gzipSync(encodeNpy({ data: new Float64Array(400), rows: 200, cols: 2 }));
    const idx = gzipSync(
      Buffer.concat([Buffer.from([0, 0, 8, 2, 0, 0, 0, 100, 0, 0, 0, 2]), Buffer.alloc(200)]),
    );
    const json = gzipSync(JSON.stringify(Array.from({ length: 200 }, (_, i) => [i, i])));
    for (const [name, bytes] of [
      ['t.npy.gz', npy],
      ['t.idx.gz', idx],
      ['t.json.gz', json],
    ] as const) {
      writeFileSync(join(dir, name), bytes.subarray(0, bytes.length - 12));
      const r = await lloyd('fit', join(dir, name), '-k', '2');
      expect(r.code, name).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^lloyd: error: file: .*${name.replace('.', '\\.')}: `));
      oneLine(r.stderr);
    }
  });

  it('NPY shapes that are negative, zero or fractional', async () => {
    const dir = tmp();
    const good = encodeNpy({ data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 });
    const text = Buffer.from(good).toString('latin1');
    for (const shape of ['(-2, 2)', '(0, 2)', '(2.5, 2)', '(2, -1)']) {
      const bad = text.replace('(2, 2)', shape.padEnd(6, ' '));
      writeFileSync(join(dir, 'bad.npy'), Buffer.from(bad, 'latin1'));
      const r = await lloyd('fit', join(dir, 'bad.npy'), '-k', '1');
      expect(r.code, shape).toBe(1);
      expect(r.stderr).toMatch(
        /^lloyd: error: file: .*bad\.npy: its shape must be whole numbers >= 1; got \(/,
      );
      oneLine(r.stderr);
    }
  });

  it('deeply nested JSON', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'deep.json'), `${'['.repeat(20000)}${']'.repeat(20000)}`);
    const r = await lloyd('fit', join(dir, 'deep.json'), '-k', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `lloyd: error: ${join(dir, 'deep.json')}: row 0, column 0 is an array of length 1; every value must be a finite number\n`,
    );
  });

  it('dataset:blobs too large for memory', async () => {
    const r = await lloyd('fit', 'dataset:blobs?n=1e12', '-k', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^lloyd: error: dataset: blobs: n=1e12 x d=2 is 2000000000000 values; at most \d+ fit in one matrix\n$/,
    );
  });

  it('report --out an existing file fails at once', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    const started = performance.now();
    const r = await lloyd('report', '--out', join(dir, 'file'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^lloyd: error: --out: .*file: is a file; name a folder\n$/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
