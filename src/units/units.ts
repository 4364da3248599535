// The one parser for quantities with units in scenario files: durations, sizes, rates, FLOP/s.
// Every other module receives plain SI numbers (seconds, bytes, bytes/s, FLOP/s, watts).

export type QuantityKind = 'duration' | 'size' | 'rate' | 'flops' | 'power' | 'energy' | 'flop' | 'count' | 'frequency';

const DURATION_S: Record<string, number> = {
  ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, day: 86400, days: 86400, w: 604800, y: 31536000, yr: 31536000,
};

const DECIMAL: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Z: 1e21 };
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };

/** Size in bytes: `80GiB`, `16GB`, `512MB`, `1.5TB`, `4096B`, `8Gb` (bits). */
function sizeUnit(unit: string): number | undefined {
  const m = /^(|k|K|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi)(B|b|bit|bits|byte|bytes)$/.exec(unit);
  if (!m) return undefined;
  const prefix = m[1]!;
  const scale = BINARY[prefix] ?? DECIMAL[prefix]!;
  return m[2] === 'b' || m[2]!.startsWith('bit') ? scale / 8 : scale;
}

/** Rate in bytes/s: `400Gbps`, `400Gb/s`, `50GB/s`, `900GBps`, `1.2TB/s`. */
function rateUnit(unit: string): number | undefined {
  const m = /^(|k|K|M|G|T|P|Ki|Mi|Gi|Ti)(b|B|bit|byte)(ps|\/s)$/.exec(unit);
  if (!m) return undefined;
  const prefix = m[1]!;
  const scale = BINARY[prefix] ?? DECIMAL[prefix]!;
  return m[2] === 'b' || m[2] === 'bit' ? scale / 8 : scale;
}

function flopsUnit(unit: string): number | undefined {
  const m = /^(|k|K|M|G|T|P|E)FLOP(S|\/s)$/.exec(unit);
  return m ? DECIMAL[m[1]!] : undefined;
}

function flopUnit(unit: string): number | undefined {
  const m = /^(|k|K|M|G|T|P|E)FLOPs?$/.exec(unit);
  return m ? DECIMAL[m[1]!] : undefined;
}

function powerUnit(unit: string): number | undefined {
  const m = /^(|k|M|G)W$/.exec(unit);
  return m ? DECIMAL[m[1]!] : undefined;
}

function energyUnit(unit: string): number | undefined {
  // Joules as the base unit; kWh is what users write.
  const m = /^(|k|M|G)(Wh|J)$/.exec(unit);
  if (!m) return undefined;
  return DECIMAL[m[1]!]! * (m[2] === 'Wh' ? 3600 : 1);
}

/** Plain counts with a magnitude suffix, as model sizes are written: `175B` parameters, `15T` tokens. */
function countUnit(unit: string): number | undefined {
  return ({ k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 } as Record<string, number>)[unit];
}

/** Events per unit of time: `10/h`, `2/s`, `300/d`; returns events per second. */
function frequencyUnit(unit: string): number | undefined {
  const m = /^(?:\/|per\s*)(\w+)$/.exec(unit);
  if (!m) return undefined;
  const s = DURATION_S[m[1]!];
  return s === undefined ? undefined : 1 / s;
}

const UNIT_TABLES: Record<QuantityKind, (u: string) => number | undefined> = {
  duration: (u) => DURATION_S[u],
  size: sizeUnit,
  rate: rateUnit,
  flops: flopsUnit,
  flop: flopUnit,
  power: powerUnit,
  energy: energyUnit,
  count: countUnit,
  frequency: frequencyUnit,
};

const EXAMPLES: Record<QuantityKind, string> = {
  duration: "a duration such as '800ns', '5us', '1.5ms', '30s', '2h' or '7d'",
  size: "a size such as '80GiB', '16GB' or '512MiB'",
  rate: "a rate such as '400Gbps', '400Gb/s' or '50GB/s'",
  flops: "a compute rate such as '989TFLOPS' or '2PFLOPS'",
  flop: "an amount of work such as '3.15e23FLOP' or '315ZFLOP'",
  power: "a power such as '700W' or '10kW'",
  energy: "an energy such as '2.4MWh' or '500kWh'",
  count: "a count such as 175e9, '175B', '15T' or '300M'",
  frequency: "a rate of events such as '10/h', '2/s' or '300/d'",
};

export class UnitError extends Error {}

const NUMBER_AND_UNIT = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([^\s\d].*?)?\s*$/;

/**
 * Parse `text` as a quantity of `kind` and return it in SI base units
 * (seconds, bytes, bytes/s, FLOP/s, FLOP, watts, joules). A bare number is taken as already in
 * base units. Negative values are rejected: no quantity in a scenario is negative. So are results
 * that are not finite numbers ('1e400s', or '1e300EFLOP' whose value times its unit's scale
 * overflows) and non-zero results too small for a float64 to hold with full precision (below
 * 2.2e-308, e.g. '1e-320s'): every number the rest of poolsim sees is finite, and exact to 16 digits.
 */
export function parseQuantity(text: string | number, kind: QuantityKind): number {
  if (!Object.hasOwn(UNIT_TABLES, kind)) throw new UnitError(`parseQuantity: unknown kind '${String(kind)}': expected one of ${Object.keys(UNIT_TABLES).join(', ')}`);
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new UnitError(`expected ${EXAMPLES[kind]}, got ${text}`);
    return representable(text, String(text), kind);
  }
  const m = NUMBER_AND_UNIT.exec(text);
  if (!m) throw new UnitError(`expected ${EXAMPLES[kind]}, got '${text}'`);
  const value = Number(m[1]);
  const unit = m[2] ?? '';
  if (value < 0) throw new UnitError(`expected a non-negative value: ${EXAMPLES[kind]}, got '${text}'`);
  if (unit === '') return representable(value, `'${text}'`, kind);
  const scale = UNIT_TABLES[kind](unit);
  if (scale === undefined) throw new UnitError(`unknown unit '${unit}': expected ${EXAMPLES[kind]}, got '${text}'`);
  return representable(scaled(m[1]!, value, scale), `'${text}'`, kind);
}

/**
 * `value` (written `written`) times `scale`. A power-of-ten scale moves the written number's decimal
 * exponent instead, so the result is the decimal value correctly rounded: '900ns' and '0.9us' are
 * one float (900 x 1e-9 and 0.9 x 1e-6 are two, a bit apart, since 1e-9 and 1e-6 are inexact).
 */
function scaled(written: string, value: number, scale: number): number {
  const k = Math.round(Math.log10(scale));
  if (Number(`1e${k}`) !== scale) return value * scale;
  const [, mantissa, exponent] = /^([^eE]+)(?:[eE]([+-]?\d+))?$/.exec(written)!;
  return Number(`${mantissa}e${Number(exponent ?? 0) + k}`);
}

/** The smallest positive float64 with full precision; below it, values are subnormal (fewer digits). */
const SMALLEST_NORMAL = 2.2250738585072014e-308;

function representable(x: number, written: string, kind: QuantityKind): number {
  if (!Number.isFinite(x)) throw new UnitError(`${written} is too large: beyond the largest number poolsim can hold (about 1.8e308 in base units); expected ${EXAMPLES[kind]}`);
  if (x !== 0 && x < SMALLEST_NORMAL) throw new UnitError(`${written} is too small to hold exactly (below 2.2e-308 in base units): write 0, or a larger value`);
  return x;
}

export const parseDuration = (t: string | number): number => parseQuantity(t, 'duration');
export const parseSize = (t: string | number): number => parseQuantity(t, 'size');
export const parseRate = (t: string | number): number => parseQuantity(t, 'rate');
export const parseFlops = (t: string | number): number => parseQuantity(t, 'flops');

/** Format seconds for people: 0.0042 -> '4.2ms', 93784 -> '1.09d'. */
export function formatDuration(s: number): string {
  const a = Math.abs(s);
  if (a === 0) return '0s';
  if (a < 1e-6) return `${round3(s * 1e9)}ns`;
  if (a < 1e-3) return `${round3(s * 1e6)}us`;
  if (a < 1) return `${round3(s * 1e3)}ms`;
  if (a < 120) return `${round3(s)}s`;
  if (a < 7200) return `${round3(s / 60)}min`;
  if (a < 172800) return `${round3(s / 3600)}h`;
  return `${round3(s / 86400)}d`;
}

function round3(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

const SI_PREFIXES: readonly [number, string][] = [
  [1e24, 'Y'], [1e21, 'Z'], [1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'],
];

/**
 * A quantity for people with an SI prefix and three significant digits: (2.76e18, 'FLOP') ->
 * '2.76 EFLOP', (2451100, 'Wh') -> '2.45 MWh', (512, 'W') -> '512 W'. Below 1000 no prefix.
 */
export function formatSI(x: number, unit: string): string {
  if (!Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  for (const [scale, prefix] of SI_PREFIXES) if (a >= scale * 0.9995) return `${round3(x / scale)} ${prefix}${unit}`;
  return `${a === 0 ? '0' : a < 1 ? round3(x) : Number(x.toFixed(a < 100 ? 1 : 0)).toString()} ${unit}`;
}

/** A count for people, with thousands separators: 1000000 -> '1,000,000'. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '-';
}

/**
 * A measured, not counted, quantity for people: whole with thousands separators from 1,000 up,
 * four significant digits below, so a mean of 1.95 replicas stays 1.95 (not '2', which reads as a
 * count) and 0.167 device-hours stays 0.1667 (not '0').
 */
export function formatMeasure(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1000) return x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return String(Number(x.toPrecision(4)));
}

/**
 * A fraction as a percentage for people, `minDigits` decimals, with more where they would round a
 * fraction short of 1 (or above 0) to '100.0%' (or '0.0%'): an SLO met by 99.97% of requests is
 * not met by all of them. A fraction that is 1 at the CSV's ten significant digits is 1: what it
 * lacks is float rounding (one job holding every device for the whole run), not a shortfall.
 */
export function formatPercent(x: number, minDigits = 1): string {
  if (!Number.isFinite(x)) return '-';
  let digits = minDigits;
  const short = Number(x.toPrecision(10)) < 1;
  const edge = (t: string): boolean => (short && Number(t) === 100) || (x > 0 && Number(t) === 0);
  while (digits < 6 && edge((x * 100).toFixed(digits))) digits++;
  return `${(x * 100).toFixed(digits)}%`;
}
