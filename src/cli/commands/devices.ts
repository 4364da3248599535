// `poolsim devices`: the built-in catalogue of device kinds and fabric presets.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { DEVICE_CATALOGUE, FABRIC_PRESETS } from '../../model/catalogue.js';

interface DevicesArgs {
  sources: boolean;
}

export function builder(y: Argv): Argv<DevicesArgs> {
  return y.option('sources', { type: 'boolean', default: false, describe: 'print where each figure came from' }) as Argv<DevicesArgs>;
}

const fmt = (x: number, unit: number, digits = 0): string => (x / unit).toFixed(digits);

export function handler(argv: ArgumentsCamelCase<DevicesArgs>): void {
  const header = ['kind', 'TFLOP/s', 'memory GiB', 'HBM TB/s', 'busy W', 'idle W', 'efficiency', 'interconnect', 'fabric'];
  const rows = Object.entries(DEVICE_CATALOGUE).map(([name, d]) => [
    name,
    fmt(d.peak, 1e12),
    fmt(d.memory, 2 ** 30, 1),
    fmt(d.memory_bandwidth, 1e12, 2),
    fmt(d.busy_power, 1),
    fmt(d.idle_power, 1),
    d.efficiency.toFixed(3),
    `${d.interconnect.name} ${fmt(d.interconnect.bandwidth, 1e9)} GB/s`,
    d.default_fabric ?? '-',
  ]);
  process.stdout.write(table(header, rows));
  const fHeader = ['fabric', 'transport', 'port Gb/s', 'hop ns', 'endpoint us', 'efficiency', 'congestion eff.'];
  const fRows = Object.entries(FABRIC_PRESETS).map(([name, f]) => [
    name,
    f.transport,
    fmt(f.port_rate * 8, 1e9),
    fmt(f.hop_latency, 1e-9),
    fmt(f.endpoint_latency, 1e-6, 2),
    f.efficiency.toFixed(2),
    f.congestion_efficiency.toFixed(2),
  ]);
  process.stdout.write('\n' + table(fHeader, fRows));
  if (argv.sources) {
    process.stdout.write('\nSources:\n');
    for (const [name, d] of Object.entries(DEVICE_CATALOGUE)) process.stdout.write(`  ${name}: ${d.source}\n`);
    for (const [name, f] of Object.entries(FABRIC_PRESETS)) process.stdout.write(`  ${name}: ${f.source}\n`);
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + '\n';
  return line(header) + rows.map(line).join('');
}
