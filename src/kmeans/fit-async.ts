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
 * Starts a worker for one fit and wires its messages to `handle`, its failures to `fail` and (in
 * Node) its end to `exited`. In browsers the worker is created as
 * `new Worker(new URL('./fit-worker.js', import.meta.url), ...)`, literally: that form is what
 * bundlers (Vite, webpack) recognise to bundle the worker script with a page.
 */
function startWorker(
  handle: (message: FitResponse) => void,
  fail: (error: Error) => void,
  exited: (code: number) => void,
): AnyWorker {
  const threads = nodeBuiltin<{ Worker: NodeWorkerConstructor }>('node:worker_threads');
  if (threads) {
    // A name in a variable, so bundlers do not copy the worker a second time for this branch.
    const worker = new threads.Worker(new URL(NODE_WORKER_FILE, import.meta.url), {
      execArgv: workerExecArgv(nodeBuiltin<{ execArgv: string[] }>('node:process')?.execArgv ?? []),
    });
    worker.on('message', handle);
    worker.on('error', fail);
    worker.on('exit', exited);
    return worker;
  }
  if (typeof Worker === 'undefined')
    throw new Error('fitAsync needs worker threads (Node) or Web Workers (browsers)');
  const worker = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<FitResponse>) => handle(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    fail(new Error(event.message || 'the fit worker failed to start'));
  };
  return worker;
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
): Promise<KMeansJSON> {
  const stopFlag = typeof SharedArrayBuffer === 'undefined' ? undefined : new SharedArrayBuffer(4);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let worker: AnyWorker | undefined;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker?.terminate();
      outcome();
    };
    const onAbort = () => settle(() => reject(abortReason(signal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker = startWorker(
      (message) => {
        if (settled) return;
        if (message.type === 'iteration') {
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
      (error) => settle(() => reject(error)),
      (code) =>
        settle(() =>
          reject(
            new Error(
              `fitAsync: the fit worker stopped (exit code ${code}) before it sent a result`,
            ),
          ),
        ),
    );
    worker.postMessage({ ...request, stopFlag });
  });
}

/** The signal's reason, or an AbortError as fetch gives. */
function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The fit was aborted', 'AbortError');
}
