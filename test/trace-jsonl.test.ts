// Traces written as JSON Lines, one object per line, as Mooncake (kvcache-ai/Mooncake
// FAST25-release/traces: timestamp in ms from the first request, input_length, output_length,
// hash_ids) and aiperf publish them: read through the same column mappings as a CSV file, the keys
// as columns; a line that is no JSON object, or a file that is one JSON array, is refused at its line.
import { describe, expect, it } from 'vitest';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { toyScenario } from './inference-helpers.js';

const MOONCAKE = [
  '{"timestamp": 0, "input_length": 6755, "output_length": 500, "hash_ids": [0, 1, 2, 3]}',
  '{"timestamp": 27482, "input_length": 655, "output_length": 52, "hash_ids": [46, 47]}',
  '{"timestamp": 3052, "input_length": 7234, "output_length": 794, "hash_ids": [0, 28, 29]}',
  '',
].join('\n');

function load(arrivalFields: string, text: string): ResolvedScenario {
  const scenario = toyScenario({ arrival: `{ process: trace, file: reqs.jsonl, ${arrivalFields} }`, count: 1_000_000 });
  return loadScenario(scenario, 'dir/s.yaml', { readFile: (p: string) => (p === 'dir/reqs.jsonl' ? text : ''), baseDir: 'dir' });
}

function problems(arrivalFields: string, text: string): string[] {
  try {
    load(arrivalFields, text);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.message}`);
    throw e;
  }
  return [];
}

const MAPPED = 'time_unit: ms, columns: { time: timestamp, prompt_tokens: input_length, output_tokens: output_length }';

describe('JSON Lines request traces (Mooncake)', () => {
  it('reads the keys as columns: times in ms, sorted, with their token counts', () => {
    // As CSV, the first object was the header: "missing columns 'timestamp', ...; the header has: {"timestamp": 0, ...".
    const t = load(MAPPED, MOONCAKE).services[0]!.streams[0]!.trace!;
    expect([...t.timeS]).toEqual([0, 3.052, 27.482]);
    expect([...t.promptTokens]).toEqual([6755, 7234, 655]);
    expect([...t.outputTokens]).toEqual([500, 794, 52]);
    expect([...t.lines]).toEqual([1, 3, 2]);
  });

  it('refuses a line that is not a JSON object at its line, and a file that is one JSON array', () => {
    const broken = MOONCAKE.replace('"timestamp": 27482,', '"timestamp": 27482');
    expect(problems(MAPPED, broken).join('\n')).toMatch(/reqs\.jsonl:2: not a JSON object \(the file is read as JSON Lines, its first line being one\)/);
    expect(problems(MAPPED, MOONCAKE.replace('{"timestamp": 3052', '[1, {"timestamp": 3052').replace('[0, 28, 29]}', '[0, 28, 29]}]')).join('\n')).toContain('reqs.jsonl:3: expected a JSON object');
    expect(problems(MAPPED, `[${MOONCAKE.trim().split('\n').join(',\n')}]`).join('\n')).toContain("reqs.jsonl:1: the file is one JSON array; poolsim reads traces as CSV or JSON Lines");
  });
});

describe('JSON Lines job traces', () => {
  const JOBS = '\ufeff{"id": "a", "submit": 10, "gpus": 4, "secs": 60}\r\n\n{"id": "b", "submit": 0, "gpus": 0.5, "secs": 30, "extra": [1, 2]}\n{"id": "c", "submit": 5, "secs": 30}\n{"id": "d", "submit": 7, "gpus": null, "secs": 30}';
  const mapping = { submit: 'submit', duration: 'secs', devices: 'gpus', id: 'id' };

  it('reads the same jobs in one string and in pieces split anywhere; a missing or null key is an empty field', () => {
    const read = (input: Parameters<typeof parseGenericCsv>[0]) => {
      const t = parseGenericCsv(input, mapping, { source: 'j.jsonl' });
      return { jobs: t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices, j.gpuMilli, j.line]), skipped: t.skipped };
    };
    const whole = read(JOBS);
    expect(whole).toEqual({
      jobs: [
        ['b', 0, 30, 1, 500, 3],
        ['a', 10, 60, 4, 1000, 1],
      ],
      skipped: [
        { line: 4, reason: 'bad devices', detail: '' },
        { line: 5, reason: 'bad devices', detail: '' },
      ],
    });
    for (let cut = 1; cut < JOBS.length; cut += 7) {
      expect(read({ pieces: () => [JOBS.slice(0, cut), JOBS.slice(cut)] })).toEqual(whole);
    }
  });
});
