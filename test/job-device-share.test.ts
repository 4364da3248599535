// jobs.csv says what share of each device a job held (`device_share`): a GPU-sharing pod holding
// half a GPU printed `devices` 1 like a whole-GPU job, and no column told them apart, so device-hours
// worked out from jobs.csv counted a 0.3-GPU pod as a whole GPU.
import { describe, expect, it } from 'vitest';
import { csvLine, rowValues } from '../src/experiment/csv.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { JOB_COLUMNS, type JobRow } from '../src/sim/metrics.js';
import { simulate } from '../src/sim/simulation.js';

const DEVICE_MAP = '{ G2: V100-SXM2-32GB }';
const YAML = `name: share\nseed: 1\nnetwork: ideal\ndatacentres:
  - name: dc
    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: ${DEVICE_MAP} }
workloads:
  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: ${DEVICE_MAP} }
policy: fifo
placement: first-fit\n`;
const FILES: Record<string, string> = {
  '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,96000,393216,8,G2\n',
  '/t/pods.csv': [
    'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
    'half,1000,1024,1,500,,LS,Running,0,100,0',
    'tenth3,1000,1024,1,300,,LS,Running,0,100,0',
    'whole,1000,1024,1,1000,,LS,Running,0,100,0',
    'two,1000,1024,2,1000,,LS,Running,0,100,0',
  ].join('\n') + '\n',
};

function rows(): Map<string, JobRow> {
  const out = new Map<string, JobRow>();
  const s = loadScenario(YAML, '/t/share.yaml', { readFile: (p) => FILES[p]!, baseDir: '/t' });
  simulate(s, { jobSink: (r) => out.set(r.job_id, { ...r }) });
  return out;
}

describe('jobs.csv device_share', () => {
  it("a GPU-share pod's row shows the share of each device it held; a whole-device job's shows 1", () => {
    const r = rows();
    expect([...r.keys()].sort()).toEqual(['half', 'tenth3', 'two', 'whole']);
    expect(r.get('half')!.devices).toBe(1);
    expect(r.get('half')!.device_share).toBe(0.5);
    expect(r.get('tenth3')!.device_share).toBe(0.3);
    expect(r.get('whole')!.device_share).toBe(1);
    expect(r.get('two')!.devices).toBe(2);
    expect(r.get('two')!.device_share).toBe(1);
  });

  it('jobs.csv carries the column right after devices, printed as the share', () => {
    const at = JOB_COLUMNS.indexOf('devices');
    expect(JOB_COLUMNS[at + 1]).toBe('device_share');
    const line = csvLine(rowValues(rows().get('tenth3')!, JOB_COLUMNS));
    expect(line.split(',').slice(at, at + 2)).toEqual(['1', '0.3']);
  });
});
