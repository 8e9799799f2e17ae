/**
 * The worker side of `fitAsync`: runs one fit off the main thread (a Node worker thread or a
 * browser Web Worker) and posts progress, then the fitted model. The page or process stays
 * responsive; a stop flag in shared memory ends the fit at the next iteration.
 */

import { fileRowsFrom } from '../data/file-rows.js';
import { prepareThreads } from '../kernels/wasm/runtime.js';
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

const nodeThreads = nodeBuiltin<{
  parentPort?: Port & { once(event: 'message', listener: (message: FitRequest) => void): void };
}>('node:worker_threads');

if (nodeThreads?.parentPort) {
  const port = nodeThreads.parentPort;
  port.once('message', (request) => run(request, port));
} else {
  const scope = globalThis as unknown as Port & {
    onmessage: ((event: { data: FitRequest }) => void) | null;
  };
  // A browser starts the pool's workers only while this one is idle: start them before the fit.
  scope.onmessage = (event) => {
    const { threads, backend } = event.data.options;
    const prepared = backend === 'reference' ? Promise.resolve(1) : prepareThreads(threads);
    // A pool that fails to start is answered like a failed fit, so fitAsync rejects, never hangs.
    void prepared.then(
      () => run(event.data, scope),
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
