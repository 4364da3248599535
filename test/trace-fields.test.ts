// Fields of trace files read as numbers: what JavaScript's Number() accepts but a trace never
// means. '0x10' was read as 16 prompt tokens (or devices), the row kept with a wrong value and no word.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { parseFiniteNumber } from '../src/scenario/traces/csv-reader.js';
import { toyScenario } from './inference-helpers.js';

describe('numbers in trace fields', () => {
  it('are decimal: hexadecimal, binary and octal literals are not numbers', () => {
    for (const s of ['0x10', '0X1F', '0b11', '0B1', '0o7', '0O17']) expect(parseFiniteNumber(s), s).toBeUndefined();
    expect(['12', ' 12 ', '0', '0.5', '.5', '5.', '+7', '-3', '1e3', '1E-3', '007', '0e0'].map(parseFiniteNumber)).toEqual([12, 12, 0, 0.5, 0.5, 5, 7, -3, 1000, 0.001, 7, 0]);
  });

  it('a request trace row with one is skipped and counted, not read as 16 prompt tokens', () => {
    const csv = 'timestamp,prompt_tokens,output_tokens\n0,100,10\n1,0x10,10\n';
    const r = loadScenario(toyScenario({ arrival: '{ process: trace, file: reqs.csv }', count: 100 }), 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' });
    expect([...r.services[0]!.streams[0]!.trace!.promptTokens]).toEqual([100]);
    expect(r.warnings[0]!.message).toMatch(/1 of 2 rows skipped: 1 with a bad timestamp or token count \(first at reqs\.csv:3: .*got "1", "0x10", "10"\)/);
  });

  it('a job trace row with one is skipped as bad devices, not run on 2 GPUs', () => {
    const t = parseGenericCsv('submit,duration,gpus\n0,100,1\n5,100,0x2\n', { submit: 'submit', duration: 'duration', devices: 'gpus' });
    expect(t.jobs.map((j) => j.devices)).toEqual([1]);
    expect(t.skipped).toEqual([{ line: 3, reason: 'bad devices', detail: '0x2' }]);
  });
});
