/**
 * A Vega-Lite specification as lloyd's spec builders return it and its renderers take it: a plain
 * JSON object. lloyd's public types name no third-party type, so a consumer type-checks without
 * vega-lite installed; pass the object to vega-lite's `compile` (typed as its `TopLevelSpec`)
 * where you want its full type.
 */
export interface VegaLiteSpec {
  readonly [property: string]: unknown;
}

/** The command that installs every package lloyd/plot renders with (optional peers of lloyd). */
export const PLOT_INSTALL = 'npm install vega vega-lite vega-interpreter @resvg/resvg-js';

/**
 * Imports an optional peer package for `caller`, or throws an error that names the package and
 * the command that installs it: lloyd's core install leaves plotting out.
 */
export async function importPlotPackage<T>(name: string, load: () => Promise<T>, caller: string) {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing =
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (module|package)|Failed to resolve module|Failed to fetch dynamically/i.test(
        String((error as Error).message),
      );
    if (!missing) throw error;
    throw new Error(
      `${caller} needs the package ${name}, an optional peer dependency of lloyd that is not installed: ${PLOT_INSTALL}`,
      { cause: error },
    );
  }
}
