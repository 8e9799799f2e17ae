import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Cross-origin isolation: with these two headers the page may use SharedArrayBuffer and shared
 * WebAssembly memory, so a fit can use every core. Any host serving web/dist must send them too.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: {
    // The page uses the library as a user would, from its build (npm run build first), by the
    // entries a bundler picks with the browser condition. Exact matches: 'lloyd' alone would also
    // rewrite 'lloyd/advanced' as a path under dist/browser.js.
    alias: [
      { find: /^lloyd$/, replacement: here('../dist/browser.js') },
      { find: /^lloyd\/advanced$/, replacement: here('../dist/advanced-browser.js') },
      { find: /^lloyd\/geo$/, replacement: here('../dist/geo.js') },
      { find: /^lloyd\/plot$/, replacement: here('../dist/plot-browser.js') },
    ],
  },
  server: { headers: ISOLATION_HEADERS, fs: { allow: [here('..')] } },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    assetsInlineLimit: 0,
  },
});
