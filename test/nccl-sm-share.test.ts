// The SMs NCCL's kernels hold while a hidden collective runs (nccl-sm-share.ts): hand numbers for
// the share and the CTA counts, the caps a layout states, the charge in the step, and that it never
// shortens a step.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ctasOf, ncclSmShareS, ncclSmsOf, smShare, type HiddenCollectives, type NcclSms } from '../src/model/nccl-sm-share.js';
import { stepTime, type StepTimeInput } from '../src/model/step-time.js';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { DEFAULT_COMPUTE_UNITS } from '../src/model/layer-compute.js';
import { defaultShape, validateLayout } from '../src/model/training-layout.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { scenarioFromText } from './helpers.js';

const GB = 1e9;
const H100: NcclSms = { sms: 132, intraCtas: 32, interCtas: 16 };
const NOTHING: HiddenCollectives = { tpS: 0, ppS: 0, dpS: 0, epS: 0, cpS: 0, tpIntra: true, ppIntra: false, dpIntra: false, epIntra: false, cpIntra: false };

describe('share and CTA counts', () => {
  it('n / (SMs - n): 16 of an H100\'s 132 SMs cost 16/116 of the compute beside them; none cost nothing', () => {
    expect(smShare(16, 132)).toBeCloseTo(16 / 116, 15);
    expect(smShare(32, 132)).toBeCloseTo(0.32, 15);
    expect(smShare(0, 132)).toBe(0);
  });
  it('NCCL runs 2 CTAs per NVLink link (at most 32) in a node, 2 per NIC across nodes', () => {
    const nccl = (kind: string, nics: number): NcclSms | undefined => ncclSmsOf(DEVICE_CATALOGUE[kind]!, nics, DEFAULT_COMPUTE_UNITS);
    // H100: 18 links -> 36, capped at 32; 8 NICs -> 16 (nccl#689's DGX).
    expect(nccl('H100', 8)).toEqual({ sms: 132, intraCtas: 32, interCtas: 16 });
    // A100: 12 links -> 24 (nccl-tests#100); H800: 8 links -> 16 (nccl#892).
    expect(nccl('A100-80GB', 8)).toEqual({ sms: 108, intraCtas: 24, interCtas: 16 });
    expect(nccl('H800', 8)?.intraCtas).toBe(16);
    // One NIC: 2 (nccl#689's PCIe system); a PCIe node's ring: 2.
    expect(nccl('T4', 1)).toEqual({ sms: 40, intraCtas: 2, interCtas: 2 });
    // 32 NICs (AWS p5) still 32 channels at most.
    expect(nccl('H100', 32)?.interCtas).toBe(32);
  });
  it('kinds that do not run NCCL are charged nothing; a kind on NVLink runs it whatever its vendor field says', () => {
    expect(ncclSmsOf(DEVICE_CATALOGUE['TPUv5p']!, 4, DEFAULT_COMPUTE_UNITS)).toBeUndefined();
    expect(ncclSmsOf(DEVICE_CATALOGUE['MI300X']!, 8, DEFAULT_COMPUTE_UNITS)).toBeUndefined();
    expect(ncclSmsOf(DEVICE_CATALOGUE['Ascend910B']!, 8, DEFAULT_COMPUTE_UNITS)).toBeUndefined();
    expect(ncclSmsOf({ ...DEVICE_CATALOGUE['H100']!, vendor: '' }, 8, DEFAULT_COMPUTE_UNITS)).toEqual(H100);
    // A custom NVLink interconnect is counted by its bandwidth at 25 GB/s a link: 300 GB/s -> 12 links -> 24.
    expect(ncclSmsOf({ vendor: 'x', compute_units: 100, interconnect: { name: 'my-nvlink', bandwidth: 300 * GB } }, 8, DEFAULT_COMPUTE_UNITS)?.intraCtas).toBe(24);
    // No compute_units: the compute model's default.
    expect(ncclSmsOf({ vendor: 'NVIDIA', interconnect: { name: 'PCIe4', bandwidth: 31.5 * GB } }, 1, DEFAULT_COMPUTE_UNITS)?.sms).toBe(DEFAULT_COMPUTE_UNITS);
  });
  it("a layout's cap lowers a path's CTAs and never raises them", () => {
    expect(ctasOf(H100, false, 8)).toBe(8);
    expect(ctasOf(H100, true, undefined)).toBe(32);
    expect(ctasOf(H100, false, 64)).toBe(16);
  });
});

describe('the caps as layout fields', () => {
  it('say they change nothing where there is no group for them to cap', () => {
    const lone = validateLayout({ tp: 8, pp: 1, dp: 1, microBatches: 8, dpMaxCtas: 8, ppMaxCtas: 2 }, 8, 8);
    expect(lone.problems).toEqual([]);
    expect(lone.notes.some((n) => n.startsWith('dp_max_ctas has no effect with dp = 1'))).toBe(true);
    expect(lone.notes.some((n) => n.startsWith('pp_max_ctas has no effect with pp = 1'))).toBe(true);
    const used = validateLayout({ tp: 8, pp: 2, dp: 2, microBatches: 8, dpMaxCtas: 8, ppMaxCtas: 2 }, 32, 8);
    expect(used.notes.some((n) => n.includes('_max_ctas'))).toBe(false);
  });
});

describe('charge per step', () => {
  it('0 when nothing is hidden, and 0 for a kind that runs no NCCL', () => {
    expect(ncclSmShareS(H100, NOTHING, {})).toBe(0);
    expect(ncclSmShareS(undefined, { ...NOTHING, dpS: 1 }, {})).toBe(0);
  });
  it('hidden time x n / (SMs - n), n the path\'s CTAs, summed over the groups', () => {
    expect(ncclSmShareS(H100, { ...NOTHING, dpS: 2 }, {})).toBeCloseTo((2 * 16) / 116, 15);
    expect(ncclSmShareS(H100, { ...NOTHING, dpS: 2, dpIntra: true }, {})).toBeCloseTo(2 * 0.32, 15);
    expect(ncclSmShareS(H100, { ...NOTHING, dpS: 1, ppS: 0.5, epS: 0.25, tpS: 0.1 }, {})).toBeCloseTo((1.75 * 16) / 116 + 0.1 * 0.32, 15);
  });
  it('dp_max_ctas and pp_max_ctas cap their own groups only (MLPerf GPT-3: 8 and 2)', () => {
    const hidden = { ...NOTHING, dpS: 1, ppS: 1, epS: 1 };
    expect(ncclSmShareS(H100, hidden, { dpMaxCtas: 8, ppMaxCtas: 2 })).toBeCloseTo(8 / 124 + 2 / 130 + 16 / 116, 15);
    expect(ncclSmShareS(H100, hidden, { dpMaxCtas: 8 })).toBeLessThan(ncclSmShareS(H100, hidden, {}));
  });
  it('falls as the device has more SMs for the same CTAs', () => {
    const hidden = { ...NOTHING, dpS: 1, ppS: 0.3 };
    const charges = [80, 108, 132, 148].map((sms) => ncclSmShareS({ ...H100, sms }, hidden, {}));
    for (let i = 1; i < charges.length; i++) expect(charges[i]!).toBeLessThan(charges[i - 1]!);
  });
});

/** A 70B job over 32 nodes of 8: tp 8 inside a node, pipeline and data parallelism across nodes. */
function job(): StepTimeInput {
  const shape = { ...defaultShape(70e9), globalBatchTokens: 4_194_304 };
  return {
    shape,
    layout: { tp: 8, pp: 4, dp: 8, microBatches: shape.globalBatchTokens / shape.seqLen / 8 },
    peakFlopsPerDevice: 989e12,
    kernelEfficiency: 0.55,
    tp: { bandwidthBytesPerS: 364 * GB, latencyS: 1e-6, scaleOut: false },
    pp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 },
    dp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 },
  };
}

describe('in the step', () => {
  it("charges the hidden pipeline and data-parallel time at the fabric's 16 CTAs, in exposed communication, and nothing else moves", () => {
    const base = job();
    const off = stepTime(base);
    const on = stepTime({ ...base, nccl: H100 });
    const hidden = off.ppCommS - off.ppExposedS + off.dpCommS - off.dpExposedS;
    expect(hidden).toBeGreaterThan(0);
    expect(on.ncclSmShareS).toBeCloseTo((hidden * 16) / 116, 12);
    expect(off.ncclSmShareS).toBe(0);
    expect(on.stepS - off.stepS).toBeCloseTo(on.ncclSmShareS, 12);
    expect(on.exposedCommS - off.exposedCommS).toBeCloseTo(on.ncclSmShareS, 12);
    expect(on.stepS).toBeCloseTo(on.computeS + on.exposedCommS + on.bubbleS, 12);
    expect(on.computeS).toBe(off.computeS);
    expect(on.dpExposedS).toBe(off.dpExposedS);
  });
  it('the caps a layout states lower the charge', () => {
    const base = job();
    const plain = stepTime({ ...base, nccl: H100 });
    const capped = stepTime({ ...base, layout: { ...base.layout, dpMaxCtas: 8, ppMaxCtas: 2 }, nccl: H100 });
    const off = stepTime(base);
    expect(capped.ncclSmShareS).toBeCloseTo(((off.ppCommS - off.ppExposedS) * 2) / 130 + ((off.dpCommS - off.dpExposedS) * 8) / 124, 12);
    expect(capped.ncclSmShareS).toBeLessThan(plain.ncclSmShareS);
  });
  it("a plain overlap fraction's hidden tensor-parallel collectives are charged; a tp_overlap mode's are not (tp-overlap.ts charges its SMs)", () => {
    const base = { ...job(), shape: { ...job().shape, sequenceParallel: true } };
    const off = stepTime({ ...base, overlap: { tp: 0.5 } });
    const on = stepTime({ ...base, overlap: { tp: 0.5 }, nccl: H100 });
    const tpHidden = off.tpCommS - off.tpExposedS;
    expect(tpHidden).toBeGreaterThan(0);
    const rest = off.ppCommS - off.ppExposedS + off.dpCommS - off.dpExposedS;
    expect(on.ncclSmShareS).toBeCloseTo(tpHidden * 0.32 + (rest * 16) / 116, 12);
    const ub = { ...base, layout: { ...base.layout, tpOverlap: 'ring-exchange' as const } };
    const ubOff = stepTime(ub);
    const ubOn = stepTime({ ...ub, nccl: H100 });
    expect(ubOn.ncclSmShareS).toBeCloseTo(((ubOff.ppCommS - ubOff.ppExposedS + ubOff.dpCommS - ubOff.dpExposedS) * 16) / 116, 12);
  });
  it('0 when nothing is hidden (dp_overlap and pp_overlap 0)', () => {
    const base = job();
    const r = stepTime({ ...base, layout: { ...base.layout, dpOverlap: 0, ppOverlap: 0 }, nccl: H100 });
    expect(r.ncclSmShareS).toBe(0);
  });
  it('never shortens a step (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 400, noNaN: true }),
        fc.integer({ min: 20, max: 200 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 32 }),
        fc.boolean(),
        (dpOverlap, ppOverlap, gbps, sms, intraCtas, interCtas, zero3) => {
          const base = job();
          const input: StepTimeInput = {
            ...base,
            layout: { ...base.layout, dpOverlap, ppOverlap, ...(zero3 ? { shardedDataParallel: true, zeroStage: 3 } : {}) },
            pp: { bandwidthBytesPerS: gbps * GB, latencyS: 5e-6 },
            dp: { bandwidthBytesPerS: gbps * GB, latencyS: 5e-6 },
          };
          const off = stepTime(input);
          const on = stepTime({ ...input, nccl: { sms: sms + 32, intraCtas, interCtas } });
          expect(on.ncclSmShareS).toBeGreaterThanOrEqual(0);
          expect(on.stepS).toBeGreaterThanOrEqual(off.stepS);
          expect(on.stepS - off.stepS).toBeCloseTo(on.ncclSmShareS, 9);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('poolsim explain', () => {
  const scenario = (device: string, nodes: number, layout: string): string => `name: smshare
seed: 1
datacentres:
  - name: dc
    nodes_per_leaf: 16
    node_groups:
      - { name: g, count: ${nodes}, device: ${device} }
workloads:
  - jobs:
      - name: j
        devices: ${nodes * 8}
        device_kinds: [${device}]
        params: 8B
        tokens: 100M
        model: { layers: 32, hidden_size: 4096, heads: 32, kv_heads: 8, ffn_size: 14336, gated_mlp: true, seq_len: 8192, global_batch: 1048576, attention: flash }
        layout: ${layout}
policy: fifo
placement: first-fit
`;
  it('shows the charge as a row of its own, in exposed communication, and the caps in the layout line', () => {
    const e = explainJob(scenarioFromText(scenario('H100', 4, '{ tp: 1, pp: 1, dp: 32, sharded: true }')), 'j');
    const s = e.step;
    expect(s.nccl_sm_share_s).toBeGreaterThan(0);
    expect(s.exposed_comm_s).toBeCloseTo(s.exposed_tp_s + s.exposed_pp_s + s.exposed_dp_s + s.exposed_cp_s + s.exposed_ep_s + s.nccl_sm_share_s, 12);
    expect(s.step_s).toBeCloseTo(s.compute_s + s.exposed_comm_s + s.bubble_s, 12);
    expect(explanationTable(e)).toMatch(/^ {2}SMs NCCL's hidden collectives take from compute +\d/m);
    const capped = explainJob(scenarioFromText(scenario('H100', 4, '{ tp: 1, pp: 1, dp: 32, sharded: true, dp_max_ctas: 8 }')), 'j');
    expect(capped.step.nccl_sm_share_s).toBeLessThan(s.nccl_sm_share_s);
    expect(capped.layout.dpMaxCtas).toBe(8);
    expect(explanationTable(capped)).toMatch(/data-parallel collectives on at most 8 CTAs/);
  });
  it('a cap that is not a whole number above 0 is refused at its line', () => {
    expect(() => scenarioFromText(scenario('H100', 4, '{ tp: 1, pp: 1, dp: 32, sharded: true, dp_max_ctas: 0 }'))).toThrow(/test\.yaml:16:\d+: workloads\[0\]\.jobs\[0\]\.layout\.dp_max_ctas: /);
    expect(() => scenarioFromText(scenario('H100', 4, '{ tp: 1, pp: 1, dp: 32, sharded: true, pp_max_ctas: 1.5 }'))).toThrow(/layout\.pp_max_ctas: /);
  });
  it('a kind that runs no NCCL has no charge and no row', () => {
    const e = explainJob(scenarioFromText(scenario('MI300X', 4, '{ tp: 1, pp: 1, dp: 32, sharded: true }')), 'j');
    expect(e.step.nccl_sm_share_s).toBe(0);
    expect(explanationTable(e)).not.toMatch(/SMs NCCL/);
  });
});
