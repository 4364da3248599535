// `poolsim fill <scenario>`: the FGD paper's fill experiment (sim/fill.ts) on the scenario's pool and
// pods, for one or several placements and seeds: fill.csv (one row per pod arrival),
// fill-summary.csv (one row per placement and seed) and fill.svg (unallocated GPU share against
// requested share, a line per placement), written all or nothing with their manifest.
import { seedRangeProblem } from '../../scenario/seed-range.js';
import { dirname, join } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { renderSvg } from '../../experiment/charts.js';
import { csvLine } from '../../experiment/csv.js';
import { loadScenarioForRun } from '../../experiment/load-for-run.js';
import { MANIFEST_FORMAT, poolsimVersion } from '../../experiment/manifest.js';
import { loadPolicies } from '../../policy/plugin.js';
import type { ResolvedScenario } from '../../model/load-scenario.js';
import { InputError, formatIssue } from '../../scenario/errors.js';
import { readInputFile, readInputPieces } from '../../scenario/read-input-file.js';
import { FILL_COLUMNS, FILL_SUMMARY_COLUMNS, fillPods, fillSteps, type FillRow, type FillSpec, type FillSummary } from '../../sim/fill.js';
import { describeWarnings, guarded, readScenarioText } from '../io.js';
import { OutputFolder } from '../output-folder.js';
import { parsePolicyOption } from '../policy-options.js';
import { samePolicy, withOwnParams } from '../../policy/own-params.js';
import { VariantError, variantLabels, type Variant } from '../../experiment/variant-label.js';

interface FillArgs {
  scenario: string;
  placement?: string;
  until: string;
  sample: string;
  seed?: number;
  seeds: number;
  out?: string;
  quiet: boolean;
}

export function builder(y: Argv): Argv<FillArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file (its pool, and its jobs or trace as the pods to draw)' })
    .option('placement', { type: 'string', describe: "placements to compare, comma-separated (default: the scenario's); each a name, a module file, or '{name: x, params: {...}}'" })
    .option('until', { type: 'string', default: '130%', describe: "stop when the pods' GPU requests reach this share of the pool's GPUs ('130%' or 1.3)" })
    .option('sample', { type: 'string', default: 'with-replacement', describe: "'with-replacement' (pods drawn at random, seeded) or 'in-order' (the workload once, in order)" })
    .option('seed', { type: 'number', describe: "first seed (default: the scenario's)" })
    .option('seeds', { type: 'number', default: 1, describe: 'fills per placement, seeds seed, seed + 1, ...' })
    .option('out', { type: 'string', describe: 'output folder (default results/<scenario name>-fill/)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' }) as unknown as Argv<FillArgs>;
}

function optionError(option: string, message: string): InputError {
  return new InputError([{ file: option, line: 0, column: 0, path: '', message }]);
}

/** '130%' or '1.3' as a share in (0, 10]. */
export function parseShare(text: string, option: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(%?)\s*$/i.exec(text);
  const v = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(v > 0 && v <= 10)) throw optionError(option, `expected a share of the pool's GPUs in (0, 1000%], e.g. '130%' or 1.3, got '${text}'`);
  return v;
}

/** Placement options: split on commas outside braces. */
function placementList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

export async function handler(argv: ArgumentsCamelCase<FillArgs>): Promise<void> {
  await guarded(async () => {
    const until = parseShare(argv.until, '--until');
    if (argv.sample !== 'with-replacement' && argv.sample !== 'in-order') throw optionError('--sample', `expected 'with-replacement' or 'in-order', got '${argv.sample}'`);
    if (!(Number.isSafeInteger(argv.seeds) && argv.seeds >= 1 && argv.seeds <= 1000)) throw optionError('--seeds', `expected a whole number in [1, 1000], got ${argv.seeds}`);
    if (argv.seed !== undefined && !(Number.isSafeInteger(argv.seed) && argv.seed >= 0)) throw optionError('--seed', `expected a whole number >= 0, got ${argv.seed}`);
    const spec: FillSpec = { until, sample: argv.sample };

    const text = readScenarioText(argv.scenario);
    const { resolved, fingerprint, inputs } = loadScenarioForRun(text, argv.scenario, { readFile: readInputFile, readPieces: readInputPieces, baseDir: dirname(argv.scenario), allowUntimed: true });
    if (!argv.quiet) process.stderr.write(describeWarnings(resolved.warnings.map(formatIssue)));
    if (fillPods(resolved).length === 0) throw new InputError([{ file: argv.scenario, line: 0, column: 0, path: 'workloads', message: 'a fill draws pods from the listed or traced jobs that ask for GPUs, and this scenario has none (generated jobs are not drawn)' }]);
    const names = argv.placement !== undefined ? placementList(argv.placement) : [undefined];
    if (names.length === 0) throw optionError('--placement', 'expected at least one placement');
    const placersOf = async (r: ResolvedScenario) => {
      const list = [];
      for (const n of names) {
        // A placement named bare that is the scenario's own keeps the scenario's parameters (own-params.ts).
        const own = r.scenario.placement;
        const override = n !== undefined ? { placement: withOwnParams(parsePolicyOption(n, '--placement', process.cwd()), own, dirname(argv.scenario)) } : {};
        const isOwn = override.placement === undefined || samePolicy(override.placement.ref.name, override.placement.baseDir, own.name, dirname(argv.scenario));
        list.push({ ref: override.placement?.ref ?? own, policies: await loadPolicies(r, dirname(argv.scenario), override), isOwn });
      }
      return list;
    };
    // Every placement is resolved (plug-ins loaded) before the first fill: a typo fails at once.
    const placers = await placersOf(resolved);
    // Labelled as compare labels its placements: the same placement twice is refused, and two of one
    // name say their parameters or modules (fill.csv's rows of both were labelled alike).
    const own = resolved.scenario.placement;
    const variants: Variant[] = placers.map(({ ref, policies, isOwn }) => ({ ref, ownName: policies.placementName, ...(isOwn ? { scenarioParams: own.params } : {}) }));
    let labels: string[];
    try {
      labels = variantLabels(variants);
    } catch (e) {
      if (e instanceof VariantError) throw optionError('--placement', e.message);
      throw e;
    }
    // A trace's sample without its own sample_seed is each seed's draw, as in a run of that seed.
    // Loaded again for each placement and seed, not kept: a thousand seeds' pods would not fit in memory.
    const perSeed = async (s: number) => {
      if (resolved.traceSampleSeed === undefined || resolved.traceSampleSeed === s) return { resolved, placers };
      const r = loadScenarioForRun(text, argv.scenario, { readFile: readInputFile, readPieces: readInputPieces, baseDir: dirname(argv.scenario), allowUntimed: true, seed: s }).resolved;
      return { resolved: r, placers: await placersOf(r) };
    };
    // Refused before the output folder is prepared: its staging folder was left behind.
    const first = argv.seed ?? resolved.scenario.seed;
    const pastLast = seedRangeProblem(first, argv.seeds);
    if (pastLast) throw optionError('--seeds', pastLast);
    const folder = new OutputFolder(argv.out ?? join('results', `${resolved.scenario.name}-fill`));
    folder.refuseInputs([argv.scenario, ...inputs]);
    const summaries: FillSummary[] = [];
    const plotted: FillRow[] = [];
    let rows = csvLine(FILL_COLUMNS);
    try {
      for (let p = 0; p < placers.length; p++) {
        const label = labels[p]!;
        for (let s = first; s < first + argv.seeds; s++) {
          const seeded = await perSeed(s);
          const { policies } = seeded.placers[p]!;
          const summary = await drainHearingSignals(fillSteps(seeded.resolved, policies.placer, policies.placementName, s, spec, (ownRow) => {
            const row = ownRow.placement === label ? ownRow : { ...ownRow, placement: label };
            rows += csvLine(FILL_COLUMNS.map((c) => row[c]));
            if (rows.length >= 1 << 16) {
              folder.append('fill.csv', rows);
              rows = '';
            }
            // The plot: the first seed of each placement, every 20th pod and the last.
            if (s === first && (row.pod % 20 === 0 || row.requested_gpus >= until * summaryGpus(row))) plotted.push(row);
          }));
          summaries.push(summary.placement === label ? summary : { ...summary, placement: label });
        }
      }
      folder.append('fill.csv', rows);
      folder.append('fill-summary.csv', csvLine(FILL_SUMMARY_COLUMNS) + summaries.map((x) => csvLine(FILL_SUMMARY_COLUMNS.map((c) => x[c]))).join(''));
      folder.append('fill.svg', await renderSvg(fillPlotSpec(plotted, resolved.scenario.name, until)));
    } catch (e) {
      folder.abort();
      throw e;
    }
    const written = folder.commit({
      format: MANIFEST_FORMAT,
      poolsim_version: poolsimVersion(),
      command: 'fill',
      scenario: { name: resolved.scenario.name, file: argv.scenario, sha256: fingerprint },
      seeds: Array.from({ length: argv.seeds }, (_, i) => first + i),
      policies: [],
      placements: placers.map((p) => ({ name: p.ref.name, params: p.ref.params as Record<string, unknown> })),
      sweep: [{ path: 'fill', values: [`until ${argv.until}`, argv.sample] }],
    });
    if (!argv.quiet) {
      process.stdout.write(fillTable(summaries));
      process.stdout.write(`  wrote ${written.join(', ')}\n`);
    }
  }, 'fill');
}

/**
 * Run a fill to its end on this thread, letting the event loop turn at least every 50 ms of wall
 * time: a signal handler (cli/interrupt.ts: Ctrl-C removes the staging folder) runs only then, and a
 * fill of a large pool is one loop of many seconds. Wall time decides only when to yield, never a
 * result: the rows are the generator's, in its order.
 */
async function drainHearingSignals<T>(steps: Generator<void, T, void>): Promise<T> {
  let last = performance.now();
  for (let i = 1; ; i++) {
    const step = steps.next();
    if (step.done) return step.value;
    if (i % 64 === 0 && performance.now() - last >= 50) {
      await new Promise<void>((resume) => setImmediate(resume));
      last = performance.now();
    }
  }
}

/** The pool's GPUs, from a row (requested / requested share). */
function summaryGpus(row: FillRow): number {
  return row.requested_share > 0 ? row.requested_gpus / row.requested_share : Infinity;
}

function fillTable(summaries: readonly FillSummary[]): string {
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const head = ['placement', 'seed', 'pods', 'failed', 'requested', 'unallocated', 'fragmented (mean)', 'fragmented (end)'];
  const body = summaries.map((s) => [s.placement, String(s.seed), s.pods.toLocaleString('en-US'), s.failed_pods.toLocaleString('en-US'), pct(s.requested_share), pct(s.gpu_unallocated_fraction), pct(s.gpu_fragmentation_mean), pct(s.gpu_fragmentation_end)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}\n`;
  return `fill of ${summaries[0]?.cluster_gpus.toLocaleString('en-US') ?? 0} GPUs (shares of the pool's GPUs)\n${line(head)}${body.map(line).join('')}`;
}

/**
 * Unallocated share against requested share, one line per placement (FGD paper, figure 7), over
 * the last half of the pool's GPUs requested: before that every placement allocates every request.
 */
function fillPlotSpec(rows: readonly FillRow[], scenario: string, until: number): Record<string, unknown> {
  const from = Math.max(0, until - 0.5);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${scenario}: GPUs left unallocated as pods fill the pool`,
    width: 560,
    height: 320,
    data: { values: rows.filter((r) => r.requested_share >= from).map((r) => ({ placement: r.placement, requested: r.requested_share, unallocated: r.unallocated_share })) },
    mark: { type: 'line', interpolate: 'linear', clip: true },
    encoding: {
      x: { field: 'requested', type: 'quantitative', title: "GPUs requested (share of the pool's)", axis: { format: '.0%' }, scale: { domain: [from, until] } },
      y: { field: 'unallocated', type: 'quantitative', title: 'GPUs unallocated (share)', axis: { format: '.1%' }, scale: { zero: true } },
      color: { field: 'placement', type: 'nominal', title: 'placement' },
    },
  };
}
