// The values of a swept parameter: `--set path=values` where values is a list (`1us,10us,1ms`,
// `IB-NDR,RoCE-400G`) or a range (`10us..10ms:log:7`, `100..800:lin:8`). Values stay the strings a
// user would write in the scenario file; generated range points are written back with the units of
// the range's endpoints, so `10us..10ms:log:7` gives 10us, 31.62us, 100us, 316.2us, 1ms, 3.162ms, 10ms.
import { parseQuantity, UnitError, type QuantityKind } from '../units/units.js';
import { parsePath, PathSyntaxError } from './scenario-edit.js';

/** One `--set`: a path into the scenario and the values it takes. */
export interface SweepParam {
  /** As written: `links[0].latency`, `datacentres.east.fabric`. */
  readonly path: string;
  /** The values as scenario text (parsed as YAML when applied: `4` is a number, `1ms` a string). */
  readonly values: readonly string[];
  /** True when the values came from a log range (plots use a log axis). */
  readonly log: boolean;
}

export class SweepSyntaxError extends Error {}

/** Parse `path=values`; a range of more than `maxValues` points is refused before any is made. */
export function parseSetOption(text: string, maxValues = Infinity): SweepParam {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SweepSyntaxError(`--set '${text}': expected path=values, e.g. links[0].latency=10us..10ms:log:7 or datacentres[0].fabric=IB-NDR,RoCE-400G`);
  const path = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  try {
    parsePath(path);
  } catch (e) {
    if (!(e instanceof PathSyntaxError)) throw e;
    const at = text.indexOf(path) + e.index + 1;
    throw new SweepSyntaxError(`--set '${text}': at character ${at}, expected ${e.expected}; write the path like links[0].latency or datacentres.east.fabric`);
  }
  if (spec === '') throw new SweepSyntaxError(`--set ${path}=: no values`);
  const range = parseRange(spec, maxValues);
  if (range) {
    // Points are written with four significant digits: a narrow range can round two to one text.
    const twice = firstRepeat(range.values);
    if (twice) throw new SweepSyntaxError(`range '${spec}': points ${twice.first + 1} and ${twice.second + 1} are both '${range.values[twice.first]}' at four significant digits; use fewer points or a wider range`);
    return { path, values: range.values, log: range.log };
  }
  const values = splitTopLevel(spec);
  // Two runs of one label are no replications: said here, not later as two rows of runs.csv.
  const twice = firstRepeat(values);
  if (twice) throw new SweepSyntaxError(`'${spec}': '${values[twice.first]}' is listed twice (entries ${twice.first + 1} and ${twice.second + 1}); list each value once`);
  return { path, values, log: false };
}

/** The first two indices of `values` that hold the same text, or undefined. */
function firstRepeat(values: readonly string[]): { first: number; second: number } | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const earlier = seen.get(values[i]!);
    if (earlier !== undefined) return { first: earlier, second: i };
    seen.set(values[i]!, i);
  }
  return undefined;
}

// lo..hi, then up to two ':' parts (the scale, the number of points): an endpoint holds no ':', so a
// bad count (`:log:1e400`, `:lin:-3`) is said as that, not read into the upper endpoint.
const RANGE = /^(.+?)\.\.([^:]+?)(?::([^:]*))?(?::([^:]*))?$/;

/** Units with their scale; each quantity kind is tried until one knows both endpoints' units. */
const KINDS: readonly QuantityKind[] = ['duration', 'rate', 'size', 'flops', 'flop', 'power', 'energy', 'count', 'frequency'];

function parseRange(spec: string, maxValues: number): { values: string[]; log: boolean } | undefined {
  // Not a range when the dots belong to a flow mapping or a list of decimals.
  if (/[{}[\],]/.test(spec)) return undefined;
  const m = RANGE.exec(spec);
  if (!m) return undefined;
  const [, lo, hi, first, second] = m as unknown as [string, string, string, string | undefined, string | undefined];
  // One part is the scale or the count (`1..8:log`, `1..8:5`); two are both, in that order.
  const [scaleName, stepsText] = second !== undefined ? [first, second] : first === 'lin' || first === 'log' ? [first, undefined] : [undefined, first];
  const a = splitNumber(lo);
  const b = splitNumber(hi);
  if (!a || !b) throw new SweepSyntaxError(`range '${spec}': endpoints must be numbers with optional units, e.g. 10us..10ms:log:7`);
  if (scaleName !== undefined && scaleName !== 'lin' && scaleName !== 'log') throw new SweepSyntaxError(`range '${spec}': expected the scale 'lin' or 'log', got '${scaleName}'`);
  if (stepsText === undefined) throw new SweepSyntaxError(`range '${spec}': say how many points, e.g. ${lo}..${hi}:${scaleName ?? 'lin'}:5`);
  if (!/^\d+$/.test(stepsText)) throw new SweepSyntaxError(`range '${spec}': expected the number of points as a whole number (at least 2), got '${stepsText}'`);
  const steps = Number(stepsText);
  if (steps < 2) throw new SweepSyntaxError(`range '${spec}': at least 2 points`);
  if (steps > maxValues) throw new SweepSyntaxError(`range '${spec}': ${steps.toLocaleString('en-US')} points, more than the limit of ${maxValues.toLocaleString('en-US')} runs in one experiment (--max-runs raises it)`);
  const log = scaleName === 'log';
  // Both endpoints in one unit system (SI), then back to the endpoints' units.
  const units = [...new Set([a.unit, b.unit])];
  let kind: QuantityKind | undefined;
  let scale: (u: string) => number = () => 1;
  if (units.some((u) => u !== '')) {
    kind = KINDS.find((k) => units.every((u) => tryScale(u, k) !== undefined));
    if (!kind) throw new SweepSyntaxError(`range '${spec}': unknown unit or mixed kinds ('${a.unit}', '${b.unit}')`);
    const k = kind;
    scale = (u) => tryScale(u, k)!;
  }
  const loSi = a.value * scale(a.unit);
  const hiSi = b.value * scale(b.unit);
  if (log && (loSi <= 0 || hiSi <= 0)) throw new SweepSyntaxError(`range '${spec}': a log range needs positive endpoints`);
  // Units largest first: each point is written in the largest endpoint unit that keeps it >= 1.
  const byScale = units.map((u) => ({ u, s: scale(u) })).sort((x, y) => y.s - x.s);
  const values: string[] = [];
  for (let i = 0; i < steps; i++) {
    const f = i / (steps - 1);
    let x = i === 0 ? loSi : i === steps - 1 ? hiSi : log ? Math.exp(Math.log(loSi) + f * (Math.log(hiSi) - Math.log(loSi))) : loSi + f * (hiSi - loSi);
    if (Math.abs(x) < 1e-300) x = 0;
    const unit = byScale.find((c) => Math.abs(x) / c.s >= 1) ?? byScale[byScale.length - 1]!;
    values.push(`${formatNumber(x / unit.s)}${unit.u}`);
  }
  return { values, log };
}

function tryScale(unit: string, kind: QuantityKind): number | undefined {
  if (unit === '') return 1;
  try {
    return parseQuantity(`1${unit}`, kind);
  } catch (e) {
    if (e instanceof UnitError) return undefined;
    throw e;
  }
}

function splitNumber(text: string): { value: number; unit: string } | undefined {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([^\s\d].*?)?\s*$/.exec(text);
  return m ? { value: Number(m[1]), unit: m[2] ?? '' } : undefined;
}

/** Four significant digits: enough to tell sweep points apart, short enough to read. */
export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** Split on commas outside brackets and braces (`{preset: RoCE-400G, latency: 2us},IB-NDR`). */
export function splitTopLevel(spec: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of spec) {
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  if (out.some((v) => v === '')) throw new SweepSyntaxError(`'${spec}': empty value in the list`);
  return out;
}

/**
 * A swept value as a number for plots: SI units when it has a unit of any known kind, the number
 * itself when bare, undefined for names (fabric presets).
 */
export function numericValue(text: string): { value: number; kind: QuantityKind | undefined } | undefined {
  const n = splitNumber(text);
  if (!n) return undefined;
  if (n.unit === '') return { value: n.value, kind: undefined };
  for (const k of KINDS) {
    const s = tryScale(n.unit, k);
    if (s !== undefined) return { value: n.value * s, kind: k };
  }
  return undefined;
}

/**
 * How to show swept values on an axis, in the units the user wrote: a scale from SI base units and
 * the unit appended to SI-prefixed tick labels ('10µs', '1ms'; '100Gbps' when rates were written in
 * bits per second, '50GB/s' when in bytes). Undefined for plain numbers and names.
 */
export function axisUnit(values: readonly string[]): { kind: QuantityKind; scale: number; suffix: string } | undefined {
  const parsed = values.map((v) => ({ n: numericValue(v), unit: splitNumber(v)?.unit ?? '' }));
  const kind = parsed.find((p) => p.n?.kind !== undefined)?.n?.kind;
  if (kind === undefined) return undefined;
  if (kind === 'rate') {
    // Bits when the user wrote bits ('Gbps', 'Gb/s'), bytes otherwise.
    const bits = parsed.some((p) => /^(?:[kKMGTP]i?)?(?:b|bit)(?:ps|\/s)$/.test(p.unit));
    return bits ? { kind, scale: 8, suffix: 'bps' } : { kind, scale: 1, suffix: 'B/s' };
  }
  const suffix: Record<QuantityKind, string> = { duration: 's', size: 'B', rate: 'B/s', flops: 'FLOP/s', flop: 'FLOP', power: 'W', energy: 'J', count: '', frequency: '/s' };
  return { kind, scale: 1, suffix: suffix[kind] };
}

