import { ValidationError } from '../errors.js';
import { nodeBuiltin } from '../platform.js';
import type { FitRequest, FitResponse } from './fit-protocol.js';
import type { IterationCallback } from './lloyd.js';
import type { KMeansJSON } from './model-json.js';

interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

type NodeWorkerConstructor = new (
  url: URL,
  options: { execArgv: string[] },
) => AnyWorker & {
  on(event: 'message', listener: (message: FitResponse) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  unref(): void;
};

const NODE_WORKER_FILE = './fit-worker.js';

/**
 * Starts a worker for one fit from `workerUrl` (default: lloyd's fit-worker.js beside this
 * module) and wires its messages to `handle`, its failures to `fail` and (in Node) its end to
 * `exited`. In browsers the default worker is created as
 * `new Worker(new URL('./fit-worker.js', import.meta.url), ...)`, literally: that form is what
 * bundlers (Vite, webpack) recognise to bundle the worker script with a page. Returns the worker
 * and the URL it was started from, which a start failure names.
 */
function startWorker(
  workerUrl: string | URL | undefined,
  handle: (message: FitResponse) => void,
  fail: (error: Error) => void,
  exited: (code: number) => void,
): { worker: AnyWorker; url: string } {
  const threads = nodeBuiltin<{ Worker: NodeWorkerConstructor }>('node:worker_threads');
  if (threads) {
    // A name in a variable, so bundlers do not copy the worker a second time for this branch.
    const url = nodeWorkerUrl(workerUrl);
    const fs = nodeBuiltin<{ existsSync(path: URL): boolean }>('node:fs');
    // A bundle that left the worker behind fails here at once, naming the file it looked for.
    if (url.protocol === 'file:' && fs && !fs.existsSync(url)) throw new Error('no such file');
    const worker = new threads.Worker(url, {
      execArgv: workerExecArgv(nodeBuiltin<{ execArgv: string[] }>('node:process')?.execArgv ?? []),
    });
    worker.on('message', handle);
    worker.on('error', fail);
    worker.on('exit', exited);
    return { worker, url: url.href };
  }
  if (typeof Worker === 'undefined')
    throw new Error('fitAsync needs worker threads (Node) or Web Workers (browsers)');
  const worker =
    workerUrl === undefined
      ? new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' })
      : new Worker(workerUrl, { type: 'module' });
  worker.onmessage = (event: MessageEvent<FitResponse>) => handle(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    fail(new Error(event.message || 'the worker fired an error event'));
  };
  return {
    worker,
    url: String(workerUrl ?? new URL('./fit-worker.js', import.meta.url)),
  };
}

/**
 * The fit worker's file in Node: `workerUrl` as a URL (a string with a scheme, file: among them)
 * or a file path (relative to the working directory); by default fit-worker.js beside this module.
 */
function nodeWorkerUrl(workerUrl: string | URL | undefined): URL {
  if (workerUrl === undefined) return new URL(NODE_WORKER_FILE, import.meta.url);
  if (workerUrl instanceof URL || /^[a-z][a-z\d+.-]+:/i.test(workerUrl)) return new URL(workerUrl);
  const toUrl = nodeBuiltin<{ pathToFileURL(path: string): URL }>('node:url');
  return toUrl ? toUrl.pathToFileURL(workerUrl) : new URL(workerUrl, import.meta.url);
}

/**
 * The process's Node flags for the worker, less `--input-type` (and its value): it applies to
 * `node -e` or stdin only, and a worker started from a file refuses it.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    if (execArgv[i] === '--input-type') i++;
    else if (!execArgv[i].startsWith('--input-type=')) kept.push(execArgv[i]);
  }
  return kept;
}

/**
 * Runs a fit in a worker; resolves to the fitted model's JSON. `onIteration` runs here. The
 * promise always settles, once: with the model, or rejected with the worker's error, the error
 * `onIteration` threw, the abort reason, or an error saying the worker ended without a result.
 * Whatever settles it ends the worker; later messages are ignored.
 */
export function runFitWorker(
  request: FitRequest,
  onIteration: IterationCallback | undefined,
  signal?: AbortSignal,
  workerUrl?: string | URL,
): Promise<KMeansJSON> {
  const stopFlag = typeof SharedArrayBuffer === 'undefined' ? undefined : new SharedArrayBuffer(4);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let worker: AnyWorker | undefined;
    let url = nodeBuiltin('node:worker_threads')
      ? nodeWorkerUrl(workerUrl).href
      : String(workerUrl ?? new URL(NODE_WORKER_FILE, import.meta.url));
    /** Whether the worker said it started: failures before that are start failures. */
    let started = false;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker?.terminate();
      outcome();
    };
    const failedToStart = (reason: string) =>
      new Error(
        `fitAsync: the fit worker did not start from ${url} (${reason}). Where a bundler leaves lloyd's worker behind, serve or copy the 'lloyd/fit-worker' module and pass its URL as fitAsync's workerUrl option, or fit with fit`,
      );
    const onAbort = () => settle(() => reject(abortReason(signal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      ({ worker, url } = startWorker(
        workerUrl,
        (message) => {
          if (settled) return;
          if (message.type === 'started') {
            started = true;
          } else if (message.type === 'iteration') {
            let keepGoing: unknown;
            try {
              keepGoing = onIteration?.(message.info);
            } catch (error) {
              settle(() => reject(error));
              return;
            }
            if (keepGoing === false && stopFlag) Atomics.store(new Int32Array(stopFlag), 0, 1);
          } else if (message.type === 'done') {
            settle(() => resolve(message.model));
          } else {
            settle(() =>
              reject(
                message.parameter
                  ? new ValidationError(
                      message.parameter,
                      message.message.replace(`${message.parameter}: `, ''),
                    )
                  : new Error(message.message),
              ),
            );
          }
        },
        (error) => settle(() => reject(started ? error : failedToStart(error.message))),
        (code) =>
          settle(() =>
            reject(
              new Error(
                `fitAsync: the fit worker stopped (exit code ${code}) before it sent a result`,
              ),
            ),
          ),
      ));
    } catch (error) {
      settle(() => reject(failedToStart((error as Error).message)));
      return;
    }
    worker.postMessage({ ...request, stopFlag });
  });
}

/** The signal's reason, or an AbortError as fetch gives. */
function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The fit was aborted', 'AbortError');
}
