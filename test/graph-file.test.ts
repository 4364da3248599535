// A graph topology read from its own file (`topology: { kind: graph, path: ... }`, relative to the
// scenario): the same run as the inline form, byte for byte, and refusals located in that file.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

const scenario = (topology: string): string => `name: graph-file
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ count: 6, device: H100 }]
workloads:
  - jobs:
      - { name: a, devices: 16, params: 1B, tokens: 1M }
      - { name: b, devices: 24, params: 2B, tokens: 1M }
      - { name: c, devices: 8, params: 1B, tokens: 2M }
`;
const inline =
  '{ kind: graph, switches: [a, b, c, core], attach: [a, a, b, b, b, c], links: [{ between: [a, core], bandwidth: 50GB/s }, { between: [b, core], bandwidth: 80GB/s }, { between: [b, c], bandwidth: 40GB/s }, { between: [a, b], bandwidth: 20GB/s }], border: core }';
const fabricFile = `# the same graph as the inline block, as an operator would write it
switches: [a, b, c, core]
attach: [a, a, b, b, b, c]
links:
  - { between: [a, core], bandwidth: 50GB/s }
  - { between: [b, core], bandwidth: 80GB/s }
  - { between: [b, c], bandwidth: 40GB/s }
  - { between: [a, b], bandwidth: 20GB/s }
border: core
`;

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-graph-file-'));
  mkdirSync(join(dir, 'fabrics'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('graph topology from a file', () => {
  it('runs exactly as the inline graph: jobs.csv and summary.csv byte-identical', () => {
    const dir = setup({ 'inline.yaml': scenario(inline), 'file.yaml': scenario('{ kind: graph, path: fabrics/my-fabric.yaml }'), 'fabrics/my-fabric.yaml': fabricFile });
    for (const form of ['inline', 'file']) {
      const r = poolsim('run', join(dir, `${form}.yaml`), '--out', join(dir, `out-${form}`));
      expect(r.code, r.stderr).toBe(0);
    }
    for (const csv of ['jobs.csv', 'summary.csv']) {
      const a = readFileSync(join(dir, 'out-inline', csv), 'utf8');
      expect(a.split('\n').length).toBeGreaterThan(2);
      expect(readFileSync(join(dir, 'out-file', csv), 'utf8')).toBe(a);
    }
  });

  it("locates a bad graph in its own file (line, column, field), by the inline form's schema", () => {
    const bad = fabricFile.replace('{ between: [b, c], bandwidth: 40GB/s }', '{ between: [b, c], bandwidth: fast }');
    const dir = setup({ 's.yaml': scenario('{ kind: graph, path: fabrics/bad.yaml }'), 'fabrics/bad.yaml': bad });
    const r = poolsim('check', join(dir, 's.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fabrics\/bad\.yaml:7:\d+: links\[2\]\.bandwidth: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // A check that needs the node count (attach: one per node) is located in the file too.
    const short = setup({ 's.yaml': scenario('{ kind: graph, path: fabrics/short.yaml }'), 'fabrics/short.yaml': fabricFile.replace('attach: [a, a, b, b, b, c]', 'attach: [a, a, b, b, b]') });
    const s = poolsim('check', join(short, 's.yaml'));
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^fabrics\/short\.yaml:3:\d+: attach: /m);
  });

  it('refuses a missing file, a directory, and both inline fields and path, without a stack trace', () => {
    const dir = setup({
      'missing.yaml': scenario('{ kind: graph, path: fabrics/none.yaml }'),
      'dir.yaml': scenario('{ kind: graph, path: fabrics }'),
      'both.yaml': scenario('{ kind: graph, path: fabrics/my-fabric.yaml, switches: [a] }'),
      'fabrics/my-fabric.yaml': fabricFile,
    });
    const cases: [string, RegExp][] = [
      ['missing.yaml', /missing\.yaml:6:\d+: datacentres\[0\]\.topology\.path: cannot read '.*fabrics\/none\.yaml': no such file/],
      ['dir.yaml', /dir\.yaml:6:\d+: datacentres\[0\]\.topology\.path: cannot read '.*fabrics': is a directory/],
      ['both.yaml', /both\.yaml:6:\d+: datacentres\[0\]\.topology\.switches: give the graph either inline .* or in a file \(path\), not both/],
    ];
    for (const [file, message] of cases) {
      const r = poolsim('check', join(dir, file));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
