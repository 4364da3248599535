// A cohort tree that no queue is in admits nothing: its quota lends to no one. A misspelt cohort on a
// queue (which then makes a cohort of its own) left a defined cohort's quota unused without a word,
// and the quota-overcommit warning still counted it. Warned at the cohort, naming the queues'
// cohort it is close to. A cohort without queues inside a tree that has some is not warned: its
// quota serves the tree (KEP-79).
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { scenarioFromText } from './helpers.js';

const scenario = (tenants: string): string => `name: cohorts
network: ideal
datacentres:
  - { name: dc, node_groups: [{ count: 4, device: H100 }] }
tenants:
${tenants}
workloads:
  - jobs:
      - { name: a, devices: 8, duration: 1h, reference_device: H100, queue: a }
      - { name: b, devices: 8, duration: 1h, reference_device: H100, queue: b }
`;

const warnings = (tenants: string): string[] => scenarioFromText(scenario(tenants)).warnings.filter((w) => /cohort/.test(w.message)).map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('cohorts no queue is in', () => {
  it('warns a cohort whose name a queue misspelt, at its line, with the name the queues use', () => {
    const w = warnings(`  queues:
    - { name: a, cohort: org, quota: { H100: 8 } }
    - { name: b, cohort: org, quota: { H100: 8 } }
  cohorts:
    - { name: orgs, quota: { H100: 16 } }`);
    expect(w).toEqual(["10:tenants.cohorts[0].name: no queue is in cohort 'orgs' or in any cohort of its tree, so it admits nothing and its own quota (16 H100) lends to no queue (did a queue mean it? queues name 'org')"]);
  });

  it('warns every cohort of a tree without queues, and none of a tree with some', () => {
    const w = warnings(`  queues:
    - { name: a, cohort: research, quota: { H100: 8 } }
    - { name: b, cohort: research, quota: { H100: 8 } }
  cohorts:
    - { name: org, quota: { H100: 4 } }
    - { name: research, parent: org }
    - { name: prod, parent: org, quota: { H100: 4 } }
    - { name: lab }
    - { name: lab-gpu, parent: lab, quota: { H100: 2 } }`);
    // prod has no queue but lends to research through org; lab's tree has none at all.
    expect(w).toEqual([
      "13:tenants.cohorts[3].name: no queue is in cohort 'lab' or in any cohort of its tree, so it admits nothing",
      "14:tenants.cohorts[4].name: no queue is in cohort 'lab-gpu' or in any cohort of its tree, so it admits nothing and its own quota (2 H100) lends to no queue",
    ]);
  });

  it('says nothing when every cohort has queues', () => {
    expect(warnings(`  queues:
    - { name: a, cohort: org, quota: { H100: 8 } }
    - { name: b, quota: { H100: 8 } }`)).toEqual([]);
  });

  it('warns a Cohort of Kueue manifests that no ClusterQueue is in, at tenants_from', () => {
    const manifests = `apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata: { name: a }
spec:
  cohort: team
  resourceGroups:
  - coveredResources: ["nvidia.com/gpu"]
    flavors:
    - name: gpu
      resources:
      - { name: nvidia.com/gpu, nominalQuota: 8 }
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata: { name: b }
spec:
  resourceGroups:
  - coveredResources: ["nvidia.com/gpu"]
    flavors:
    - name: gpu
      resources:
      - { name: nvidia.com/gpu, nominalQuota: 8 }
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: Cohort
metadata: { name: teams }
spec:
  resourceGroups:
  - coveredResources: ["nvidia.com/gpu"]
    flavors:
    - name: gpu
      resources:
      - { name: nvidia.com/gpu, nominalQuota: 4 }
`;
    const text = scenario('').replace('tenants:\n\n', 'tenants_from: { format: kueue, path: kueue.yaml, flavors: { gpu: H100 } }\n');
    const r = loadScenario(text, 'scenario.yaml', { baseDir: '.', readFile: () => manifests });
    expect(r.warnings.filter((w) => /cohort/.test(w.message)).map((w) => `${w.path}: ${w.message}`)).toEqual([
      "tenants_from.path: no queue is in cohort 'teams' or in any cohort of its tree, so it admits nothing and its own quota (4 H100) lends to no queue (did a queue mean it? queues name 'team')",
    ]);
  });
});
