// Request trace rows that the run cannot serve as read, checked where they are read so that the
// message names the file and line: a request arriving after the century a run without a horizon
// may last (the run stopped there as one that 'would never finish', naming no row), and requests
// whose KV cache no replica holds (rejected on arrival without a word about why).
import { describe, expect, it } from 'vitest';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { simulate } from '../src/sim/simulation.js';
import { toyScenario, type ToyOptions } from './inference-helpers.js';

function load(csv: string, o: ToyOptions = {}): ResolvedScenario {
  const text = toyScenario({ arrival: '{ process: trace, file: reqs.csv }', count: 1_000_000, ...o });
  return loadScenario(text, 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' });
}

function problems(csv: string, o: ToyOptions = {}): string[] {
  try {
    load(csv, o);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

describe('a request trace row beyond what a run without a horizon may last', () => {
  const csv = 'timestamp,prompt_tokens,output_tokens\n0,100,10\n6e9,100,10\n5e9,100,10\n1,100,10\n';

  it('is refused at its file and line, with how many rows are so', () => {
    expect(problems(csv)).toEqual([
      'services[0].streams[0].arrival.file: reqs.csv:4: this request would arrive at about 159 years (2 rows so); a run without a horizon stops after 100 years of simulated time: correct the row, end the stream earlier (`count`, `until`), or set a horizon',
    ]);
  });

  it('is not sent, so not refused, with a horizon, an until or a count before it', () => {
    expect(problems(csv, { extraService: '', extraStream: '        until: 1h\n' })).toEqual([]);
    expect(problems(csv, { count: 2 })).toEqual([]);
    const text = `horizon: 1h\n${toyScenario({ arrival: '{ process: trace, file: reqs.csv }', count: 1_000_000 })}`;
    expect(() => loadScenario(text, 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' })).not.toThrow();
  });
});

describe('request trace rows longer than a replica holds', () => {
  // 1000 GB of memory, 2 GB of weights and 1 MB of KV per token: 998,000 tokens.
  const csv = 'timestamp,prompt_tokens,output_tokens\n0,100,10\n1,2000000,10\n2,100,10\n3,997995,10\n';

  it('are said when the scenario loads, with how many and the first one\'s line, as the run rejects them', () => {
    const r = load(csv, { kvBytesPerToken: 1e6 });
    expect(r.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "services[0].streams[0].arrival.file: 2 of the 4 requests this stream sends cannot fit a replica's KV cache (first at reqs.csv:3: 2000000 prompt + 10 output tokens, more than the replica's KV cache of 998000): each is rejected on arrival, counted in requests_rejected and as an SLO miss; raise tensor_parallel to serve them",
    ]);
    const out = simulate(r, {});
    expect(out.services[0]!.requests_rejected).toBe(2);
  });
});

// A stray early row (a 0 among epoch seconds) is the trace's origin: with a 1 h horizon the run
// replayed that one request of 301 and printed its figures with no word of the other 300.
describe('trace rows after the horizon or until', () => {
  const csv = `timestamp,prompt_tokens,output_tokens\n0,100,10\n${Array.from({ length: 300 }, (_, i) => `${1_700_000_000 + 10 * i},100,10`).join('\n')}\n`;

  it('are counted in a warning with the first one\'s line and time, and how many are sent', () => {
    const text = `horizon: 1h\n${toyScenario({ arrival: '{ process: trace, file: reqs.csv }', count: 1_000_000 })}`;
    const r = loadScenario(text, 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' });
    expect(r.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "services[0].streams[0].arrival.file: 300 of the trace's 301 requests arrive after the horizon (60min) and are not sent, the first at reqs.csv:3 (19700d into the run); 1 is sent before it",
    ]);
    expect(load(csv, { extraStream: '        until: 10d\n' }).warnings.map((w) => w.message)[0]).toMatch(/^300 of the trace's 301 requests arrive after `until` \(10d\) and are not sent/);
  });

  it('say nothing when a count stops the stream first, or every row is sent', () => {
    const text = `horizon: 1h\n${toyScenario({ arrival: '{ process: trace, file: reqs.csv }', count: 1 })}`;
    expect(loadScenario(text, 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' }).warnings).toEqual([]);
    expect(load('timestamp,prompt_tokens,output_tokens\n0,100,10\n5,100,10\n', { extraStream: '        until: 6s\n' }).warnings).toEqual([]);
    // A stream starting after the horizon is warned about at its start, once.
    const late = `horizon: 1h\n${toyScenario({ arrival: '{ process: trace, file: reqs.csv }', count: 1_000_000, extraStream: '        start: 2h\n' })}`;
    expect(loadScenario(late, 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' }).warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'services[0].streams[0].start: start (2h) is not before the horizon (60min): this stream sends no request',
    ]);
  });
});
