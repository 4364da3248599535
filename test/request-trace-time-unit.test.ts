// A request trace's times in milliseconds read as seconds (a Mooncake trace without `time_unit: ms`)
// replayed the load 1000x lighter, spread over weeks, with no word: the arrivals were simply a
// minute or more apart. Now warned when most gaps are that long and no time_unit was given; never
// refused (a quiet service's own log may be so), and silent on traces at the public traces' rates.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { toyScenario } from './inference-helpers.js';

/** `n` requests `gapMs` apart, in Mooncake's JSON Lines form (timestamp in ms). */
const mooncake = (n: number, gapMs: number): string =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: i * gapMs, input_length: 1000, output_length: 100, hash_ids: [i] })).join('\n') + '\n';

function warnings(rows: string, arrival: string): string[] {
  const r = loadScenario(toyScenario({ arrival, count: 1_000_000 }), 'dir/s.yaml', { readFile: () => rows, baseDir: 'dir' });
  return r.warnings.map((w) => `${w.path}: ${w.message}`);
}
const arrival = (extra = ''): string => `{ process: trace, file: t.jsonl${extra}, columns: { time: timestamp, prompt_tokens: input_length, output_tokens: output_length } }`;

describe('request trace times that look like milliseconds read as seconds', () => {
  it('are warned with the likely unit when most arrivals are a minute or more apart', () => {
    // 200 requests 300 ms apart (3.3 a second, Mooncake's rate), read as seconds: 5 min apart.
    expect(warnings(mooncake(200, 300), arrival())).toEqual([
      "services[0].streams[0].arrival.file: the trace's 200 requests arrive over 16.6h, 199 of the 199 gaps between them a minute or more (one request every 5min on average), where the public LLM request traces arrive seconds or less apart. Its times were read as seconds; if they are milliseconds (Mooncake's are), set `time_unit: ms` (microseconds: `us`), or the replay is 1,000 times lighter than recorded",
    ]);
  });

  it('are not warned when the unit is given, the trace is short, or the gaps are mostly shorter', () => {
    expect(warnings(mooncake(200, 300), arrival(', time_unit: ms'))).toEqual([]);
    // Given as seconds: the user said so.
    expect(warnings(mooncake(200, 300), arrival(', time_unit: s'))).toEqual([]);
    expect(warnings(mooncake(99, 300), arrival())).toEqual([]);
    // Seconds apart, as BurstGPT's seconds are.
    expect(warnings(mooncake(200, 7), arrival())).toEqual([]);
    // A bursty trace: a 10-minute pause after every third request is a third of the gaps.
    const bursty = Array.from({ length: 300 }, (_, i) => JSON.stringify({ timestamp: Math.floor(i / 3) * 600 + (i % 3), input_length: 10, output_length: 10 })).join('\n');
    expect(warnings(bursty, arrival())).toEqual([]);
  });

  it('judges the gaps as recorded, before time_scale', () => {
    // 30 s apart in the file, stretched 4x by time_scale: a what-if, not a misread unit.
    expect(warnings(mooncake(200, 30), arrival(', time_scale: 4'))).toEqual([]);
    expect(warnings(mooncake(200, 300), arrival(', time_scale: 0.1'))).toHaveLength(1);
  });
});
