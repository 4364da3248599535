// A fabric failure's names are checked against every switch and link of the pool's fabrics; with
// 200,000 link names (400,000 nodes, 4 to a leaf) gathering them by spreading each site's list into
// push() passed every name as an argument and overflowed the stack: `validate` printed "internal
// error ... Maximum call stack size exceeded" instead of the refusal of the unknown link.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-ff-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fabric failure names on a pool of 200,000 links', () => {
  it('an unknown link is refused with the fabric names, not a stack overflow', () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(
      file,
      `name: big-fabric-failures
seed: 1
datacentres:
  - name: dc
    topology: { kind: leaf-spine, nodes_per_leaf: 4 }
    node_groups:
      - { name: g, count: 400000, device: H100, devices_per_node: 1 }
failures:
  fabric:
    events:
      - { link: nosuch, at: 1h, repair: 1h }
workloads:
  - jobs:
      - { name: j, devices: 1, duration: 1s, reference_device: H100 }
`,
    );
    const r = poolsim('validate', file, '--max-memory', '20GiB');
    expect(r.stderr).not.toMatch(/internal error|call stack/);
    expect(r.stderr).toContain("failures.fabric.events[0].link: unknown link 'nosuch'; the fabrics have links leaf-up:dc:0, leaf-down:dc:0");
    expect(r.stderr).toContain('... (200000)');
    expect(r.code).toBe(2);
  }, 120_000);
});
