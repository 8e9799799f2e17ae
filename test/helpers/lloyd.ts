import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
export const fixtures = fileURLToPath(new URL('../fixtures/data/', import.meta.url));

export interface Run {
  code: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `lloyd` command as a user would, with stdout and stderr piped. */
export function lloyd(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `lloyd` with its stdout on a given file descriptor (e.g. one opened on /dev/full). */
export function lloydWithStdout(stdout: number | 'pipe', args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', stdout, 'pipe'] });
    let err = '';
    let out = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
}
