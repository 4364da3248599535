// A trace's device_map key that no job's models name maps nothing. Misspelt (case counts), it left
// the model it was meant for to the catalogue's reading of the name, with no word: PAI 2020's V100
// is a 16 GB card, and `device_map: { v100: V100-SXM2-16GB }` ran its jobs on V100-SXM2-32GB.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';

// pai_task_table's columns (no header line): job, task, inst_num, status, start, end, cpu, mem, plan_gpu, gpu_type.
const PAI = ['a1,worker,1,Terminated,100,400,600,29.3,100,V100', 'a2,worker,1,Terminated,100,400,600,29.3,100,V100M32', 'a3,worker,1,Terminated,100,400,600,29.3,100,T4'].join('\n');

const scenario = (map: string): string => `name: m
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: a, count: 1, device: V100-SXM2-16GB, devices_per_node: 8 }
      - { name: b, count: 1, device: V100-SXM2-32GB, devices_per_node: 8 }
      - { name: c, count: 1, device: T4, devices_per_node: 4 }
workloads:
  - trace:
      format: csv
      path: t.csv
      reference_device: V100-SXM2-32GB
      mapping: { header: false, id: 1, instances: 3, submit: 5, end: 6, devices: 9, devices_unit: percent, allowed_models: 10 }
      device_map: ${map}
`;
const load = (map: string, text = PAI) => loadScenario(scenario(map), 'dir/s.yaml', { readFile: () => text, baseDir: 'dir' });
const warnings = (map: string, text = PAI): string[] => load(map, text).warnings.map((w) => `${w.path}: ${w.message}`);
const kindOf = (map: string, job: string): string[] | undefined => {
  const r = load(map);
  const j = r.jobs.find((x) => x.name === job)!;
  return j.allowedKinds?.map((k) => r.shape.kinds[k]!.name);
};

describe("a trace's device_map key that no job names", () => {
  it('is warned at the key, with the models the catalogue read instead', () => {
    const map = '{ v100: V100-SXM2-16GB, V100M32: V100-SXM2-32GB }';
    expect(kindOf(map, 'a1')).toEqual(['V100-SXM2-32GB']);
    expect(warnings(map)).toEqual([
      "workloads[0].trace.device_map.v100: device_map maps 'v100', which no job read from the trace names, while models the jobs name are not in it and are read by the catalogue's names (V100 -> V100-SXM2-32GB, T4 -> T4): keys are matched exactly, case counts; is one misspelt?",
    ]);
    expect(kindOf('{ V100: V100-SXM2-16GB, V100M32: V100-SXM2-32GB }', 'a1')).toEqual(['V100-SXM2-16GB']);
  });

  it('is not warned when every model the jobs name is in the map (a full map over part of a trace)', () => {
    expect(warnings('{ V100: V100-SXM2-16GB, V100M32: V100-SXM2-32GB, T4: T4, P100: P100 }')).toEqual([]);
  });

  it('is not warned when the jobs name no model, or none the catalogue reads (MISC: its rows are skipped and said)', () => {
    const none = PAI.replace(/,(V100|V100M32|T4)$/gm, ',');
    expect(warnings('{ P100: P100 }', none)).toEqual([]);
    expect(warnings('{ P100: P100 }', 'a1,worker,1,Terminated,100,400,600,29.3,100,MISC\na2,worker,1,Terminated,100,400,600,29.3,100,')).toEqual([]);
  });
});

// nodes_from's device_map had no such check: `device_map: { V100M1: A100-80GB }` (meant for
// V100M16) on alibaba-replay's node list validated and ran its 55 V100M16 nodes as V100-SXM2-16GB.
const NODES = ['sn,cpu_milli,memory_mib,gpu,model', 'n0,32000,262144,8,V100M16', 'n1,32000,262144,8,V100M16', 'n2,32000,262144,4,T4'].join('\n');
const nodesScenario = (map: string): string => `name: n
network: ideal
datacentres:
  - name: dc
    nodes_from:
      format: alibaba-openb
      path: nodes.csv
      device_map: ${map}
workloads:
  - jobs: [{ name: j, devices: 1, duration: 1h, device_kinds: [T4] }]
`;
const loadNodes = (map: string) => loadScenario(nodesScenario(map), 'dir/s.yaml', { readFile: () => NODES, baseDir: 'dir' });

describe("a node list's device_map key that no node names", () => {
  it('is warned at the key, with the models the catalogue read instead', () => {
    const r = loadNodes('{ V100M1: A100-80GB }');
    expect(r.shape.kinds.map((k) => k.name).sort()).toEqual(['T4', 'V100-SXM2-16GB']);
    expect(r.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "datacentres[0].nodes_from.device_map.V100M1: device_map maps 'V100M1', which no node of the list names, while models the nodes name are not in it and are read by the catalogue's names (V100M16 -> V100-SXM2-16GB, T4 -> T4): keys are matched exactly, case counts; is one misspelt?",
    ]);
    expect(loadNodes('{ V100M16: A100-80GB }').shape.kinds.map((k) => k.name).sort()).toEqual(['A100-80GB', 'T4']);
  });

  it('is not warned when every model the nodes name is in the map', () => {
    expect(loadNodes('{ V100M16: A100-80GB, T4: T4, P100: P100 }').warnings).toEqual([]);
  });
});
