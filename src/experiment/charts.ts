// Rendering chart specs with Vega-Lite and Vega: to SVG in Node (no browser, no canvas), and to the
// compiled Vega spec that report.ts embeds with Vega's own browser build. The libraries are loaded
// on first use, so commands that draw nothing never pay for them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { VegaLiteSpec } from './chart-specs.js';

/** The parts of vega and vega-lite used here. */
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

let libs: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | undefined;

export class ChartLibraryMissing extends Error {}

function load(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  // Module names in variables: the type checker does not need the packages' types to build poolsim.
  const vegaName = 'vega';
  const vlName = 'vega-lite';
  libs ??= Promise.all([import(vegaName) as Promise<VegaModule>, import(vlName) as Promise<VegaLiteModule>]).then(
    ([vega, vl]) => ({ vega, vl }),
    (e: unknown) => {
      libs = undefined;
      throw new ChartLibraryMissing(`charts need the packages vega and vega-lite (${(e as Error).message.split('\n')[0]})`);
    },
  );
  return libs;
}

/** Vega-Lite -> Vega (what the browser build of Vega renders). */
export async function compileToVega(spec: VegaLiteSpec): Promise<unknown> {
  const { vl } = await load();
  return vl.compile(spec).spec;
}

/** An SVG document of the chart. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await load();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

/** Vega's minified browser build, to inline in a self-contained page. */
export function vegaBrowserScript(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('vega');
  // .../vega/build/vega.node.js or similar: the browser bundle sits beside it.
  const file = main.replace(/build[\\/][^\\/]+$/, 'build/vega.min.js');
  return readFileSync(file, 'utf8');
}
