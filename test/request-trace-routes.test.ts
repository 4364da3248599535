// A request trace gives the same bytes whichever way the scenario holds it: a file beside the
// scenario, the same file gzip-compressed, or its text inline (`arrival.csv`). Three routes to one
// service's results, held here as differential.test.ts holds run, compare, sweep and plug-ins.
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poolsim, repoPath } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-trace-routes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The first 400 requests of Azure's 2023 conversation trace (bundled, CC-BY-4.0). */
const trace = gunzipSync(readFileSync(repoPath('data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv.gz'))).toString('utf8').split('\n').slice(0, 401).join('\n') + '\n';

const scenario = (arrival: string): string => `name: trace-routes
seed: 1
datacentres:
  - name: dc
    node_groups:
      - { name: h100, count: 2, device: H100 }
      - { name: a100, count: 1, device: A100-80GB }
services:
  - name: conv
    model: { params: 70B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }
    prefill: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc, step_overhead: 2ms }
    decode: { count: 2, tensor_parallel: 4, device: A100-80GB, datacentre: dc, step_overhead: 2ms }
    max_batch: 64
    balancer: least-outstanding
    slo: { ttft: 1s, tpot: 100ms }
    streams:
      - name: conv
        arrival:
          process: trace
          format: azure-llm
${arrival}
`;

function run(name: string, arrival: string): Map<string, string> {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, scenario(arrival));
  const out = join(work, `${name}-out`);
  const r = poolsim('run', file, '--out', out, '--requests', '--quiet');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return new Map(readdirSync(out).filter((f) => f.endsWith('.csv')).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}

describe('a request trace as a file, gzipped, or inline', () => {
  it('writes the same services.csv, requests.csv, links.csv (the KV caches cross the fabric) and summary.csv', () => {
    writeFileSync(join(work, 'conv.csv'), trace);
    writeFileSync(join(work, 'conv.csv.gz'), gzipSync(trace));
    const plain = run('file', '          file: conv.csv');
    const gz = run('gzip', '          file: conv.csv.gz');
    const inline = run('inline', `          csv: |\n${trace.trimEnd().split('\n').map((l) => `            ${l}`).join('\n')}`);
    expect([...plain.keys()].sort()).toEqual(['jobs.csv', 'links.csv', 'requests.csv', 'services.csv', 'summary.csv']);
    expect(plain.get('requests.csv')!.split('\n').length).toBeGreaterThan(300);
    expect(plain.get('links.csv')!.trim().split('\n').length).toBeGreaterThan(1);
    for (const other of [gz, inline]) {
      expect([...other.keys()].sort()).toEqual([...plain.keys()].sort());
      for (const [f, text] of plain) expect(other.get(f), f).toBe(text);
    }
  });
});
