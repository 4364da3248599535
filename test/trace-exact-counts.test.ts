// Counts in a trace (GPUs per job, instances, tokens per request) are whole numbers that poolsim
// holds exactly: at most 2^53 - 1, as a scenario's own `devices:` is (zod refuses 1e20 there,
// "expected a value <= 9007199254740991"). Above that a float64 has no odd numbers, so 1e20 or
// 1e308 passed Number.isInteger and was read as a count: `trace inspect` printed "device-h ∞" and
// a 309-digit prompt length, and a run of a 1e308-GPU row was refused for its work, not its size.
// Such a row is skipped as bad, with its line, like any other count that is not one.
import { describe, expect, it } from 'vitest';
import { formatRequestInspection, inspectRequestTrace } from '../src/scenario/traces/inspect-requests.js';
import { formatInspection, inspectTrace } from '../src/scenario/traces/inspect.js';
import { parseAlibabaOpenbPods } from '../src/scenario/traces/alibaba-openb.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { parsePhilly } from '../src/scenario/traces/philly.js';
import { parseRequestTrace } from '../src/scenario/traces/request-trace.js';

const SAFE = Number.MAX_SAFE_INTEGER; // 9007199254740991

describe('counts beyond 2^53 - 1 in a trace are skipped as bad, never read as counts', () => {
  it('csv: devices, and instances x devices, past 2^53 - 1', () => {
    const text = ['submit,gpus,inst,secs', '0,1,1,10', '1,1e308,1,10', '2,1e20,1,10', `3,${SAFE},1,10`, '4,4,1e300,10', '5,1e10,1e10,10', ''].join('\n');
    const t = parseGenericCsv(text, { submit: 'submit', devices: 'gpus', instances: 'inst', duration: 'secs' }, { source: 'j.csv' });
    expect(t.jobs.map((j) => [j.line, j.devices])).toEqual([
      [2, 1],
      [5, SAFE],
    ]);
    expect(t.skippedByReason).toEqual({ 'bad devices': 3, 'bad instances': 1 });
    expect(t.skipped.find((s) => s.reason === 'bad devices')!.line).toBe(3);
    const text2 = formatInspection(inspectTrace(t));
    expect(text2).not.toMatch(/∞|e\+308/);
  });

  it('philly num_gpus and alibaba-openb num_gpu', () => {
    const philly = ['timestamp,duration,num_gpus', '2017-10-09 07:01:55,66,1', '2017-10-09 07:02:00,66,1e308', ''].join('\n');
    const p = parsePhilly(philly, { source: 'philly.csv' });
    expect(p.jobs).toHaveLength(1);
    expect(p.skippedByReason).toEqual({ 'bad num_gpus': 1 });
    const pods = ['name,num_gpu,gpu_milli,creation_time,deletion_time,scheduled_time', 'a,1,1000,0,100,0', 'b,1e20,1000,0,100,0', ''].join('\n');
    const o = parseAlibabaOpenbPods(pods, { source: 'pods.csv' });
    expect(o.jobs.map((j) => j.id)).toEqual(['a']);
    expect(o.skippedByReason).toEqual({ 'bad num_gpu': 1 });
  });

  it('requests: prompt and output tokens past 2^53 - 1', () => {
    const layout = { format: 'poolsim', columns: { time: 'timestamp', prompt_tokens: 'prompt_tokens', output_tokens: 'output_tokens', prefix_id: 'prefix_id', prefix_tokens: 'prefix_tokens' }, prefixIfPresent: true, timeFormat: 'seconds', unitS: 1, unitName: 's', originS: 'first', timeScale: 1 } as const;
    const rows = ['timestamp,prompt_tokens,output_tokens,prefix_id,prefix_tokens', '0,100,10,,', '1,1e308,10,,', '2,100,1e300,,', '3,1e20,10,,', `4,${SAFE},10,,`, ''];
    const r = parseRequestTrace(rows.join('\n'), 'r.csv', layout);
    expect(Array.from(r.lines)).toEqual([2, 6]);
    expect(r.skipped).toEqual([{ reason: 'with a bad timestamp or token count', count: 3, firstLine: 3, firstMessage: 'column prompt_tokens: expected a positive whole count, got "1e308"' }]);
    const text = formatRequestInspection(inspectRequestTrace(r, 'r.csv'));
    expect(text).not.toMatch(/000,000,000,000,000,000,000/);
  });
});
