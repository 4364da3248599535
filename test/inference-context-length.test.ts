// A served model's context window (`model.context_length`, vLLM's max_model_len): a request whose
// prompt + output exceeded it was served as if it could be. Now, as vLLM does (v1
// InputProcessor._validate_model_input: a prompt must leave room for one output token, tests/v1/e2e/
// test_context_length.py; v1/core/sched/utils.py check_stop: FINISHED_LENGTH_CAPPED once prompt +
// output reach max_model_len): a prompt of context_length tokens or more is rejected on arrival and
// counted in requests_rejected; a longer answer is cut at the window and counted in requests_capped.
// Fixed lengths that exceed it are refused before running; trace rows that do are warned with their line.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { simulate } from '../src/sim/simulation.js';
import type { RequestRow } from '../src/sim/inference/service-rows.js';
import { SERVICE_COLUMNS } from '../src/sim/inference/service-rows.js';

const scenario = (stream: string, context = 'context_length: 4096'): string => `name: ctx
seed: 3
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128, ${context} }
    replicas: { count: 2, device: H100, datacentre: dc }
    max_batch: 32
    streams:
      - ${stream}
`;

const problems = (text: string, read?: () => string): string[] => {
  try {
    const r = loadScenario(text, 'dir/ctx.yaml', read ? { readFile: read, baseDir: 'dir' } : {});
    return r.warnings.map((w) => `warning ${w.path}: ${w.message}`);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
};

describe("a model's context length", () => {
  it('refuses fixed lengths that exceed it, at the field that does', () => {
    expect(problems(scenario('{ arrival: { process: poisson, rate: 1/s }, prompt_tokens: 3000, output_tokens: 2000, count: 10 }'))).toEqual([
      "services[0].streams[0].output_tokens: every request has 3000 prompt + 2000 output tokens, more than the model's context_length of 4096: a serving engine would cut every answer at 1096 tokens (vLLM's max_model_len); lower the token counts or raise context_length",
    ]);
    expect(problems(scenario('{ arrival: { process: poisson, rate: 1/s }, prompt_tokens: 4096, output_tokens: 10, count: 10 }'))).toEqual([
      "services[0].streams[0].prompt_tokens: every request's prompt of 4096 tokens leaves no room for an output token in the model's context_length of 4096: a serving engine would reject every one (vLLM's max_model_len); lower prompt_tokens or raise context_length",
    ]);
    expect(problems(scenario('{ arrival: { process: poisson, rate: 1/s }, prompt_tokens: 3000, output_tokens: 1096, count: 10 }'))).toEqual([]);
  });

  it('rejects a prompt that fills it and cuts an answer at it, counting both', () => {
    const rows: RequestRow[] = [];
    const text = scenario('{ arrival: { process: poisson, rate: 2/s }, prompt_tokens: { distribution: uniform, min: 1000, max: 6000 }, output_tokens: 500, count: 300 }');
    const r = simulate(loadScenario(text, 'ctx.yaml'), { requestSink: (row) => void rows.push(row) });
    const svc = r.services[0]!;
    expect(svc.requests_unfinished).toBe(0);
    // Independent count from the rows: every served request fits the window, and those whose
    // prompt left fewer than 500 tokens of it were cut to exactly what was left.
    for (const row of rows) expect(row.prompt_tokens + row.output_tokens).toBeLessThanOrEqual(4096);
    const cut = rows.filter((row) => row.output_tokens < 500);
    for (const row of cut) expect(row.output_tokens).toBe(4096 - row.prompt_tokens);
    expect(svc.requests_capped).toBe(cut.length);
    expect(svc.requests + svc.requests_rejected).toBe(300);
    // Uniform prompts over [1000, 6000]: about 38% reach 4096 (rejected), 10% in (3596, 4096) are cut.
    expect(svc.requests_rejected).toBeGreaterThan(0.38 * 300 - 30);
    expect(svc.requests_rejected).toBeLessThan(0.38 * 300 + 30);
    expect(cut.length).toBeGreaterThan(10);
    expect(SERVICE_COLUMNS).toContain('requests_capped');
    // Without a context length, nothing is rejected or cut.
    const free = simulate(loadScenario(scenario('{ arrival: { process: poisson, rate: 2/s }, prompt_tokens: { distribution: uniform, min: 1000, max: 6000 }, output_tokens: 500, count: 300 }', 'precision_bytes: 2'), 'ctx.yaml')).services[0]!;
    expect([free.requests, free.requests_rejected, free.requests_capped]).toEqual([300, 0, 0]);
  });

  // Token counts drawn from distributions that sometimes exceed the window ran with no word before
  // the run of how many requests it would turn away or cut (fixed lengths are refused, trace rows warned).
  it('warns before the run of the expected share of drawn requests it rejects and cuts', () => {
    // Uniform prompts over [1000, 6000], rounded: (6000 - 4095.5) / 5000 = 38% reach 4096; those
    // in [3596.5, 4095.5) leave under 500 tokens: 499 / 5000 = 10% cut.
    expect(problems(scenario('{ arrival: { process: poisson, rate: 2/s }, prompt_tokens: { distribution: uniform, min: 1000, max: 6000 }, output_tokens: 500, count: 300 }'))).toEqual([
      "warning services[0].streams[0]: an expected 38% of the requests this stream draws have a prompt of context_length (4096) tokens or more: each is rejected on arrival, counted in requests_rejected and as an SLO miss; 10% more ask for more output than the window leaves: their answers are cut at the window, counted in requests_capped",
    ]);
    // Prompt 4000 with output 500 of four equally likely pairs: 25% cut, none rejected.
    expect(problems(scenario('{ arrival: { process: poisson, rate: 2/s }, prompt_tokens: { distribution: empirical, values: [1000, 4000] }, output_tokens: { distribution: empirical, values: [50, 500] }, count: 300 }'))).toEqual([
      "warning services[0].streams[0]: an expected 25% of the requests this stream draws ask for more output than the window leaves (context_length 4096): their answers are cut at the window, counted in requests_capped",
    ]);
    // Draws that always fit say nothing.
    expect(problems(scenario('{ arrival: { process: poisson, rate: 2/s }, prompt_tokens: { distribution: uniform, min: 100, max: 3000 }, output_tokens: { distribution: uniform, min: 1, max: 1096 }, count: 300 }'))).toEqual([]);
  });

  it('warns of trace rows beyond it, with how many and the first one\'s line', () => {
    const csv = 'timestamp,prompt_tokens,output_tokens\n0,1000,100\n1,4000,500\n2,5000,10\n3,4096,1\n4,4095,1\n';
    expect(problems(scenario('{ arrival: { process: trace, file: reqs.csv } }'), () => csv)).toEqual([
      "warning services[0].streams[0].arrival.file: 2 of the 5 requests this stream sends have a prompt of context_length (4096) tokens or more, the first at reqs.csv:4 (5000 tokens): each is rejected on arrival, counted in requests_rejected and as an SLO miss; 1 more asks for more output than the window leaves, the first at reqs.csv:3 (4000 prompt + 500 output tokens): its answer is cut at the window, counted in requests_capped",
    ]);
  });

  // '128K' read by the count suffixes was 128,000 tokens, where Llama 3.1's config says 131,072.
  it("is a plain whole number: '128K' (128,000 or 131,072?) and 4096.5 are refused", () => {
    const at = (v: string): string[] => problems(scenario('{ arrival: { process: poisson, rate: 1/s }, prompt_tokens: 100, output_tokens: 10, count: 10 }', `context_length: ${v}`));
    expect(at('128K')).toEqual(["services[0].model.context_length: expected a number, got '128K'"]);
    expect(at('4096.5')).toEqual(['services[0].model.context_length: expected an integer, got 4096.5']);
    expect(at('131072')).toEqual([]);
  });
});
