import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, fixtures, lloyd, lloydWithStdout } from './helpers/lloyd.js';

// Never point these tests at /dev/null or another device of this machine: before outputs were
// written through, a rename replaced the device itself. Devices are tested by logic in
// output-files.test.ts; here FIFOs, symlinks and files in a temporary folder stand in.

const tmp = () => mkdtempSync(join(tmpdir(), 'lloyd-out-'));
const good = join(fixtures, 'good.csv');
const fitGood = (...args: string[]) =>
  lloyd('fit', good, '--label-column', 'label', '-k', '2', '--seed', '0', ...args);

describe('lloyd outputs', () => {
  it('checks every output before reading the input or fitting', async () => {
    const dir = tmp();
    const r = await lloyd(
      'fit',
      join(dir, 'missing-input.csv'),
      '-k',
      '2',
      '--labels-out',
      join(dir, 'no-such-dir', 'l.csv'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^lloyd: error: --labels-out: .*l\.csv: cannot be written \(ENOENT\): folder .*no-such-dir does not exist\n$/,
    );
  });

  it('writes into a FIFO instead of replacing it', async () => {
    const dir = tmp();
    const fifo = join(dir, 'labels.fifo');
    execFileSync('mkfifo', [fifo]);
    // Held open for reading and writing, so the writer never waits and the test never blocks.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const r = await fitGood('--labels-out', fifo);
      expect(r.code, r.stderr).toBe(0);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      const buffer = Buffer.alloc(4096);
      let text = '';
      try {
        text = buffer.subarray(0, readSync(fd, buffer)).toString();
      } catch {
        // EAGAIN: nothing was written into the FIFO.
      }
      expect(text.trim().split('\n')).toHaveLength(3);
    } finally {
      closeSync(fd);
    }
  });

  it('follows a symlink to its target and keeps the existing mode', async () => {
    const dir = tmp();
    const target = join(dir, 'target.csv');
    const link = join(dir, 'link.csv');
    const model = join(dir, 'model.json');
    writeFileSync(target, 'old\n', { mode: 0o600 });
    writeFileSync(model, '{}\n');
    chmodSync(model, 0o600);
    symlinkSync('target.csv', link);
    const r = await fitGood('--labels-out', link, '--model-out', model);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(statSync(model).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(model, 'utf8')).format).toBe('lloyd.kmeans');
    expect(readdirSync(dir).sort()).toEqual(['link.csv', 'model.json', 'target.csv']);
  });

  it('refuses a read-only output (even as root) before the fit, and leaves it alone', async () => {
    const dir = tmp();
    const model = join(dir, 'model.json');
    writeFileSync(model, 'keep\n');
    chmodSync(model, 0o444);
    const r = await fitGood('--model-out', model);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^lloyd: error: --model-out: .*model\.json: is read-only \(mode 444\); make it writable or choose another path\n$/,
    );
    expect(r.stdout).toBe('');
    expect(readFileSync(model, 'utf8')).toBe('keep\n');
  });

  it('refuses two outputs that are one file, also through a symlink (a usage error)', async () => {
    const dir = tmp();
    symlinkSync('a.csv', join(dir, 'b.csv'));
    for (const second of [join(dir, 'a.csv'), join(dir, 'b.csv')]) {
      const r = await fitGood('--labels-out', join(dir, 'a.csv'), '--centroids-out', second);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^lloyd: --labels-out and --centroids-out name the same file \(.*\); give each output its own path\nusage: lloyd fit/,
      );
    }
    expect(readdirSync(dir)).toEqual(['b.csv']);
  });

  it('writes all outputs or none: a bad later output leaves no earlier one behind', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    const r = await fitGood('--labels-out', join(dir, 'l.csv'), '--model-out', join(dir, 'sub'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^lloyd: error: --model-out: .*sub: is a folder; name a file\n$/);
    expect(readdirSync(dir)).toEqual(['sub']);
  });

  it('writes `-` and /dev/stdout into standard output; the summary then goes to stderr', async () => {
    const dash = await fitGood('--labels-out', '-');
    expect(dash.code, dash.stderr).toBe(0);
    expect(dash.stdout.trim().split('\n')).toHaveLength(3);
    expect(dash.stderr).toMatch(/^lloyd fit: /);
    // Written through the open descriptor: the test's pipe is a socket, which cannot be reopened.
    const devStdout = await fitGood('--labels-out', '/dev/stdout', '--json');
    expect(devStdout.code, devStdout.stderr).toBe(0);
    expect(devStdout.stdout).toBe(dash.stdout);
    // The labels went to /dev/stdout: the JSON on stderr does not repeat them.
    expect(JSON.parse(devStdout.stderr).labels).toBeUndefined();
    expect(JSON.parse(devStdout.stderr).inertia).toBeGreaterThan(0);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
    const both = await fitGood('--labels-out', '-', '--centroids-out', '/dev/stdout');
    expect(both.code).toBe(2);
  });
});

describe('lloyd on a standard output that fails', () => {
  it('a closed pipe (`| head`) ends quietly with 0; a full device is one line and exit 1', async () => {
    const dir = tmp();
    const model = join(dir, 'm.json');
    expect((await lloyd('fit', 'dataset:blobs?n=1000', '-k', '3', '--model-out', model)).code).toBe(
      0,
    );
    const predict = ['predict', '--model', model, 'dataset:blobs?n=300000'];
    const head = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...predict], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(head).toEqual({ code: 0, stderr: '' });
    // /dev/full is opened here as the child's stdout (never named as an output path).
    const full = openSync('/dev/full', 'w');
    try {
      const r = await lloydWithStdout(full, predict);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('lloyd: error: standard output: cannot be written (ENOSPC)\n');
      const summary = await lloydWithStdout(full, ['fit', 'dataset:iris', '-k', '3']);
      expect(summary.code).toBe(1);
      expect(summary.stderr).toBe('lloyd: error: standard output: cannot be written (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  });
});

describe('lloyd interrupted while writing', () => {
  it('SIGTERM deletes the temporary files, replaces nothing, and ends the process by the signal', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'l.csv'), 'old\n');
    // Nobody reads this FIFO: opening it for writing waits, after the temporary file is written.
    execFileSync('mkfifo', [join(dir, 'c.fifo')]);
    const child = spawn(
      process.execPath,
      [
        bin,
        'fit',
        good,
        '--label-column',
        'label',
        '-k',
        '2',
        '--labels-out',
        join(dir, 'l.csv'),
        '--centroids-out',
        join(dir, 'c.fifo'),
      ],
      { stdio: 'ignore' },
    );
    const ended = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal)),
    );
    const temporary = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    for (let waited = 0; temporary().length === 0 && waited < 20_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(temporary()).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(readdirSync(dir).sort()).toEqual(['c.fifo', 'l.csv']);
    expect(readFileSync(join(dir, 'l.csv'), 'utf8')).toBe('old\n');
  });
});
