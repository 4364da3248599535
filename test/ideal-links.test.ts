// Under network: ideal, transfers (and disaggregated services' KV caches) still cross the links as
// flows: links.csv and links_timeseries.csv say what they carried, as hot_links.csv already did.
// Before, a run wrote neither (and `--link-interval` was dropped without a word) while
// `compare --links` listed the same links' bytes.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { outputFiles, type OutputName } from '../src/experiment/output-sinks.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { poolsim, repoPath, scenarioFromText } from './helpers.js';

const text = (network: 'ideal' | 'flow', transfers = true): string => `name: ideal-links
seed: 1
network: ${network}
datacentres:
  - { name: a, fabric: IB-NDR, node_groups: [{ count: 1, device: H100 }] }
  - { name: b, fabric: IB-NDR, node_groups: [{ count: 1, device: H100 }] }
links:
  - { name: ab, between: [a, b], latency: 2ms, bandwidth: 400Gbps }
${transfers ? 'transfers:\n  - { name: f1, from: a, to: b, size: 1000GB }\n' : ''}workloads:
  - jobs:
      - { name: j, devices: 1, duration: 1h, device_kinds: [H100] }
`;

function run(network: 'ideal' | 'flow', linkIntervalS?: number): Map<OutputName, string> {
  const r = scenarioFromText(text(network));
  const files = outputFiles(r, linkIntervalS !== undefined ? { linkIntervalS } : {});
  const out = new Map<OutputName, string>();
  runScenario(r, { ...(linkIntervalS !== undefined ? { linkIntervalS } : {}), outputs: { files, write: (f, t) => out.set(f, (out.get(f) ?? '') + t) } });
  return out;
}

describe('links under network: ideal', () => {
  it("writes links.csv with a transfer's bytes, as under network: flow", () => {
    const ideal = run('ideal');
    const flow = run('flow');
    expect(ideal.get('links.csv')).toContain('ab:a->b,400,1000000000000,');
    // The transfer alone crosses the link: the same row either way.
    const row = (csv: string): string => csv.split('\n').find((l) => l.startsWith('ab:a->b'))!;
    expect(row(ideal.get('links.csv')!)).toBe(row(flow.get('links.csv')!));
  });

  it('writes links_timeseries.csv when asked', () => {
    const ideal = run('ideal', 5);
    const series = ideal.get('links_timeseries.csv')!;
    const bytes = series
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('ab:a->b'))
      .reduce((s, l) => s + Number(l.split(',')[3]), 0);
    expect(bytes).toBeCloseTo(1e12, -3);
  });

  it('CLI: --link-interval on a scenario with no link to carry anything is said, not dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-ideal-links-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, text('ideal', false));
    const r = poolsim('run', file, '--link-interval', '1h', '--out', join(dir, 'out'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('--link-interval');
    expect(r.stderr).toContain('links_timeseries.csv is not written');
    expect(existsSync(join(dir, 'out', 'links_timeseries.csv'))).toBe(false);
    writeFileSync(file, text('ideal'));
    const t = poolsim('run', file, '--link-interval', '1h', '--out', join(dir, 'out2'));
    expect(t.code).toBe(0);
    expect(t.stderr).not.toContain('links_timeseries.csv is not written');
    expect(t.stderr).not.toContain('no link carried anything');
    expect(readFileSync(join(dir, 'out2', 'links_timeseries.csv'), 'utf8')).toContain('ab:a->b');
  });

  it('CLI: --link-interval on a flow network where no link carried anything (one site) is said', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-ideal-links-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, `name: one-site
network: flow
datacentres:
  - name: east
    node_groups:
      - { name: a, count: 4, device: H100 }
workloads:
  - jobs: [{ name: j, devices: 32, duration: 1h, reference_device: H100 }]
`);
    const r = poolsim('run', file, '--link-interval', '1h', '--out', join(dir, 'out'));
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'links_timeseries.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('warning: --link-interval: no link carried anything in this run, so links.csv and links_timeseries.csv hold only their header row');
  });
});

describe('routes under network: ideal', () => {
  const refusal = (t: string): string => {
    try {
      scenarioFromText(t);
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  it('refuses a transfer between sites no chain of links joins, at its field, instead of failing the run', () => {
    // The run ended in 'internal error, please report it: no inter-DC route from a to c' (exit 1),
    // though the flow model's refusal of the same file suggests network: ideal.
    const t = text('ideal').replace('  - { name: b,', '  - { name: c, fabric: IB-NDR, node_groups: [{ count: 1, device: H100 }] }\n  - { name: b,').replace('{ name: f1, from: a, to: b,', '{ name: f1, from: a, to: c,');
    expect(refusal(t)).toMatch(/^test\.yaml:11:\d+: transfers\[0\]\.to: no chain of links joins data centres a and c, so this transfer has no route/);
    // A site no transfer reaches may stay unjoined under network: ideal.
    expect(refusal(t.replace('to: c,', 'to: b,'))).toBe('');
  });

  it("refuses a disaggregated service whose decode pool's site no link reaches from its prefill pool's", () => {
    const t = readFileSync(repoPath('scenarios/inference-disaggregated.yaml'), 'utf8')
      .replace('network: flow', 'network: ideal')
      .replace(/links:\n  - \{ between: \[east, west\].*\n/, '');
    expect(refusal(t)).toMatch(/^test\.yaml:\d+:\d+: services\[0\]\.decode: no chain of links joins data centres east and west, so the KV caches of service 'chat' have no route/);
  });
});
