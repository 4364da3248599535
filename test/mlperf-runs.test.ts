// The MLPerf Training GPT-3 175B rows of the given set (src/model/calibration-runs.ts, mlperfRuns),
// each submission described from its published config: printed and pinned to a tenth of a point,
// as docs/calibration.md ("The MLPerf GPT-3 175B rows") reports them. They are part of the given
// set (calibrationRuns), held to its 10% bar in calibration-runs.test.ts.
import { describe, expect, it } from 'vitest';
import { mlperfRuns } from '../src/model/calibration-runs.js';
import { stepTime } from '../src/model/step-time.js';

const rows = mlperfRuns().map((r) => {
  const s = stepTime(r.input());
  return { name: r.name, published: r.publishedStepS, s, error: s.stepS / r.publishedStepS - 1 };
});

describe('the MLPerf GPT-3 175B rows (mlperfRuns), as docs/calibration.md reports them', () => {
  const pinned: Record<string, number> = {
    'MLPerf v3.0, 768 GPUs': -1.4,
    'MLPerf v3.0, 1,536 GPUs': -2.7,
    'MLPerf v3.0, 3,584 GPUs': -6.2,
    'MLPerf v3.1, 10,752 GPUs': -1.1,
    'MLPerf v4.0, 11,616 GPUs': -4.4,
  };
  it('prints each row: published and predicted s/step, error, and the breakdown', () => {
    const f = (x: number): string => x.toFixed(3);
    const lines = rows.map(
      (r) =>
        `${r.name}: published ${f(r.published)} predicted ${f(r.s.stepS)} (${(100 * r.error).toFixed(1)}%) compute ${f(r.s.computeS)} ` +
        `exposed TP ${f(r.s.tpExposedS)} PP ${f(r.s.ppExposedS)} DP ${f(r.s.dpExposedS)} (of ${f(r.s.dpCommS)}) NCCL SMs ${f(r.s.ncclSmShareS)} bubble ${f(r.s.bubbleS)}`,
    );
    console.log(lines.join('\n'));
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(pinned).sort());
  });
  for (const r of rows) {
    it(`${r.name}: pinned at ${pinned[r.name]}% of the published ${r.published.toFixed(3)} s`, () => {
      expect(Math.round(1000 * r.error) / 10).toBe(pinned[r.name]);
    });
  }
  it('the published iteration is the logged training step; the time to train over the steps also counts the evaluations (7-11% more)', () => {
    const runs = mlperfRuns();
    const byName = Object.fromEntries(runs.map((r) => [r.name, r]));
    expect(byName['MLPerf v3.0, 768 GPUs']!.timeToTrainStepS).toBeCloseTo((45.61 * 60) / 200, 9);
    expect(byName['MLPerf v4.0, 11,616 GPUs']!.timeToTrainStepS).toBeCloseTo((3.44 * 60) / 207, 9);
    for (const r of runs) {
      const evaluations = r.timeToTrainStepS! / r.publishedStepS - 1;
      expect(evaluations).toBeGreaterThan(0.07);
      expect(evaluations).toBeLessThan(0.16);
    }
  });
});
