// Which peak a serving replica's GEMMs reach: FP8 only where the kind has FP8 tensor cores (or
// where the scenario says so), INT8 only when asked, 16-bit for weight-only quantisation.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { runToCsv } from './helpers.js';

function scenario(device: string, model: string): string {
  return `name: cp
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: ${device}, devices_per_node: 8 }]
services:
  - name: s
    model: { params: 8B, ${model} }
    replicas: { count: 1, device: ${device}, datacentre: dc }
    streams:
      - arrival: { process: poisson, rate: 1/s }
        prompt_tokens: 100
        output_tokens: 10
        count: 10
`;
}
const peak = (device: string, model: string): number => loadScenario(scenario(device, model), 'cp.yaml').services[0]!.hardware.peakFlops;

describe('model.compute_precision', () => {
  it('one-byte weights run FP8 GEMMs on a kind with FP8 tensor cores', () => {
    expect(peak('H100', 'precision_bytes: 1')).toBe(1979e12);
    expect(peak('H100', 'precision_bytes: 1, compute_precision: fp8')).toBe(1979e12);
  });

  it('one-byte weights on a kind without FP8 are dequantised into 16-bit GEMMs, not run at its INT8 peak', () => {
    // Before: A100 took its 624 TOPS INT8 peak for FP8 weights, halving every prefill.
    expect(peak('A100', 'precision_bytes: 1')).toBe(312e12);
    expect(peak('A100', 'precision_bytes: 1, compute_precision: int8')).toBe(624e12);
  });

  it('sub-byte weights (AWQ, GPTQ: W4A16) run 16-bit GEMMs', () => {
    expect(peak('H100', 'precision_bytes: 0.5')).toBe(989e12);
    expect(peak('H100', 'precision_bytes: 1, compute_precision: bf16')).toBe(989e12);
    expect(peak('H100', '')).toBe(989e12);
  });

  it('refuses an 8-bit precision the kind lists no peak for, at the field', () => {
    expect(() => peak('A100', 'precision_bytes: 1, compute_precision: fp8')).toThrow(/services\[0\]\.model\.compute_precision.*'A100' lists no fp8 peak \(it has int8\)/s);
    expect(() => peak('V100', 'compute_precision: int8')).toThrow(/'V100' lists no int8 peak \(it has no 8-bit tensor-core peak\)/);
  });
});

describe("an 8-bit service's devices in the pool's effective compute ratio", () => {
  it('count their FP8 peak while its replica holds them, as its own and the allocated ratio do; every other device its 16-bit peak', () => {
    // 16 H100 (989 TFLOPS bf16, 1,979 fp8); one one-device FP8 replica, the only device held.
    const s = runToCsv(loadScenario(scenario('H100', 'precision_bytes: 1'), 'cp.yaml')).summary;
    const useful = s.useful_pflop * 1e15;
    const heldS = s.busy_device_hours * 3600;
    const endS = heldS / (16 * s.utilisation);
    expect(useful).toBeGreaterThan(0);
    expect(s.effective_compute_ratio_allocated).toBeCloseTo(useful / (1979e12 * heldS), 12);
    expect(s.effective_compute_ratio_pool).toBeCloseTo(useful / (16 * 989e12 * endS + (1979e12 - 989e12) * heldS), 12);
  });

  it('disaggregated: FP8 prefill and decode replicas holding the whole pool give the pool the allocated ratio (it read half)', () => {
    const text = `name: cp-disaggregated
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
services:
  - name: s
    model: { params: 8B, precision_bytes: 1 }
    prefill: { count: 1, tensor_parallel: 8, device: H100, datacentre: dc }
    decode: { count: 1, tensor_parallel: 8, device: H100, datacentre: dc }
    streams:
      - arrival: { process: poisson, rate: 2/s }
        prompt_tokens: 1000
        output_tokens: 20
        count: 50
`;
    const s = runToCsv(loadScenario(text, 'cp.yaml')).summary;
    expect(s.utilisation).toBeCloseTo(1, 12);
    expect(s.effective_compute_ratio_allocated).toBeGreaterThan(0);
    expect(s.effective_compute_ratio_pool).toBeCloseTo(s.effective_compute_ratio_allocated, 12);
  });
});
