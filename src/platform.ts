/**
 * A Node built-in module by id (`node:worker_threads`, `node:os`), or undefined outside Node.
 * Through process.getBuiltinModule, so browser bundles never see a static Node import.
 */
export function nodeBuiltin<T>(id: string): T | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  return typeof get === 'function' ? (get(id) as T | undefined) : undefined;
}
