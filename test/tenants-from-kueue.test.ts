// Tenants read from Kueue manifests (tenants_from): the same queues as the equivalent `tenants:`
// section give the same bytes, LocalQueues name their ClusterQueue, and what poolsim does not model
// is refused naming the object and field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kueueToTenants } from '../src/scenario/kueue-manifests.js';
import { inputErrorOf, loadWithFiles, repoPath, runToCsv } from './helpers.js';

const MANIFESTS = readFileSync(repoPath('test/fixtures/kueue/team-ab.yaml'), 'utf8');

const pool = `
name: kueue-import
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 2, device: H100 }
`;
const jobs = (a: string, b: string) => `
workloads:
  - jobs:
      - { name: b1, devices: 8, duration: 2h, reference_device: H100, queue: ${b} }
      - { name: b2, devices: 8, duration: 2h, reference_device: H100, queue: ${b} }
      - { name: a1, submit: 10min, devices: 8, duration: 1h, reference_device: H100, queue: ${a} }
`;

const load = (text: string, files: Record<string, string> = { 'kueue.yaml': MANIFESTS }) => loadWithFiles(text, files);

const errors = inputErrorOf;

describe('tenants_from: { format: kueue }', () => {
  it('reads ClusterQueues (cohort, preemption, GPU quota with limits; CPU ignored) and LocalQueues', () => {
    const imported = kueueToTenants(MANIFESTS, { 'h100-reserved': 'H100' });
    expect(imported.problems).toEqual([]);
    expect(imported.tenants.queues).toEqual([
      { name: 'team-a-cq', cohort: 'team-ab', preemption: { reclaim_within_cohort: 'any', within_queue: 'lower-priority' }, quota: { H100: { nominal: 8 } } },
      { name: 'team-b-cq', cohort: 'team-ab', quota: { H100: { nominal: 8, borrowing_limit: 8 } } },
    ]);
    expect(imported.localQueues).toEqual({ 'team-a': 'team-a-cq', 'team-b': 'team-b-cq' });
  });

  it('gives the same results as the same queues written as tenants:, jobs naming LocalQueues', () => {
    const fromKueue = runToCsv(load(`${pool}tenants_from: { format: kueue, path: kueue.yaml, flavors: { h100-reserved: H100 } }\n${jobs('team-a', 'team-b')}`));
    const inline = runToCsv(
      load(`${pool}
tenants:
  queues:
    - { name: team-a-cq, cohort: team-ab, quota: { H100: 8 }, preemption: { reclaim_within_cohort: any, within_queue: lower-priority } }
    - { name: team-b-cq, cohort: team-ab, quota: { H100: { nominal: 8, borrowing_limit: 8 } } }
${jobs('team-a-cq', 'team-b-cq')}`),
    );
    expect(fromKueue.jobsCsv).toBe(inline.jobsCsv);
    expect(fromKueue.tenantsCsv).toBe(inline.tenantsCsv);
    // team-b borrows team-a's quota until team-a reclaims it (the hand-computed run of tenants-kueue.test.ts).
    expect(fromKueue.jobs.find((j) => j.job_id === 'a1')!.start_s).toBe(660);
  });

  it('refuses what it does not model, naming the object and field, and flavours that map to no kind', () => {
    const unsupported = `
apiVersion: kueue.x-k8s.io/v1beta1
kind: Cohort
metadata: { name: child }
spec: { parentName: root, fairSharing: { weight: 2 } }
---
kind: ClusterQueue
metadata: { name: cq }
spec:
  cohort: child
  admissionChecks: [provisioning]
  flavorFungibility: { whenCanBorrow: TryNextFlavor }
  resourceGroups:
  - coveredResources: [nvidia.com/gpu, example.com/fpga]
    flavors:
    - name: h100
      resources:
      - { name: nvidia.com/gpu, nominalQuota: 1500m }
      - { name: example.com/fpga, nominalQuota: 2 }
`;
    expect(errors(() => load(`${pool}tenants_from: { format: kueue, path: kueue.yaml }\n${jobs('cq', 'cq')}`, { 'kueue.yaml': unsupported }))).toMatchInlineSnapshot(`
      "scenario.yaml:8:38: tenants_from.path: kueue.yaml:5: Cohort 'child': spec.fairSharing (a cohort's fair-sharing weight) is not modelled; poolsim shares fairly within flat cohorts only
      scenario.yaml:8:38: tenants_from.path: kueue.yaml:12: ClusterQueue 'cq': spec.flavorFungibility other than whenCanBorrow: Borrow, whenCanPreempt: TryNextFlavor (Kueue's defaults) is not modelled
      scenario.yaml:8:38: tenants_from.path: kueue.yaml:11: ClusterQueue 'cq': spec.admissionChecks is not modelled (admission checks gate admission on outside systems)
      scenario.yaml:8:38: tenants_from.path: kueue.yaml:18: ClusterQueue 'cq': spec.resourceGroups[0].flavors[0] (h100) resource nvidia.com/gpu: quotas of devices must be whole numbers >= 0, got nominalQuota '1500m'
      scenario.yaml:8:38: tenants_from.path: kueue.yaml:19: ClusterQueue 'cq': spec.resourceGroups[0].flavors[0] (h100) resource example.com/fpga: poolsim models accelerators only (gpu, tpu, npu resources)
      scenario.yaml:8:38: tenants_from.path: kueue.yaml:14: ClusterQueue 'cq': no accelerator quota (a resource such as nvidia.com/gpu)"
    `);
    expect(errors(() => load(`${pool}tenants_from: { format: kueue, path: kueue.yaml }\n${jobs('team-a', 'team-b')}`))).toMatchInlineSnapshot(`
      "scenario.yaml:8:38: tenants_from.path: kueue.yaml:7: ClusterQueue 'team-a-cq', flavour for 'h100-reserved': no node group has 'h100-reserved' devices, so a quota of them could never be used; the pool has H100 (map flavours to kinds in tenants_from.flavors)
      scenario.yaml:8:38: tenants_from.path: kueue.yaml:22: ClusterQueue 'team-b-cq', flavour for 'h100-reserved': no node group has 'h100-reserved' devices, so a quota of them could never be used; the pool has H100 (map flavours to kinds in tenants_from.flavors)"
    `);
    expect(errors(() => load(`${pool}tenants_from: { format: kueue, path: missing.yaml }\n${jobs('team-a', 'team-b')}`))).toMatch(/tenants_from\.path: cannot read '.*missing\.yaml': no such file/);
  });

  it('a quota that is not a whole number >= 0 is named with its value (-3 is whole: the message said only "must be whole numbers")', () => {
    const manifests = MANIFESTS.replace('nominalQuota: 8, borrowingLimit: 8', 'nominalQuota: -3, borrowingLimit: 8, lendingLimit: 1.5');
    expect(errors(() => load(`${pool}tenants_from: { format: kueue, path: kueue.yaml }\n${jobs('team-a', 'team-b')}`, { 'kueue.yaml': manifests }))).toContain(
      "ClusterQueue 'team-b-cq': spec.resourceGroups[0].flavors[0] (h100-reserved) resource nvidia.com/gpu: quotas of devices must be whole numbers >= 0, got nominalQuota -3, lendingLimit 1.5",
    );
  });
});

// Problems in the manifests were located only at tenants_from.path in the scenario ('kueue.yaml: ...'):
// in a file of many objects, which one meant a search. Each now names the manifest file's line.
describe('tenants_from problems at the manifest line', () => {
  it('names the line of the field, or of the object, in the manifests file', () => {
    const text = `kind: LocalQueue
metadata: { name: lq }
spec:
  clusterQueue: nowhere
---
kind: ClusterQueue
metadata: { name: cq }
spec:
  queueingStrategy: Sometimes
  resourceGroups: [{ coveredResources: [nvidia.com/gpu], flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 8 }] }] }]
`;
    expect(kueueToTenants(text, {}).problems).toEqual([
      { line: 9, message: "ClusterQueue 'cq': spec.queueingStrategy 'Sometimes' is not StrictFIFO or BestEffortFIFO" },
      { line: 4, message: "LocalQueue 'lq': ClusterQueue 'nowhere' is not defined" },
    ]);
    expect(kueueToTenants('kind: ClusterQueue\nmetadata: { name: [\n', {}).problems[0]!.line).toBeGreaterThan(0);
  });
});

// LocalQueues are namespaced: Kueue's own examples give every namespace a LocalQueue of one name
// ('user-queue'). Jobs name a queue by name alone, so two LocalQueues of one name pointing to
// different ClusterQueues were taken silently, the last one read winning: every job of
// namespace a's 'user-queue' ran under b's quota. Likewise a LocalQueue named as another
// ClusterQueue: the ClusterQueue won, without a word. Both are now refused at the line.
describe('tenants_from: a queue name that means two ClusterQueues', () => {
  const cq = (name: string) => `kind: ClusterQueue
metadata: { name: ${name} }
spec:
  cohort: org
  resourceGroups: [{ coveredResources: [nvidia.com/gpu], flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 8 }] }] }]
`;
  const lq = (name: string, ns: string, target: string) => `kind: LocalQueue
metadata: { name: ${name}, namespace: ${ns} }
spec: { clusterQueue: ${target} }
`;
  it('refuses two LocalQueues of one name in different namespaces pointing to different ClusterQueues', () => {
    const text = [cq('a-cq'), cq('b-cq'), lq('user-queue', 'team-a', 'a-cq'), lq('user-queue', 'team-b', 'b-cq')].join('---\n');
    expect(kueueToTenants(text, {}).problems).toEqual([
      {
        line: 17,
        message:
          "LocalQueue 'user-queue' (namespace team-b) points to ClusterQueue 'b-cq', and the LocalQueue 'user-queue' of line 13 (namespace team-a) to 'a-cq': a job's `queue:` names a queue by name alone, so it would be ambiguous; name the ClusterQueue in `queue:` instead, or give the LocalQueues different names",
      },
    ]);
  });

  it('takes LocalQueues of one name that point to the same ClusterQueue', () => {
    const text = [cq('a-cq'), lq('user-queue', 'team-a', 'a-cq'), lq('user-queue', 'team-b', 'a-cq')].join('---\n');
    const imported = kueueToTenants(text, {});
    expect(imported.problems).toEqual([]);
    expect(imported.localQueues).toEqual({ 'user-queue': 'a-cq' });
  });

  it('refuses a LocalQueue named as a ClusterQueue it does not point to', () => {
    const text = [cq('a-cq'), cq('b-cq'), lq('a-cq', 'team-b', 'b-cq')].join('---\n');
    expect(kueueToTenants(text, {}).problems).toEqual([
      {
        line: 13,
        message:
          "LocalQueue 'a-cq' (namespace team-b) points to ClusterQueue 'b-cq', but a ClusterQueue is named 'a-cq' too: a job's `queue: a-cq` would mean the ClusterQueue; give the LocalQueue another name",
      },
    ]);
  });
});
