// `validate` lists every problem it can at once: a file refused by its schema, its pool or its size
// has its policies checked by name and parameters too (they need no pool). It said a misspelt
// policy only once every other problem had been mended, one more round for a user fixing the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-validate-stages-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const scenario = (o: { fabric?: string; bandwidth?: string; tokens?: string; policy?: string; placement?: string }): string => `name: stages
datacentres:
  - name: a
    fabric: ${o.fabric ?? 'IB-NDR'}
    node_groups:
      - { name: g, count: 4, device: H100 }
  - name: b
    fabric: RoCE-400G
    node_groups:
      - { name: h, count: 4, device: H100 }
links:
  - { between: [a, b], latency: 2ms, bandwidth: ${o.bandwidth ?? '400Gbps'} }
workloads:
  - jobs:
      - { name: j, devices: 8, params: 7B, tokens: ${o.tokens ?? '1B'} }
policy: ${o.policy ?? 'fifoo'}
placement: ${o.placement ?? '{ name: best-fit, params: { nonsense: 1 } }'}
`;

function validate(text: string): { code: number; lines: string[] } {
  const file = join(work, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const r = poolsim('validate', file);
  return { code: r.code, lines: r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: ')) };
}

const POLICY = /:16:9: policy: unknown policy 'fifoo' \(did you mean 'fifo'\?\)$/;
const PLACEMENT = /:17:\d+: placement\.params\.nonsense: unknown key 'nonsense'$/;

describe('validate: the policies with the pool\'s problems', () => {
  it('an unknown fabric (the pool) and the misspelt policy and parameter, in one pass', () => {
    const r = validate(scenario({ fabric: 'IB-NDRR' }));
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(4);
    expect(r.lines[0]).toMatch(/:4:13: datacentres\[0\]\.fabric: unknown fabric preset 'IB-NDRR'/);
    expect(r.lines[1]).toMatch(POLICY);
    expect(r.lines[2]).toMatch(PLACEMENT);
    expect(r.lines[3]).toBe('3 problems found; nothing was run or written.');
  });

  it('a value the schema refuses (a negative bandwidth) and the policies', () => {
    const r = validate(scenario({ bandwidth: '-5Gbps' }));
    expect(r.lines).toHaveLength(4);
    expect(r.lines[0]).toMatch(/:12:\d+: links\[0\]\.bandwidth: expected a non-negative value/);
    expect(r.lines[1]).toMatch(POLICY);
    expect(r.lines[2]).toMatch(PLACEMENT);
  });

  it('a run too long to simulate (the size estimate) and the policies', () => {
    const r = validate(scenario({ tokens: '1e17' }));
    expect(r.lines[0]).toMatch(/workloads\[0\]\.jobs\[0\]: job 'j' would end at about/);
    expect(r.lines.slice(1, 3).map((l) => POLICY.test(l) || PLACEMENT.test(l))).toEqual([true, true]);
  });

  it('says nothing more of policies that are right, or of a plug-in module (loaded once the file is valid)', () => {
    const right = validate(scenario({ fabric: 'IB-NDRR', policy: 'sjf', placement: 'best-fit' }));
    expect(right.lines).toHaveLength(2);
    const plugin = validate(scenario({ fabric: 'IB-NDRR', policy: './no-such-policy.mjs', placement: 'best-fit' }));
    expect(plugin.lines).toHaveLength(2);
    expect(plugin.lines[0]).toMatch(/unknown fabric preset 'IB-NDRR'/);
  });

  it('a valid file with a misspelt policy says it once', () => {
    const r = validate(scenario({ placement: 'best-fit' }));
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(POLICY);
  });
});
