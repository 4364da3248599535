// A refused scenario's warnings are printed with its problems by every command, `--quiet` or not:
// the warning is often the refusal's cause (a bare `port_rate: 400` read as bytes/s makes a job
// centuries long), and a CI log that shows only "would end at about 3.56e+3 years" hides it. `run`
// (whose scenario loads in a worker) and `check` dropped them; so did a sweep point refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-refusal-warnings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const text = (portRate: string): string => `name: slow-ports
fabrics:
  IB-NDR: { port_rate: ${portRate} }
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: g, count: 4, device: H100 }
workloads:
  - jobs:
      - { name: big, devices: 16, params: 7B, tokens: 100B }
expect:
  metrics:
    utilisation: { min: 0.1 }
`;
const bare = join(work, 'bare.yaml');
writeFileSync(bare, text('400'));
const fine = join(work, 'fine.yaml');
writeFileSync(fine, text('400Gbps'));
const out = join(work, 'out');

/** stderr's warning lines and problem lines, in order, with the exit code. */
function refusal(...args: string[]): { code: number; warnings: string[]; problems: string[]; order: string[] } {
  const r = poolsim(...args);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const order = lines.map((l) => (l.startsWith('warning: ') ? 'warning' : /would end at about/.test(l) ? 'problem' : 'other'));
  return { code: r.code, warnings: lines.filter((l) => l.startsWith('warning: ')), problems: lines.filter((l) => /would end at about/.test(l)), order };
}

describe("a refusal's warnings, by every command", () => {
  const cases: [string, string[]][] = [
    ['run', ['run', bare, '--out', out]],
    ['run --quiet', ['run', bare, '--out', out, '--quiet']],
    ['check --quiet', ['check', bare, '--quiet']],
    ['compare --quiet', ['compare', bare, '--policies', 'fifo,sjf', '--out', out, '--quiet']],
    ['validate', ['validate', bare]],
  ];
  it.each(cases)('%s prints the bare port rate once, above the problem it explains', (_name, args) => {
    const r = refusal(...args);
    expect(r.code).toBe(2);
    expect(r.problems).toHaveLength(1);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/bare\.yaml:3:\d+: fabrics\.IB-NDR\.port_rate: 400 bytes\/s .*write '400Gbps'/);
    expect(r.order.indexOf('warning')).toBeLessThan(r.order.indexOf('problem'));
  });

  it('a sweep point refused carries its own warning, named by the point', () => {
    const r = refusal('sweep', fine, '--set', 'fabrics.IB-NDR.port_rate=400Gbps,400', '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(r.problems).toHaveLength(1);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/fabrics\.IB-NDR\.port_rate: 400 bytes\/s .*\(sweep point fabrics\.IB-NDR\.port_rate=400\)$/);
  });
});
