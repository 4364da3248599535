// A replica's weight GEMMs timed by the training side's operator model (gemm.ts): the shapes a
// service's model gives carry its 2 x params FLOPs a token, prompt-sized iterations run at the GEMM
// model's shape-dependent efficiency, decode below a tile's rows is not padded to it, a replica with
// its own `efficiency` keeps the uniform model, and a disaggregated prefill replica's balancing
// weight is its prefill time, attention included.
import { describe, expect, it } from 'vitest';
import { gemmComputeS, KERNEL_OVERHEAD_S, SMALLEST_TILE_SIDE } from '../src/model/gemm.js';
import { atPace, causalPairs, computeS, decodeStepS, prefillS } from '../src/model/inference/replica-model.js';
import { servingGemmShape } from '../src/model/inference/serving-shape.js';
import { DisaggregatedService } from '../src/sim/inference/disaggregated-service.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';
import { oneReplicaService, serviceTiming } from './one-replica-service.js';

const service = (device: string, tp: number, model: string, extra = ''): string => oneReplicaService('gemm', device, tp, model, extra);
const LLAMA70 = '{ params: 69B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }';
const timingOf = (text: string) => serviceTiming(text, 'gemm.yaml');

describe('a replica timed GEMM by GEMM', () => {
  it("the GEMM shapes hold the model's params: 2 x params FLOPs a token, as before, over the tensor-parallel ranks", () => {
    for (const [p, l, h, kvw, tp] of [[69e9, 80, 8192, 1024, 4], [6.74e9, 32, 4096, 4096, 1], [8.03e9, 32, 4096, 1024, 2]] as const) {
      const s = servingGemmShape(p, l, h, tp, kvw);
      const weights = tp * (s.layers * s.layer.reduce((a, [n, k]) => a + n * k, 0) + s.output[0] * s.output[1]);
      expect(weights / p).toBeCloseTo(1, 9);
    }
  });

  it('a prompt-sized iteration is the sum of its GEMMs at the GEMM model, not 2P over one efficiency', () => {
    const t = timingOf(service('A100-80GB', 4, LLAMA70));
    const g = t.gemms!.model;
    const at = (m: number): number => g.shape.layers * g.shape.layer.reduce((a, [n, k]) => a + gemmComputeS(m, n, k, 1, 2, g.device) + KERNEL_OVERHEAD_S, 0) + gemmComputeS(m, g.shape.output[0], g.shape.output[1], 1, 2, g.device) + KERNEL_OVERHEAD_S;
    expect(computeS(t, 128)).toBeCloseTo(at(128), 12);
    expect(computeS(t, 2048)).toBeCloseTo(at(2048), 12);
    // 128 rows on 108 SMs: the tiles fill under half a wave, so 128 tokens cost 45% more than 2P at the kind's 0.62.
    expect(computeS(t, 128) / (t.computeSPerToken * 128)).toBeGreaterThan(1.4);
    // Pinned: TensorRT-LLM measured 47 ms for this prefill (docs/calibration.md); 2P over one efficiency gave 31.6 ms.
    expect(prefillS(t, 128, causalPairs(128, 0)) * 1e3).toBeCloseTo(45.626, 2);
  });

  it('decode below a tile of rows is not padded to it: the time per row of the smallest tile, and a 70B step stays its weight read', () => {
    const t = timingOf(service('H100', 2, LLAMA70.replace(' }', ', precision_bytes: 1 }')));
    const overheads = (t.gemms!.model.shape.layers * t.gemms!.model.shape.layer.length + 1) * KERNEL_OVERHEAD_S;
    const perRow = (computeS(t, SMALLEST_TILE_SIDE) - overheads) / SMALLEST_TILE_SIDE;
    for (const b of [1, 8, 32]) expect(computeS(t, b)).toBeCloseTo(overheads + b * perRow, 12);
    // Padded to 64 rows one sequence's step would charge 9.6 ms of GEMMs against a 13.2 ms read.
    expect(decodeStepS(t, 1, 2500)).toBeCloseTo(t.weightReadS + 2500 * t.kvReadSPerToken + t.fixedS + t.perTokenCommS, 12);
    expect(computeS(t, 1)).toBeLessThan(0.15 * t.weightReadS);
  });

  it('a straggler slows the GEMMs with the rest of its kernels', () => {
    const t = timingOf(service('H100', 1, '{ params: 8B, layers: 32, hidden_size: 4096 }'));
    expect(computeS(atPace(t, 0.5), 512)).toBeCloseTo(2 * computeS(t, 512), 12);
  });

  it("a replica's own efficiency, or a kind without a GEMM model, keeps 2 x params FLOPs at peak x efficiency", () => {
    const t = timingOf(service('A100-80GB', 1, '{ params: 6.74B, layers: 32, hidden_size: 4096 }', ', efficiency: 0.5'));
    expect(t.gemms).toBeUndefined();
    expect(computeS(t, 128)).toBeCloseTo((2 * 6.74e9 * 128) / (312e12 * 0.5), 12);
  });
});

describe("a disaggregated prefill replica's balancing weight", () => {
  it('is the prompt tokens a second of its prefill, attention and per-iteration overhead included (was 1 / (2P FLOPs a token + its all-reduce), neither)', () => {
    const text = `name: split
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
services:
  - name: s
    model: ${LLAMA70}
    prefill: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }
    decode: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }
    streams:
      - arrival: { process: poisson, rate: 1/s }
        count: 1
`;
    let svc: DisaggregatedService | undefined;
    simulate(scenarioFromText(text, 'split.yaml'), { observe: (s) => void (svc = s.inference!.services[0] as DisaggregatedService) });
    const r = svc!.prefillReplicas[0]!;
    const t = r.timing;
    expect(r.capacityTokensPerS).toBeCloseTo(1024 / prefillS(t, 1024, causalPairs(1024, 0)), 6);
    // What it was: 1 / (computeSPerToken + perTokenCommS), 6.5% above what this replica prefills (5.7% with attention at the GEMMs' rate); the
    // weights only rank replicas of one pool, so the error showed where the overhead, the all-reduces
    // and the kernels' share differ between them (a straggler's kernels slow, its overhead not).
    expect(1 / (t.computeSPerToken + t.perTokenCommS) / r.capacityTokensPerS).toBeCloseTo(1.065, 3);
  });
});
