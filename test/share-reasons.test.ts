// A rejection that names what a GPU-sharing pod holds says its share: "with its 1 device(s)" was
// printed for a pod asking 0.3 of one GPU, as if it held a whole one. Whole-device jobs get the
// count with its noun ("4 devices", not "4 device(s)").
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { simulate } from '../src/sim/simulation.js';
import { devicesHeldText } from '../src/units/devices-held.js';

const DM = '{ G2: V100-SXM2-32GB, T4: T4 }';
const HEADER = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

/** The reason each rejected pod's row gives, on a G2 node with 8 cores and a T4 node with 96. */
function reasons(pods: string[], tenants: boolean): Map<string, string> {
  const queues = tenants ? 'tenants:\n  queues:\n    - { name: q, quota: { V100-SXM2-32GB: 8 } }\n' : '';
  const yaml = `name: s\nseed: 1\nnetwork: ideal\ndatacentres:
  - name: dc
    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: ${DM} }
${queues}workloads:
  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: ${DM}${tenants ? ', queue_from: { field: qos, default: q }' : ''} }
policy: fifo
placement: first-fit\n`;
  const files: Record<string, string> = {
    '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,8000,393216,8,G2\nn1,96000,393216,8,T4\n',
    '/t/pods.csv': [HEADER, ...pods].join('\n') + '\n',
  };
  const out = new Map<string, string>();
  simulate(loadScenario(yaml, '/t/s.yaml', { readFile: (p) => files[p]!, baseDir: '/t' }), { jobSink: (r) => r.status === 'rejected' && out.set(r.job_id, r.reason) });
  return out;
}

describe('rejection reasons of GPU-share pods', () => {
  it("no node holds the pod's CPU: the reason names 0.3 of a device", () => {
    const r = reasons(['share,200000,1024,1,300,,LS,Running,0,100,0', 'whole,200000,1024,2,1000,,LS,Running,0,100,0'], false);
    expect(r.get('share')).toBe('needs 200000 CPU milli-cores and 1024 MiB of memory with its 0.3 of a device; no nodes of an allowed kind have that much');
    expect(r.get('whole')).toBe('needs 200000 CPU milli-cores and 1024 MiB of memory with its 2 devices; no nodes of an allowed kind have that much');
  });

  it("the queue's quota kinds never hold the pod's CPU: the reason names 0.3 of a device", () => {
    const r = reasons(['share,32000,1024,1,300,,LS,Running,0,100,0', 'one,32000,1024,1,1000,,LS,Running,0,100,0'], true);
    expect(r.get('share')).toBe("queue 'q' could never admit it: its quota is on V100-SXM2-32GB only, whose nodes could never hold its 32000 CPU milli-cores and 1024 MiB of memory with its 0.3 of a device");
    expect(r.get('one')).toBe("queue 'q' could never admit it: its quota is on V100-SXM2-32GB only, whose nodes could never hold its 32000 CPU milli-cores and 1024 MiB of memory with its 1 device");
  });

  it('devicesHeldText: whole devices counted, a share of one, a share of each of several', () => {
    expect(devicesHeldText(1, 1000)).toBe('1 device');
    expect(devicesHeldText(4, 1000)).toBe('4 devices');
    expect(devicesHeldText(1, 300)).toBe('0.3 of a device');
    expect(devicesHeldText(1, 1)).toBe('0.001 of a device');
    expect(devicesHeldText(2, 500)).toBe('0.5 of each of 2 devices');
  });
});
