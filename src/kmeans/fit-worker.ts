/**
 * The worker side of `fitAsync`: runs one fit off the main thread (a Node worker thread or a
 * browser Web Worker) and posts progress, then the fitted model. The page or process stays
 * responsive; a stop flag in shared memory ends the fit at the next iteration.
 */

import { fileRowsFrom } from '../data/file-rows.js';
import { prepareThreads } from '../kernels/wasm/runtime.js';
import { availableCores } from '../parallel/pool.js';
import { nodeBuiltin } from '../platform.js';
import type { FitRequest, FitResponse } from './fit-protocol.js';
import { KMeans } from './kmeans.js';
import type { KMeansOptions } from './options.js';

interface Port {
  postMessage(message: FitResponse): void;
}

function run(request: FitRequest, port: Port): void {
  const stop = request.stopFlag ? new Int32Array(request.stopFlag) : undefined;
  try {
    const options: KMeansOptions = { ...request.options };
    if (request.relayProgress) {
      options.onIteration = (info) => {
        port.postMessage({ type: 'iteration', info });
        return stop ? Atomics.load(stop, 0) === 0 : undefined;
      };
    }
    const X = request.rows ? fileRowsFrom(request.rows) : request.X;
    if (!X) throw new Error('lloyd: the fit request carries no X');
    const km = new KMeans(options).fit(X, { sampleWeight: request.sampleWeight });
    port.postMessage({ type: 'done', model: km.toJSON() });
  } catch (error) {
    const e = error as Error & { parameter?: string };
    port.postMessage({ type: 'error', name: e.name, message: e.message, parameter: e.parameter });
  }
}

/**
 * The port, with a warning added to the fitted model where the fit got fewer threads than it
 * asked for: the page is not cross-origin isolated, or its Content-Security-Policy forbids the
 * pool's blob: workers. The fit runs anyway, on the threads it got, and the model says so.
 */
function fewerThreadsNoted(port: Port, asked: number, got: number): Port {
  if (got >= asked) return port;
  const warning = `fitAsync ran on ${got} of the ${asked} threads asked for: worker threads need a cross-origin isolated page (SharedArrayBuffer) and a Content-Security-Policy that allows blob: in worker-src`;
  return {
    postMessage(message) {
      port.postMessage(
        message.type === 'done'
          ? {
              ...message,
              model: { ...message.model, warnings: [...message.model.warnings, warning] },
            }
          : message,
      );
    },
  };
}

const nodeThreads = nodeBuiltin<{
  parentPort?: Port & { once(event: 'message', listener: (message: FitRequest) => void): void };
}>('node:worker_threads');

if (nodeThreads?.parentPort) {
  const port = nodeThreads.parentPort;
  port.once('message', (request) => {
    port.postMessage({ type: 'started' });
    run(request, port);
  });
} else {
  const scope = globalThis as unknown as Port & {
    onmessage: ((event: { data: FitRequest }) => void) | null;
  };
  // A browser starts the pool's workers only while this one is idle: start them before the fit.
  scope.onmessage = (event) => {
    scope.postMessage({ type: 'started' });
    const { threads, backend } = event.data.options;
    const prepared = backend === 'reference' ? Promise.resolve(1) : prepareThreads(threads);
    // A pool that fails to start is answered like a failed fit, so fitAsync rejects, never hangs.
    void prepared.then(
      (got) => run(event.data, fewerThreadsNoted(scope, threads ?? availableCores(), got)),
      (error: unknown) => {
        const e = error as Error;
        scope.postMessage({
          type: 'error',
          name: e?.name ?? 'Error',
          message: e?.message ?? String(error),
        });
      },
    );
  };
}
