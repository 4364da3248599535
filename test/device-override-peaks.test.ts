// A kind's `peak` and its default precision's `peak_by_precision` entry are one figure: training
// reads the first, a service with `compute_precision` the second. An override of either moves both;
// a kind giving them apart is refused at the field written.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (devices: string, computePrecision = ''): string => `name: peaks
horizon: 10min
devices: ${devices}
datacentres:
  - name: east
    node_groups: [{ name: h, count: 2, device: H100 }]
workloads:
  - jobs: [{ name: j, devices: 8, params: 1B, tokens: 1B }]
services:
  - name: chat
    model: { params: 8B${computePrecision} }
    replicas: { count: 1, device: H100, datacentre: east }
    streams: [{ name: s, arrival: { process: poisson, rate: 5/s }, prompt_tokens: 1000, output_tokens: 50 }]
`;

const kindOf = (text: string) => scenarioFromText(text).shape.kinds.find((k) => k.name === 'H100')!.spec;
const outputs = (text: string): string => {
  const r = runToCsv(scenarioFromText(text));
  return r.summaryCsv + r.jobsCsv + JSON.stringify(r.services ?? null);
};
const problems = (text: string): string => {
  try {
    scenarioFromText(text, 'bad.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
};

describe("a kind's peak and its peak_by_precision", () => {
  it('an overridden peak moves the 16-bit entries that restated it, not fp8', () => {
    const spec = kindOf(scenario('{ H100: { peak: 500TFLOPS } }'));
    expect(spec.peak).toBe(500e12);
    expect(spec.peak_by_precision).toMatchObject({ bf16: 500e12, fp16: 500e12, fp8: 1979e12, int8: 1979e12 });
  });

  it('serving at compute_precision bf16 (the default) gives the same bytes as not saying it, under an overridden peak', () => {
    const devices = '{ H100: { peak: 500TFLOPS } }';
    expect(outputs(scenario(devices, ', compute_precision: bf16'))).toBe(outputs(scenario(devices)));
  });

  it('an overridden bf16 entry moves peak, and keeps the kind\'s other entries', () => {
    const spec = kindOf(scenario('{ H100: { peak_by_precision: { bf16: 500TFLOPS } } }'));
    expect(spec.peak).toBe(500e12);
    expect(spec.peak_by_precision).toMatchObject({ bf16: 500e12, fp16: 989e12, fp8: 1979e12 });
    expect(outputs(scenario('{ H100: { peak_by_precision: { bf16: 500TFLOPS } } }'))).toBe(outputs(scenario('{ H100: { peak: 500TFLOPS, peak_by_precision: { fp16: 989TFLOPS } } }')));
  });

  it('a peak and a bf16 entry written apart are refused at the entry, with what was expected', () => {
    expect(problems(scenario('{ H100: { peak: 989TFLOPS, peak_by_precision: { bf16: 1979TFLOPS } } }'))).toMatch(
      /^bad\.yaml:3:\d+: devices\.H100\.peak_by_precision\.bf16: `peak` \(989 TFLOP\/s\) and `peak_by_precision\.bf16` \(1979 TFLOP\/s\) differ/,
    );
    const newKind = `{ X1: { peak: 1000TFLOPS, peak_by_precision: { bf16: 2000TFLOPS, fp8: 4000TFLOPS }, memory: 96GiB, memory_bandwidth: 4TB/s, busy_power: 700W, idle_power: 80W, efficiency: 0.5, interconnect: { name: link, bandwidth: 400GB/s, latency: 2us } } }`;
    expect(problems(scenario(newKind))).toMatch(/devices\.X1\.peak_by_precision\.bf16: `peak` \(1000 TFLOP\/s\) and `peak_by_precision\.bf16` \(2000 TFLOP\/s\) differ/);
  });
});
