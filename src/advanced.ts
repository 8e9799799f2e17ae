/**
 * lloyd/advanced in Node: the browser-safe machinery of `./advanced-browser.js`, and the helpers
 * under Node's file readers and writers. This module only re-exports; nothing runs at import.
 */

export * from './advanced-browser.js';
export { bundledDataDir } from './data/node/datasets.js';
export { readBytes, writeFileAtomic } from './data/node/files.js';
