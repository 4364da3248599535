// Traces written as JSON Lines, one object per line, as Mooncake (kvcache-ai/Mooncake
// FAST25-release/traces: timestamp in ms from the first request, input_length, output_length,
// hash_ids) and aiperf publish them: read through the same column mappings as a CSV file, the keys
// as columns; a later line that is no JSON object is skipped and counted as a CSV row with the wrong
// number of fields is; a first line that is none, or a file that is one JSON array, is refused at its line.
import { describe, expect, it } from 'vitest';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { parseAlibabaOpenbNodes, parseAlibabaOpenbPods } from '../src/scenario/traces/alibaba-openb.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { parsePhilly } from '../src/scenario/traces/philly.js';
import { scanCsv } from '../src/scenario/traces/csv-reader.js';
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

  it('skips and counts a later line that is not a JSON object, as a CSV row it cannot read; refuses a first line that is none, and a file that is one JSON array', () => {
    // A broken line 2 refused the whole trace ("reqs.jsonl:2: not a JSON object ..."), where a CSV
    // row it cannot read (the wrong number of fields) is skipped and counted.
    const broken = MOONCAKE.replace('"timestamp": 27482,', '"timestamp": 27482');
    const t = load(MAPPED, broken).services[0]!.streams[0]!.trace!;
    expect([...t.lines]).toEqual([1, 3]);
    expect(t.rows).toBe(3);
    expect(t.skipped).toEqual([{ reason: 'not a JSON object', count: 1, firstLine: 2, firstMessage: expect.stringContaining("Expected ',' or '}' after property value") }]);
    const list = load(MAPPED, MOONCAKE.replace('{"timestamp": 3052', '[1, {"timestamp": 3052').replace('[0, 28, 29]}', '[0, 28, 29]}]')).services[0]!.streams[0]!.trace!;
    expect(list.skipped).toEqual([{ reason: 'not a JSON object', count: 1, firstLine: 3, firstMessage: 'got [1,{"timestamp":3052,"input_length":7234' }]);
    expect(problems(MAPPED, MOONCAKE.replace('"timestamp": 0,', '"timestamp": 0')).join('\n')).toMatch(/reqs\.jsonl:1: not a JSON object \(the file is read as JSON Lines, its first line being one\)/);
    expect(problems(MAPPED, `[${MOONCAKE.trim().split('\n').join(',\n')}]`).join('\n')).toContain("reqs.jsonl:1: the file is one JSON array; poolsim reads traces as CSV or JSON Lines");
    // Philly's cluster_job_log is such an array, and after jq's '.[]' its GPUs and times are still
    // inside each job's attempts: the refusal says so, and where the flattening is written.
    expect(problems(MAPPED, `[${MOONCAKE.trim().split('\n').join(',\n')}]`).join('\n')).toContain("a field holding a list or an object is not read, so pull what a mapping names out to fields of its own (docs/reading-traces.md does so for Philly's cluster_job_log");
  });
});

describe('JSON Lines keys that only later objects have', () => {
  it('are columns too: a prefix first given on line 2 is read, not dropped because line 1 lacks it', () => {
    // The first object's keys were the header: prefix_id and prefix_tokens, absent from line 1, were
    // no columns, so the trace's shared prefixes were silently dropped (prefixes undefined).
    const text = [
      '{"timestamp": 0, "prompt_tokens": 100, "output_tokens": 10}',
      '{"timestamp": 1, "prompt_tokens": 200, "output_tokens": 20, "prefix_id": "sys", "prefix_tokens": 50}',
      '{"timestamp": 2, "prompt_tokens": 300, "output_tokens": 30, "prefix_id": "sys", "prefix_tokens": 50}',
    ].join('\n');
    const t = load('', text).services[0]!.streams[0]!.trace!;
    expect([...t.promptTokens]).toEqual([100, 200, 300]);
    expect(t.prefixes?.names).toEqual(['sys']);
    expect([...t.prefixes!.index]).toEqual([-1, 0, 0]);
    // The same header and rows in pieces split anywhere (a file read in pieces is read twice).
    const scan = (input: Parameters<typeof scanCsv>[0]) => {
      const got: string[][] = [];
      scanCsv(input, 'reqs.jsonl', (h) => got.push(h), (f, line) => got.push([String(line), ...f]));
      return got;
    };
    const whole = scan(text);
    expect(whole[0]).toEqual(['timestamp', 'prompt_tokens', 'output_tokens', 'prefix_id', 'prefix_tokens']);
    expect(whole[1]).toEqual(['1', '0', '100', '10', '', '']);
    for (let cut = 1; cut < text.length; cut += 11) expect(scan({ pieces: () => [text.slice(0, cut), text.slice(cut)] })).toEqual(whole);
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
        { line: 4, reason: 'bad devices', detail: '', column: 'gpus' },
        { line: 5, reason: 'bad devices', detail: '', column: 'gpus' },
      ],
    });
    for (let cut = 1; cut < JOBS.length; cut += 7) {
      expect(read({ pieces: () => [JOBS.slice(0, cut), JOBS.slice(cut)] })).toEqual(whole);
    }
  });
});

describe('JSON Lines job traces with a line that is no JSON object', () => {
  // A line cut short (a writer that stopped mid-record) refused the whole import at its line in every
  // job format ("j.jsonl:3: not a JSON object ..."), while the same row in a CSV file, its fields cut
  // short, is skipped as 'wrong number of fields' and counted: each importer now skips and counts it.
  const CUT = 'not a JSON object';
  it('generic csv mapping: skipped, counted, the rows after it read', () => {
    const text = '{"id": "a", "submit": 0, "gpus": 4, "secs": 60}\n{"id": "b", "submit": 5, "gpus": 2, "secs"\n{"id": "c", "submit": 9, "gpus": 8, "secs": 600}\n7\n';
    const t = parseGenericCsv(text, { submit: 'submit', duration: 'secs', devices: 'gpus' }, { source: 'j.jsonl' });
    expect(t.jobs.map((j) => [j.id, j.line])).toEqual([
      ['job-1', 1],
      ['job-3', 3],
    ]);
    expect(t.rows).toBe(4);
    expect(t.skipped).toEqual([
      { line: 2, reason: CUT, detail: expect.stringContaining('JSON') },
      { line: 4, reason: CUT, detail: 'got 7' },
    ]);
    expect(t.skippedByReason).toEqual({ [CUT]: 2 });
  });

  it('philly and alibaba-openb pod and node lists: skipped and counted', () => {
    const philly = parsePhilly('{"timestamp": "2017-10-03 10:00:00", "duration": 60, "num_gpus": 1}\n{"timestamp": \n{"timestamp": "2017-10-03 10:01:00", "duration": 60, "num_gpus": 2}\n', { source: 'p.jsonl' });
    expect(philly.jobs.map((j) => [j.id, j.line])).toEqual([
      ['philly-1', 1],
      ['philly-3', 3],
    ]);
    expect(philly.skipped).toEqual([{ line: 2, reason: CUT, detail: expect.any(String) }]);
    const pods = parseAlibabaOpenbPods('{"name": "p1", "cpu_milli": 1000, "memory_mib": 100, "num_gpu": 1, "gpu_milli": 1000, "gpu_spec": "", "qos": "BE", "pod_phase": "Running", "creation_time": 0, "deletion_time": 100, "scheduled_time": 1}\n["p2"]\n', { source: 'pods.jsonl' });
    expect([pods.jobs.length, pods.rows, pods.skipped]).toEqual([1, 2, [{ line: 2, reason: CUT, detail: 'got ["p2"]' }]]);
    const nodes = parseAlibabaOpenbNodes('{"sn": "n1", "gpu": 8, "model": "V100M32"}\n{"sn": "n2", "gpu": 8,\n');
    expect([nodes.nodes.length, nodes.rows, nodes.skipped.map((s) => [s.line, s.reason])]).toEqual([1, 2, [[2, CUT]]]);
  });
});
