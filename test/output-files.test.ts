import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planOutput, planOutputs, writeOutputs } from '../src/data/node/output.js';
import { writeLabels } from '../src/data/node/writers.js';
import { ValidationError } from '../src/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'lloyd-files-'));

describe('planOutput (nothing is written)', () => {
  it('writes devices, /dev paths and FIFOs through, and `-` to stdout; never renames over them', () => {
    // By logic only: these are classified, never written here.
    for (const device of ['/dev/null', '/dev/full'])
      expect(planOutput(device).kind, device).toBe('stream');
    for (const stdout of ['-', '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1'])
      expect(planOutput(stdout), stdout).toMatchObject({ kind: 'descriptor', fd: 1 });
    const dir = tmp();
    execFileSync('mkfifo', [join(dir, 'f')]);
    expect(planOutput(join(dir, 'f')).kind).toBe('stream');
    // A link to a device is a stream as well.
    symlinkSync('/dev/null', join(dir, 'null-link'));
    expect(planOutput(join(dir, 'null-link')).kind).toBe('stream');
    // /dev/shm holds ordinary files: replaced atomically like any other.
    if (statSync('/dev/shm', { throwIfNoEntry: false })?.isDirectory())
      expect(planOutput('/dev/shm/lloyd-new.csv').kind).toBe('file');
    expect(() => planOutput('/dev/no-such-device', '--x')).toThrow(
      /^--x: \/dev\/no-such-device: cannot be written \(ENOENT\): files under \/dev and \/proc are written into, never created$/,
    );
  });

  it('follows symlinks (a chain, relative and dangling) to the file they name', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'real.csv'), 'x');
    symlinkSync('real.csv', join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    symlinkSync('later.csv', join(dir, 'dangling'));
    expect(planOutput(join(dir, 'b'))).toMatchObject({ kind: 'file', file: join(dir, 'real.csv') });
    expect(planOutput(join(dir, 'dangling'))).toMatchObject({ file: join(dir, 'later.csv') });
    symlinkSync('loop2', join(dir, 'loop1'));
    symlinkSync('loop1', join(dir, 'loop2'));
    expect(() => planOutput(join(dir, 'loop1'))).toThrow(/too many levels of symbolic links/);
  });

  it('refuses read-only files, folders, missing folders, duplicates and inputs', () => {
    const dir = tmp();
    const ro = join(dir, 'ro.csv');
    writeFileSync(ro, 'x');
    chmodSync(ro, 0o444);
    expect(() => planOutput(ro, 'out')).toThrow(/^out: .*ro\.csv: is read-only \(mode 444\)/);
    expect(() => planOutput(dir)).toThrow(/is a folder/);
    expect(() => planOutput(join(dir, 'nope', 'x.csv'))).toThrow(/folder .*nope does not exist/);
    expect(() => planOutput('')).toThrow(ValidationError);
    symlinkSync('same.csv', join(dir, 'alias.csv'));
    expect(() =>
      planOutputs([
        { path: join(dir, 'same.csv'), parameter: 'a' },
        { path: join(dir, 'alias.csv'), parameter: 'b' },
      ]),
    ).toThrow(/^b: .*alias\.csv is also the a output/);
    writeFileSync(join(dir, 'in.csv'), '1\n');
    expect(() =>
      planOutputs([{ path: join(dir, 'in.csv'), parameter: 'a' }], [join(dir, 'in.csv')]),
    ).toThrow(/is an input of this command/);
  });
});

describe('writeOutputs', () => {
  it('writes all or none: a failure before the renames replaces nothing and leaves no temporary file', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'gone'));
    writeFileSync(join(dir, 'a.csv'), 'old\n');
    const [a, b] = planOutputs([
      { path: join(dir, 'a.csv'), parameter: 'first' },
      { path: join(dir, 'gone', 'b.csv'), parameter: 'second' },
    ]);
    rmdirSync(join(dir, 'gone'));
    await expect(
      writeOutputs([
        { target: a, data: 'new\n' },
        { target: b, data: 'new\n' },
      ]),
    ).rejects.toThrow(/^second: .*b\.csv: cannot be written \(ENOENT\)$/);
    expect(readdirSync(dir)).toEqual(['a.csv']);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('old\n');
  });

  it('writes `-` to the stream given for stdout', async () => {
    const chunks: (string | Uint8Array)[] = [];
    await writeOutputs([{ target: planOutput('-'), data: '0\n1\n' }], {
      write: (chunk) => chunks.push(chunk),
    });
    expect(chunks).toEqual(['0\n1\n']);
  });

  it('the library writers keep a link a link and the mode of the file they replace', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'labels.csv'), 'old\n');
    chmodSync(join(dir, 'labels.csv'), 0o640);
    symlinkSync('labels.csv', join(dir, 'link.csv'));
    await writeLabels(join(dir, 'link.csv'), [1, 0]);
    expect(lstatSync(join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'labels.csv'), 'utf8')).toBe('1\n0\n');
    expect(statSync(join(dir, 'labels.csv')).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['labels.csv', 'link.csv']);
  });
});
