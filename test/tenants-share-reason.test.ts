// A GPU-sharing job (a trace's gpu_milli) its queue's quota can never admit is told what it asks of
// the quota in shares of a device, not as "0.3 devices", which reads as a whole-device count.
import { describe, expect, it } from 'vitest';
import { loadWithFiles, runToCsv } from './helpers.js';

const scenario = (nominal: number) => `
name: share-reason
seed: 1
horizon: 1d
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: g, count: 1, device: A100-80GB }
tenants:
  queues:
    - name: team
      quota:
        A100-80GB: { nominal: ${nominal} }
workloads:
  - trace:
      path: t.csv
      format: csv
      queue: team
      mapping: { submit: submit, duration: duration, devices: gpus, gpu_milli: milli, id: id }
policy: fifo
placement: first-fit
`;
const trace = 'id,submit,duration,gpus,milli\na,0,3600,1,500\nb,0,3600,1,500\nc,0,3600,1,500\nd,0,3600,1,300\ne,10,3600,1,1000\n';

describe('a share of a device against a tenant quota', () => {
  it('the reason a share can never be admitted names the share, and what it counts against the quota', () => {
    const r = runToCsv(loadWithFiles(scenario(0), { 't.csv': trace }));
    const reason = (id: string) => r.jobs.find((j) => j.job_id === id)!.reason;
    expect(reason('d')).toBe("queue 'team' could never admit it: it needs 0.3 of a device, and the queue's quota reaches at most 0 of any kind it may use");
    expect(reason('e')).toBe("queue 'team' could never admit it: it needs 1 device of one kind, and the queue's quota reaches at most 0 of any kind it may use");
  });

  it('a quota of one device admits shares adding up to one device at once, and no more', () => {
    const r = runToCsv(loadWithFiles(scenario(1), { 't.csv': trace }));
    const start = (id: string) => r.jobs.find((j) => j.job_id === id)!.start_s;
    // a and b fill the quota (0.5 + 0.5) though the node has 8 devices; c and d (0.8) start when they
    // end; e (a whole device) waits for c and d.
    expect([start('a'), start('b'), start('c'), start('d'), start('e')]).toEqual([0, 0, 3600, 3600, 7200]);
  });
});
