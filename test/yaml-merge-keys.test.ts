// Scenario files reuse blocks as docker-compose and Kubernetes files do: anchors and aliases, YAML
// 1.1 merge keys (`<<: *base`), and top-level `x-` keys to hold the anchored block. Merge keys were
// refused as an unknown key '<<' (and the merged fields reported missing).
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = `name: merge
datacentres:
  - name: east
    node_groups:
      - { name: h, count: 4, device: H100 }
`;

const messages = (text: string): string[] => {
  try {
    scenarioFromText(text, 'merge.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.line}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    throw e;
  }
  return [];
};

describe('YAML merge keys and x- blocks', () => {
  it('give the same run as the blocks written out, keys beside << winning', () => {
    const merged = `${pool}x-job: &base { devices: 8, duration: 1h, reference_device: H100 }
workloads:
  - jobs:
      - { <<: *base, name: a }
      - <<: *base
        name: b
        devices: 16
`;
    const written = `${pool}workloads:
  - jobs:
      - { devices: 8, duration: 1h, reference_device: H100, name: a }
      - { devices: 16, duration: 1h, reference_device: H100, name: b }
`;
    const a = runToCsv(scenarioFromText(merged));
    const b = runToCsv(scenarioFromText(written));
    expect(a.jobs.map((j) => j.devices)).toEqual([8, 16]);
    expect(a.jobsCsv).toBe(b.jobsCsv);
    expect(a.summaryCsv).toBe(b.summaryCsv);
  });

  it("locate a bad merged value at the mapping that merges it, and refuse x- keys below the top", () => {
    const bad = `${pool}x-job: &base { devices: -8, duration: 1h, reference_device: H100 }
workloads:
  - jobs:
      - { <<: *base, name: a }
`;
    expect(messages(bad)).toEqual(['9: workloads[0].jobs[0].devices: expected a value > 0, got -8']);
    const nested = `${pool}workloads:
  - jobs:
      - { devices: 8, duration: 1h, reference_device: H100, x-note: hi }
`;
    expect(messages(nested).join('\n')).toContain("unknown key 'x-note'");
    expect(messages(`${pool}xjob: 1\n`).join('\n')).toContain("unknown key 'xjob'");
  });

  it('refuse an alias with no anchor before it at the alias, as that, not as an alias bomb', () => {
    // `*bse` (misspelt) and an alias above its anchor were answered "YAML aliases here expand to too
    // many nodes (more than 1000 per alias): a "billion laughs" document", at the first alias.
    const misspelt = `${pool}x-job: &base { devices: 8, duration: 1h, reference_device: H100 }
workloads:
  - jobs:
      - { <<: *base, name: a }
      - { <<: *bse, name: b }
`;
    expect(messages(misspelt)).toEqual(['10: YAML alias *bse: no anchor &bse before it; an alias repeats a value anchored earlier in the file']);
    const above = `${pool}workloads:
  - jobs:
      - *job
x-job: &job { devices: 8, duration: 1h, reference_device: H100 }
`;
    expect(messages(above)).toEqual(['8: YAML alias *job: no anchor &job before it; an alias repeats a value anchored earlier in the file']);
  });

  it('refuse a merge key given no mapping at its value, as bad input, not an internal error', () => {
    // `<<: 5` (or an alias of a list) ended in "run failed (internal error, please report it with the
    // scenario): Merge sources must be maps or map aliases", exit 1.
    const text = `${pool.replace('device: H100 }', 'device: H100, <<: 5 }')}x-list: &list [1, 2]
workloads:
  - jobs:
      - { <<: [*list], devices: 8, duration: 1h, reference_device: H100 }
`;
    expect(messages(text)).toEqual([
      "5: YAML merge key <<: expected a mapping, an alias of one (`<<: *base`) or a list of them, got '5'",
      '9: YAML merge key <<: expected a mapping, an alias of one (`<<: *base`) or a list of them, got a list',
    ]);
  });
});

