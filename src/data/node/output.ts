import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  lstatSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ValidationError } from '../../errors.js';

/**
 * Output files that never lose data. Every target is checked before any work (`planOutput`),
 * then written all or none (`writeOutputs`):
 *
 * - A regular file, or a new one, is written to a temporary file in its own folder, given the old
 *   file's permission bits (and owner, where the process may set it), then renamed over it: a
 *   reader sees the old file or the new one, never half of one. A symbolic link is followed to
 *   the file it names, so the link stays a link and its target gets the data.
 * - A character device, a FIFO, anything under /dev or /proc (such as /dev/stdout) and `-`
 *   (standard output) are written into as they are: never renamed over, never replaced.
 * - Refused before anything is written: a read-only file (no write permission bit: refused even
 *   for root, who could otherwise replace it), a folder, a socket or block device, a missing or
 *   unwritable parent folder, two outputs that are one file, and an output that is an input.
 * - Several outputs: every temporary file is written first, then the streams, then all are
 *   renamed in a row. A failure before the renames deletes every temporary file and replaces
 *   nothing. (A process killed with SIGKILL can still leave a `.NAME.lloyd-PID-….tmp` behind;
 *   nothing can clean up after that signal.)
 */
export interface OutputTarget {
  /** The path as given, for messages. */
  readonly path: string;
  /** What names this output in errors: a command-line flag, or an API parameter. */
  readonly parameter: string;
  /**
   * 'file': replaced atomically; 'stream': opened and written into (a device, a FIFO, under /dev
   * or /proc); 'descriptor': an open file descriptor of this process (`-` and /dev/stdout are 1).
   */
  readonly kind: 'file' | 'stream' | 'descriptor';
  /** Where the bytes go: a symlink's final target for 'file'; the path for 'stream'. */
  readonly file: string;
  /** The descriptor, for 'descriptor'. */
  readonly fd?: number;
  /** The existing file's permission bits, kept on the new file; undefined for a new file. */
  readonly mode?: number;
  /** The existing file's owner, kept where the process may set it. */
  readonly owner?: { uid: number; gid: number };
  /** Which file this is (device and inode when it exists): two outputs with one identity are refused. */
  readonly identity: string;
}

/** One output and its contents. */
export interface OutputItem {
  target: OutputTarget;
  /**
   * What is written: text, bytes, or chunks of bytes written in order (for outputs made from
   * data too large to copy into one buffer: each iteration gives the chunks afresh).
   */
  data: OutputData;
}

/** An output's contents; chunks are written in order, and may be iterated more than once. */
export type OutputData = string | Uint8Array | Iterable<Uint8Array>;

/** Where `-` and /dev/stdout write: standard output, or a stand-in. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
}

const MAX_LINKS = 40;

/**
 * The descriptor a path names (/dev/stdout, /dev/fd/N, /proc/self/fd/N), or undefined. Written
 * through the open descriptor: opening the path again fails when it is a socket (ENXIO), as the
 * pipes a parent process hands its children often are.
 */
function descriptorOf(path: string): number | undefined {
  const standard = ['/dev/stdin', '/dev/stdout', '/dev/stderr'].indexOf(path);
  if (standard >= 0) return standard;
  const numbered = /^\/(?:dev\/fd|proc\/self\/fd|proc\/thread-self\/fd)\/(\d+)$/.exec(path);
  return numbered ? Number(numbered[1]) : undefined;
}

/**
 * Paths written into, never replaced: device files and the kernel's views (/dev/stdout,
 * /proc/self/fd/1). /dev/shm holds ordinary files and is not one of them.
 */
function isSystemPath(path: string): boolean {
  return /^\/(dev|proc)(\/|$)/.test(path) && !/^\/dev\/shm(\/|$)/.test(path);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * Checks where `path` can be written, before any work, and says how it will be (see
 * {@link OutputTarget}). Throws a {@link ValidationError} naming `parameter` and the path.
 */
export function planOutput(path: string, parameter = 'path'): OutputTarget {
  const fail = (why: string): never => {
    throw new ValidationError(parameter, `${path}: ${why}`);
  };
  if (typeof path !== 'string' || path === '') return fail('an output path must not be empty');
  const descriptor = (fd: number): OutputTarget => ({
    path,
    parameter,
    kind: 'descriptor',
    file: path,
    fd,
    identity: `fd:${fd}`,
  });
  if (path === '-') return descriptor(1);
  // Follow symbolic links one by one, so the final target is replaced and the link is kept.
  let file = resolve(path);
  let system = isSystemPath(file);
  for (let hops = 0; ; hops++) {
    const fd = descriptorOf(file);
    if (fd !== undefined) return descriptor(fd);
    if (hops > MAX_LINKS) fail('too many levels of symbolic links');
    let link: Stats;
    try {
      link = lstatSync(file);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') break;
      return fail(`cannot be written (${errorCode(error)})`);
    }
    if (!link.isSymbolicLink()) break;
    file = resolve(dirname(file), readlinkSync(file));
    system ||= isSystemPath(file);
  }
  let stats: Stats | undefined;
  try {
    // For /dev and /proc the kernel follows the links (/proc/self/fd/1 names a pipe, not a path).
    stats = statSync(system ? path : file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT' || system)
      fail(
        system
          ? `cannot be written (${errorCode(error)}): files under /dev and /proc are written into, never created`
          : `cannot be written (${errorCode(error)})`,
      );
  }
  if (stats) {
    if (stats.isDirectory()) fail('is a folder; name a file');
    const identity = `${stats.dev}:${stats.ino}`;
    // /dev/stdout can be a pipe, a terminal, a socket or a file: whatever it is, write into it.
    if (system || stats.isCharacterDevice() || stats.isFIFO())
      return { path, parameter, kind: 'stream', file: system ? path : file, identity };
    if (!stats.isFile()) fail('is not a regular file, a character device or a FIFO');
    if ((stats.mode & 0o222) === 0 || !canWrite(file))
      fail(
        `is read-only (mode ${(stats.mode & 0o777).toString(8)}); make it writable or choose another path`,
      );
  }
  const folder = dirname(file);
  let folderStats: Stats | undefined;
  try {
    folderStats = statSync(folder);
  } catch (error) {
    fail(`cannot be written (${errorCode(error)}): folder ${folder} does not exist`);
  }
  if (!folderStats?.isDirectory()) fail(`cannot be written: ${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    fail(`cannot be written (${errorCode(error)}): folder ${folder} is not writable`);
  }
  return {
    path,
    parameter,
    kind: 'file',
    file,
    mode: stats ? stats.mode & 0o7777 : undefined,
    owner: stats ? { uid: stats.uid, gid: stats.gid } : undefined,
    identity: stats ? `${stats.dev}:${stats.ino}` : join(realpathSync(folder), basename(file)),
  };
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Which file a path is (device and inode), or undefined when it does not exist. */
export function fileIdentity(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return `${stats.dev}:${stats.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Plans several outputs at once: each as {@link planOutput}, then refuses two that are one file
 * (`sameOutput`) and one that is an input (`isInput`); the callbacks build the errors, so a
 * command can name its flags.
 */
export function planOutputs(
  outputs: readonly { path: string; parameter: string }[],
  inputs: readonly (string | undefined)[] = [],
  errors: {
    sameOutput?: (a: OutputTarget, b: OutputTarget) => Error;
    isInput?: (output: OutputTarget, input: string) => Error;
  } = {},
): OutputTarget[] {
  const targets = outputs.map(({ path, parameter }) => planOutput(path, parameter));
  targets.forEach((target, i) => {
    const earlier = targets.slice(0, i).find((t) => t.identity === target.identity);
    if (earlier)
      throw (
        errors.sameOutput?.(earlier, target) ??
        new ValidationError(
          target.parameter,
          `${target.path} is also the ${earlier.parameter} output; give each output its own path`,
        )
      );
    for (const input of inputs) {
      if (input === undefined || target.kind === 'descriptor') continue;
      const identity = fileIdentity(input);
      if (identity !== undefined && identity === target.identity)
        throw (
          errors.isInput?.(target, input) ??
          new ValidationError(
            target.parameter,
            `${target.path} is an input of this command; choose another output path`,
          )
        );
    }
  });
  return targets;
}

/** Temporary files being written now; {@link removeTemporariesSync} deletes them (on a signal). */
const liveTemporaries = new Set<string>();

/** Deletes the temporary files of writes in progress; for a signal handler, which cannot wait. */
export function removeTemporariesSync(): void {
  for (const temporary of liveTemporaries) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed or removed.
    }
  }
  liveTemporaries.clear();
}

/**
 * Writes planned outputs all or none (see {@link OutputTarget}): temporary files first, then
 * streams, then the renames; on a failure before the renames every temporary file is deleted and
 * nothing is replaced. Errors name the output's parameter and path.
 */
export async function writeOutputs(
  items: readonly OutputItem[],
  stdout: OutputStream = process.stdout,
): Promise<void> {
  const staged: { item: OutputItem; temporary: string }[] = [];
  let current: OutputItem | undefined;
  try {
    for (const item of items) {
      if (item.target.kind !== 'file') continue;
      current = item;
      const { file, mode, owner } = item.target;
      const temporary = join(
        dirname(file),
        `.${basename(file)}.lloyd-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
      );
      const handle = await open(temporary, 'wx', mode ?? 0o666);
      liveTemporaries.add(temporary);
      staged.push({ item, temporary });
      try {
        await writeChunks(handle, item.data);
        // The umask narrowed the mode given to open: set the old file's bits exactly.
        if (mode !== undefined) await handle.chmod(mode);
        if (owner) await handle.chown(owner.uid, owner.gid).catch(() => undefined);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    for (const item of items) {
      current = item;
      if (item.target.kind === 'stream') {
        const handle = await open(item.target.file, 'w');
        try {
          await writeChunks(handle, item.data);
        } finally {
          await handle.close();
        }
      } else if (item.target.fd === 1) {
        for (const chunk of chunksOf(item.data)) stdout.write(chunk);
      } else if (item.target.fd !== undefined) {
        writeAllSync(item.target.fd, item.data);
      }
    }
    for (const entry of staged) {
      current = entry.item;
      await rename(entry.temporary, entry.item.target.file);
      liveTemporaries.delete(entry.temporary);
    }
  } catch (error) {
    for (const { temporary } of staged) {
      if (!liveTemporaries.delete(temporary)) continue;
      await unlink(temporary).catch(() => undefined);
    }
    if (error instanceof ValidationError || !current) throw error;
    throw new ValidationError(
      current.target.parameter,
      `${current.target.path}: cannot be written (${errorCode(error)})`,
    );
  }
}

function writeAllSync(fd: number, data: OutputData): void {
  for (const chunk of chunksOf(data)) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  }
}

/** Writes an output's contents through an open file, chunk after chunk from its position. */
async function writeChunks(handle: FileHandle, data: OutputData): Promise<void> {
  for (const chunk of chunksOf(data)) await handle.writeFile(chunk);
}

/** An output's contents as a sequence of writes. */
function chunksOf(data: OutputData): Iterable<string | Uint8Array> {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

/**
 * Writes one file without losing data (see `OutputTarget`): atomically for a regular file
 * (symlinks followed, mode kept), straight into a device or FIFO, `-` to standard output.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  parameter = 'path',
): Promise<void> {
  await writeOutputs([{ target: planOutput(path, parameter), data }]);
}
