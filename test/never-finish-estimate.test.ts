// A job that failures keep throwing back is stopped with the expected time it would need: e^(l t)
// overflowed a float once l t passed 709 (a 2 h job on devices failing every 125 ms: l t = 57,600),
// and the message printed "about e^Infinity s" (8 devices failing every 100 s under 30 h of work: l t = 8,640).
import { describe, expect, it } from 'vitest';
import { logExpectedRunS } from '../src/model/checkpoint-interval.js';
import { runToCsv, scenarioFromText } from './helpers.js';

describe('the expected run time of a job failures keep undoing', () => {
  it('stays finite in logs however large l t grows', () => {
    // No checkpoints, no restart: one cycle of the whole work, (e^(l t) - 1) / l.
    expect(logExpectedRunS(7200, 8, Infinity, 0, 0)).toBeCloseTo(57600 - Math.log(8), 6);
    expect(logExpectedRunS(1e6, 1, Infinity, 0, 0)).toBeCloseTo(1e6, 6);
    // Below the overflow it is the formula itself.
    expect(logExpectedRunS(100, 0.01, Infinity, 0, 0)).toBeCloseTo(Math.log(Math.expm1(1) / 0.01), 12);
  });

  it('is printed as a power of e, not Infinity, when a run is stopped for it', () => {
    const text = `name: f
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
failures: { devices: { H100: { mtbf: 100s, repair: 0 } } }
workloads:
  - jobs: [{ name: j, devices: 8, duration: 30h, reference_device: H100 }]
`;
    expect(() => runToCsv(scenarioFromText(text))).toThrow(/the expected time to finish is about e\^\d{4,} s/);
  });
});
