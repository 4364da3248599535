// Data-parallel synchronisation under the interleaved schedule (step-time.ts, chunkedDpExposedS):
// each model chunk's gradients are reduced once its last backward is done and each chunk's weights
// gathered before its first forward, as Megatron-Core and NeMo's distributed Adam run it.
import { describe, expect, it } from 'vitest';
import { mlperfRuns } from '../src/model/calibration-runs.js';
import { chunkedDpExposedS, stepTime } from '../src/model/step-time.js';

describe('the interleaved schedule hides each chunk’s data-parallel reduction behind the backwards after it', () => {
  it('with one chunk it is the last backward’s window, as before; with no overlap, all of it', () => {
    expect(chunkedDpExposedS(1, 0, 0.9, 8, 1, 0.5, 0.25)).toBeCloseTo(1 - 0.9 * 0.5, 12);
    expect(chunkedDpExposedS(0.3, 0, 0.9, 8, 1, 0.5, 0.25)).toBe(0);
    expect(chunkedDpExposedS(1, 0.5, 0, 8, 12, 0.5, 0.25)).toBeCloseTo(1.5, 12);
  });
  it('with v chunks only the first chunk’s reduction (finished last) and its gather (needed first) stay exposed when the network keeps up', () => {
    // pp 8, v 12: a chunk's gradients every 8 b / 12 of backward; 1/12 of the reduction each.
    const b = 0.06;
    const f = 0.03;
    const grad = 0.12;
    const gather = 0.06;
    const exposed = chunkedDpExposedS(grad, gather, 0.9, 8, 12, b, f);
    expect(exposed).toBeCloseTo(grad / 12 - (0.9 * b) / 12 + (gather / 12 - (0.9 * f) / 12), 12);
    // Far less than the last backward alone could hide.
    expect(exposed).toBeLessThan(grad + gather - 0.9 * (b + f));
  });
  it('a network slower than the backwards leaves the backlog: all of it less what the cool-down hid', () => {
    const exposed = chunkedDpExposedS(10, 0, 0.9, 8, 12, 0.06, 0.03);
    expect(exposed).toBeCloseTo(10 - 0.9 * ((8 * 0.06 * 11) / 12 + 0.06 / 12), 9);
  });
  it('MLPerf v3.1 (TP 4, PP 8, V 12, 8 micro-batches, distributed Adam): a fifth of the reduction exposed, not 86% of it', () => {
    const row = mlperfRuns().find((r) => r.name === 'MLPerf v3.1, 10,752 GPUs')!;
    const s = stepTime(row.input());
    expect(s.dpExposedS / s.dpCommS).toBeLessThan(0.25);
    const flat = stepTime({ ...row.input(), layout: { ...row.input().layout, virtualStages: 1 } });
    expect(flat.dpExposedS / flat.dpCommS).toBeGreaterThan(0.8);
  });
});
