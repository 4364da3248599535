// Request traces through a column mapping: the azure-llm format (ISO times with fractional seconds,
// ContextTokens, GeneratedTokens) on a synthetic fixture and on the bundled Azure traces, numeric
// times in other units, a given origin, renamed prefix columns, bad rows counted, and a mapping that
// names a column the header lacks refused at the mapping's field with the columns present.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { readInputFile } from '../src/scenario/read-input-file.js';
import { simulate } from '../src/sim/simulation.js';
import { repoPath } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

const FIXTURE = readFileSync(repoPath('test/fixtures/request-traces/synthetic-azure-llm.csv'), 'utf8');

/** The toy scenario with a trace stream reading `reqs.csv` (the text given) through `arrival` fields. */
function load(arrivalFields: string, csv: string = FIXTURE): ResolvedScenario {
  const text = toyScenario({ arrival: `{ process: trace, file: reqs.csv${arrivalFields ? `, ${arrivalFields}` : ''} }`, count: 1_000_000 });
  return loadScenario(text, 'dir/s.yaml', { readFile: (p: string) => (p === 'dir/reqs.csv' ? csv : readInputFile(p)), baseDir: 'dir' });
}

function problems(arrivalFields: string, csv?: string): string[] {
  try {
    load(arrivalFields, csv);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

const trace = (r: ResolvedScenario) => r.services[0]!.streams[0]!.trace!;
const warnings = (r: ResolvedScenario): string[] => r.warnings.map((w) => `${w.path}: ${w.message}`);

describe('request traces in the azure-llm format (synthetic fixture)', () => {
  it('reads ISO times with seven fractional digits relative to the first request, sorted, with their token counts', () => {
    const r = load('format: azure-llm');
    const t = trace(r);
    // 18:00:00, :00.25, :00.5 (line 5, out of order in the file), :01.1234567, 18:01:00.5.
    expect([...t.timeS].map((x) => Number(x.toFixed(7)))).toEqual([0, 0.25, 0.5, 1.1234567, 60.5]);
    expect([...t.promptTokens]).toEqual([1000, 250, 512, 4096, 2000]);
    expect([...t.outputTokens]).toEqual([100, 25, 64, 7, 200]);
    expect(t.rows).toBe(7);
    expect(warnings(r)).toEqual([
      'services[0].streams[0].arrival.file: 2 of 7 rows skipped: 2 rows with a bad TIMESTAMP or token count (first at reqs.csv:6: column TIMESTAMP: expected an ISO 8601 date and time, got "2023-11-16 25:00:00.0000000")',
      // Sorted for the replay, and said (test/request-trace-order.test.ts).
      "services[0].streams[0].arrival.file: 1 of 5 rows arrives before a row above it, the first at reqs.csv:5 (TIMESTAMP 2023-11-16 18:00:00.5000000, before line 4's 2023-11-16 18:00:01.1234567): the requests are replayed in time order; a trace out of order is often the wrong time column or files merged unsorted",
    ]);
  });

  it('replays them: the requests arrive at those times, from the stream start', () => {
    const rows: { arrival_s: number; prompt_tokens: number; output_tokens: number }[] = [];
    const text = toyScenario({ arrival: '{ process: trace, format: azure-llm, file: reqs.csv }', count: 100, extraStream: '        start: 10s\n' });
    simulate(loadScenario(text, 'dir/s.yaml', { readFile: () => FIXTURE, baseDir: 'dir' }), { requestSink: (x) => void rows.push(x) });
    expect(rows.map((x) => [Number(x.arrival_s.toFixed(6)), x.prompt_tokens, x.output_tokens]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [10, 1000, 100],
      [10.25, 250, 25],
      [10.5, 512, 64],
      [11.123457, 4096, 7],
      [70.5, 2000, 200],
    ]);
  });

  it('measures from a given origin instead, skipping and counting the rows before it', () => {
    const r = load("format: azure-llm, origin: '2023-11-16 18:00:00.5'");
    expect([...trace(r).timeS].map((x) => Number(x.toFixed(7)))).toEqual([0, 0.6234567, 60]);
    expect(warnings(r)[0]).toMatch(/4 of 7 rows skipped: 2 rows before the origin \(first at reqs.csv:2: TIMESTAMP "2023-11-16 18:00:00.0000000" is before the trace's origin\); 2 rows with a bad TIMESTAMP/);
    // An origin with a zone: 19:00:00+01:00 is 18:00:00 UTC, the first row's time.
    expect([...trace(load("format: azure-llm, origin: '2023-11-16T19:00:00+01:00'")).timeS].map((x) => Number(x.toFixed(7)))).toEqual([0, 0.25, 0.5, 1.1234567, 60.5]);
  });

  it('time_scale multiplies the times from the origin (0.5: twice the load), token counts untouched', () => {
    const t = trace(load('format: azure-llm, time_scale: 0.5'));
    expect([...t.timeS]).toEqual([0, 0.125, 0.25, 1.1234567 / 2, 30.25].map((x) => expect.closeTo(x, 6)));
    expect([...t.promptTokens]).toEqual([1000, 250, 512, 4096, 2000]);
    const fromOrigin = trace(load("format: azure-llm, time_scale: 2, origin: '2023-11-16 17:59:59'"));
    expect([...fromOrigin.timeS]).toEqual([2, 2.5, 3, 2 + 2 * 1.1234567, 123].map((x) => expect.closeTo(x, 6)));
    expect(problems('format: azure-llm, time_scale: 0')[0]).toMatch(/arrival\.time_scale/);
  });

  it('the same columns named one by one read the same trace (format is only defaults)', () => {
    const byHand = trace(load('columns: { time: TIMESTAMP, prompt_tokens: ContextTokens, output_tokens: GeneratedTokens }, time_format: iso'));
    const byFormat = trace(load('format: azure-llm'));
    expect(byHand.timeS).toEqual(byFormat.timeS);
    expect(byHand.promptTokens).toEqual(byFormat.promptTokens);
  });
});

describe('request traces through a column mapping', () => {
  it('reads numeric times in milliseconds, with renamed token and prefix columns', () => {
    const csv = 'arrival_ms,session,shared,input_len,output_len\n1700000000500,,,100,10\n1700000000000,s1,40,200,20\n1700000002250,s1,40,300,30\n';
    const r = load('time_unit: ms, columns: { time: arrival_ms, prompt_tokens: input_len, output_tokens: output_len, prefix_id: session, prefix_tokens: shared }', csv);
    const t = trace(r);
    expect([...t.timeS]).toEqual([0, 0.5, 2.25]);
    expect([...t.promptTokens]).toEqual([200, 100, 300]);
    expect(t.prefixes!.names).toEqual(['s1']);
    expect([...t.prefixes!.index]).toEqual([0, -1, 0]);
    expect([...t.prefixes!.tokens]).toEqual([40, 0, 40]);
    expect(warnings(r)).toEqual([
      "services[0].streams[0].arrival.file: 1 of 3 rows arrives before a row above it, the first at reqs.csv:3 (arrival_ms 1700000000000, before line 2's 1700000000500): the requests are replayed in time order; a trace out of order is often the wrong time column or files merged unsorted",
    ]);
  });

  it('reads seconds from a numeric origin, or as they stand with relative: false', () => {
    const csv = 'timestamp,prompt_tokens,output_tokens\n5,10,1\n7.5,10,1\n';
    expect([...trace(load('origin: 4', csv)).timeS]).toEqual([1, 3.5]);
    expect([...trace(load('origin: 4000, time_unit: ms', csv.replace('5,', '5000,').replace('7.5,', '7500,'))).timeS]).toEqual([1, 3.5]);
    expect([...trace(load('relative: false', csv)).timeS]).toEqual([5, 7.5]);
    expect([...trace(load('', csv)).timeS]).toEqual([0, 2.5]);
  });

  it('refuses a mapping naming a column the header lacks, at the mapping field, with the file line and the columns present', () => {
    expect(problems('format: azure-llm, columns: { prompt_tokens: InputTokens }')).toEqual([
      "services[0].streams[0].arrival.columns.prompt_tokens: reqs.csv:1: missing column 'InputTokens' (for prompt_tokens); the header has: TIMESTAMP, ContextTokens, GeneratedTokens",
    ]);
    // The format's own names missing: at format; poolsim's defaults missing: at the file. Names
    // match exactly, then ignoring case (TIMESTAMP finds timestamp).
    expect(problems('format: azure-llm', 'timestamp,prompt_tokens,output_tokens\n0,1,1\n')).toEqual([
      "services[0].streams[0].arrival.format: reqs.csv:1: missing columns 'ContextTokens' (for prompt_tokens), 'GeneratedTokens' (for output_tokens); the header has: timestamp, prompt_tokens, output_tokens (the columns of format poolsim: give `format: poolsim`)",
    ]);
    expect(problems('')).toEqual([
      "services[0].streams[0].arrival.file: reqs.csv:1: missing columns 'prompt_tokens', 'output_tokens'; the header has: TIMESTAMP, ContextTokens, GeneratedTokens (the columns of format azure-llm: give `format: azure-llm`)",
    ]);
    // Named prefix columns are required, not read only when present.
    expect(problems('format: azure-llm, columns: { prefix_id: conversation, prefix_tokens: shared }')[0]).toMatch(
      /arrival\.columns\.prefix_id: reqs\.csv:1: missing columns 'conversation' \(for prefix_id\), 'shared' \(for prefix_tokens\); the header has: TIMESTAMP/,
    );
  });

  it('refuses a column the header names twice: reading the first would be a guess', () => {
    expect(problems('', 'timestamp,prompt_tokens,output_tokens,prompt_tokens\n0,10,1,20\n')).toEqual([
      "services[0].streams[0].arrival.file: reqs.csv:1: column 'prompt_tokens' is in the header 2 times (fields 2, 4): rename all but one",
    ]);
  });

  it('refuses settings that contradict each other, at their field', () => {
    expect(problems('format: azure-llm, time_unit: ms')).toEqual([
      'services[0].streams[0].arrival.time_unit: time_unit is the unit of a numeric time column; ISO dates and times carry their own (drop time_unit, or set `time_format: seconds`)',
    ]);
    expect(problems('format: azure-llm, relative: false')[0]).toMatch(/arrival\.relative: ISO times are calendar times: they need an origin/);
    expect(problems("format: azure-llm, origin: '2023-11-16 18:00:00', relative: true")[0]).toMatch(/arrival\.relative: `origin` says where the trace's time 0 is; drop `relative`/);
    expect(problems('format: azure-llm, origin: 5')[0]).toMatch(/arrival\.origin: expected a date and time such as '2023-11-16 18:00:00'.*got 5/);
    expect(problems("origin: 'noon'")[0]).toMatch(/arrival\.origin: expected a number in the time column's unit \(s\), as the trace's times, got "noon"/);
    expect(problems('format: azure-llm, columns: { prefix_id: session }')[0]).toMatch(/arrival\.columns\.prefix_id: a shared prefix needs both its id and its tokens/);
    expect(problems('format: openai')[0]).toMatch(/arrival\.format: .*poolsim.*azure-llm/);
  });
});

describe('the bundled Azure LLM inference traces (data/azure-llm-2023/)', () => {
  for (const [name, requests, spanS] of [
    ['conv', 19_366, 3501.722],
    ['code', 8_819, 3435.948],
  ] as const) {
    it(`${name}: every request read, none skipped, over the hour the README says`, () => {
      const r = load(`format: azure-llm`, readInputFile(repoPath(`data/azure-llm-2023/AzureLLMInferenceTrace_${name}.csv.gz`)));
      const t = trace(r);
      expect(t.rows).toBe(requests);
      expect(t.timeS.length).toBe(requests);
      expect(t.skipped).toEqual([]);
      expect(t.timeS[t.timeS.length - 1]!).toBeCloseTo(spanS, 3);
    });
  }
});

// A fractional token count (100.4 prompt tokens, 10.5 output tokens, a prefix of 20.5) was rounded
// in silence (100, 11, 21): a column holding something other than counts went unnoticed. Such a
// row is now skipped as a bad token count, counted with its line like any other bad row.
describe('fractional token counts', () => {
  it('skips a row whose prompt, output or prefix tokens are not whole', () => {
    const csv = 'timestamp,prompt_tokens,output_tokens,prefix_id,prefix_tokens\n0,100,10,,\n1,100.4,10,,\n2,100,10.5,,\n3,100,10,p,20.5\n4,100,10,p,20\n';
    const r = load('', csv);
    expect([...trace(r).promptTokens]).toEqual([100, 100]);
    expect([...trace(r).outputTokens]).toEqual([10, 10]);
    expect(warnings(r)).toEqual([
      'services[0].streams[0].arrival.file: 3 of 5 rows skipped: 2 rows with a bad timestamp or token count (first at reqs.csv:3: column prompt_tokens: expected a positive whole count, got "100.4"); 1 row with a bad prefix_tokens (first at reqs.csv:5: prefix \'p\': expected prefix_tokens, a positive whole count)',
    ]);
  });
});
