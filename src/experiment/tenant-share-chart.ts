// The report's share-over-time chart (scenarios with tenants): each tenant's share of the pool's
// devices over the run, as recorded during it (tenant_shares.csv: the devices its jobs held, time-
// averaged per interval), with its entitled share (nominal quota over the pool) as a dashed line of
// the same colour: above it a tenant borrows, below it it lends or has nothing to run. One panel per
// policy (and swept value), from its first seed's run: shares over time do not average over seeds
// that end at different times.
import { cellNumber, type Table } from './csv-table.js';
import type { VegaLiteSpec } from './chart-specs.js';

/** At most this many panels (policy x swept value); the rest are left out and the title says so. */
export const MAX_SHARE_PANELS = 8;

interface SharePoint {
  panel: string;
  tenant: string;
  t: number;
  share: number;
  entitled: number;
}

/** The panels' runs: per policy, placement and swept values, the run of the lowest seed. */
function panelRuns(runs: Table): { run: string; panel: string }[] {
  const h = runs.header;
  const at = (c: string): number => h.indexOf(c);
  const params = h.slice(1, at('scenario'));
  const placements = new Set(runs.rows.map((r) => r[at('placement')])).size;
  const first = new Map<string, { run: string; seed: number }>();
  for (const r of runs.rows) {
    const label = [placements > 1 ? `${r[at('policy')]} + ${r[at('placement')]}` : r[at('policy')]!, ...params.map((p) => `${p}=${r[at(p)]}`)].join(' · ');
    const seed = cellNumber(r[at('seed')]!);
    const had = first.get(label);
    if (!had || seed < had.seed) first.set(label, { run: r[0]!, seed });
  }
  return [...first].map(([panel, { run, seed }]) => ({ run, panel: `${panel} (seed ${seed})` }));
}

/** Each tenant's share of the pool over time with its entitled share marked; undefined when there is nothing to draw. */
export function tenantShareSpec(runs: Table, shares: Table): VegaLiteSpec | undefined {
  const panels = panelRuns(runs);
  const shown = panels.slice(0, MAX_SHARE_PANELS);
  const panelOf = new Map(shown.map((p) => [p.run, p.panel]));
  const h = shares.header;
  const at = (c: string): number => h.indexOf(c);
  const [run, tenant, start, end, share, entitled] = ['run', 'tenant', 'start_s', 'end_s', 'share', 'entitled_share'].map(at) as [number, number, number, number, number, number];
  const rows = shares.rows.filter((r) => panelOf.has(r[run]!));
  if (rows.length === 0) return undefined;
  const spanS = Math.max(...rows.map((r) => cellNumber(r[end]!)));
  const [unitS, unitName] = spanS > 3 * 86400 ? [86400, 'days'] : spanS > 3 * 3600 ? [3600, 'hours'] : [60, 'minutes'];
  const values: SharePoint[] = [];
  // A step line: each interval's share from its start; the last interval also at its end.
  const last = new Map<string, SharePoint>();
  for (const r of rows) {
    const p = { panel: panelOf.get(r[run]!)!, tenant: r[tenant]!, t: cellNumber(r[start]!) / unitS, share: cellNumber(r[share]!), entitled: cellNumber(r[entitled]!) };
    values.push(p);
    const key = `${p.panel}\u0000${p.tenant}`;
    const endT = cellNumber(r[end]!) / unitS;
    if (!last.has(key) || last.get(key)!.t < endT) last.set(key, { ...p, t: endT });
  }
  values.push(...last.values());
  const color = { field: 'tenant', type: 'nominal', title: 'tenant (dashed: entitled share)', sort: null, legend: { labelLimit: 0, titleLimit: 0, symbolOpacity: 1 } };
  const highlight = { condition: { param: 'pick', value: 1 }, value: 0.15 };
  const omitted = panels.length - shown.length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Each tenant's share of the pool's devices over time${omitted > 0 ? ` (first ${shown.length} of ${panels.length} policies and values)` : ''}`,
    data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null, sort: shown.map((p) => p.panel), header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelLimit: 0 } } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 560,
      height: 180,
      layer: [
        {
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.6 },
          params: [
            { name: 'pick', select: { type: 'point', fields: ['tenant'] }, bind: 'legend' },
            { name: 'zoom', select: 'interval', bind: 'scales', encodings: ['x'] },
          ],
          encoding: {
            x: { field: 't', type: 'quantitative', title: `time (${unitName})`, scale: { nice: false } },
            y: { field: 'share', type: 'quantitative', title: "share of the pool's devices", axis: { format: '~%' } },
            color,
            opacity: highlight,
            tooltip: [
              { field: 'tenant' },
              { field: 't', title: `from (${unitName})`, format: '.4~g' },
              { field: 'share', title: 'mean share', format: '.2%' },
              { field: 'entitled', title: 'entitled share', format: '.2%' },
            ],
          },
        },
        {
          mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.4 },
          encoding: { y: { field: 'entitled', type: 'quantitative', aggregate: 'max' }, color, opacity: highlight },
        },
      ],
    },
  };
}
