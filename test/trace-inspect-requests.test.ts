// `poolsim trace inspect FILE --format requests`: an inference request trace read as a scenario's
// trace stream reads it (--mapping: the stream's trace fields), summarised; checked by hand.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRequestInspection, inspectRequestTrace } from '../src/scenario/traces/inspect-requests.js';
import { parseRequestTrace } from '../src/scenario/traces/request-trace.js';
import { poolsim } from './helpers.js';

const layout = { format: 'poolsim', columns: { time: 'timestamp', prompt_tokens: 'prompt_tokens', output_tokens: 'output_tokens', prefix_id: 'prefix_id', prefix_tokens: 'prefix_tokens' }, prefixIfPresent: true, timeFormat: 'seconds', unitS: 1, unitName: 's', originS: 'first', timeScale: 1 } as const;

describe('request trace inspection', () => {
  it('says when rows are out of time order, as a run warns (the summary is of the sorted rows)', () => {
    const merged = 'timestamp,prompt_tokens,output_tokens\n0,100,10\n10,100,10\n20,100,10\n5,100,10\n15,100,10\n25,100,10\n';
    const text = formatRequestInspection(inspectRequestTrace(parseRequestTrace(merged, 'm.csv', layout), 'm.csv'));
    expect(text).toContain("order      2 of 6 rows arrive before a row above them, the first at line 5 (timestamp 5, before line 4's 20): summarised in time order, as a run replays them\n");
    const sorted = formatRequestInspection(inspectRequestTrace(parseRequestTrace('timestamp,prompt_tokens,output_tokens\n0,100,10\n5,100,10\n', 's.csv', layout), 's.csv'));
    expect(sorted).not.toContain('order ');
  });

  it('counts, span, mean and busiest-minute rates, token quantiles and prefixes, by hand', () => {
    // Ten requests: nine in the first 30 s, one at 120 s; one row with a bad token count.
    const rows = ['timestamp,prompt_tokens,output_tokens,prefix_id,prefix_tokens'];
    for (let i = 0; i < 9; i++) rows.push(`${i * 3},${100 * (i + 1)},${10 * (i + 1)},${i < 4 ? 'sys' : ''},${i < 4 ? 50 : ''}`);
    rows.push('120,1000,100,,');
    rows.push('121,x,5,,');
    const s = inspectRequestTrace(parseRequestTrace(rows.join('\n') + '\n', 'r.csv', layout), 'r.csv');
    expect(s).toMatchObject({ rows: 11, requests: 10, skipped: 1, firstS: 0, lastS: 120, prefixed: 4, prefixIds: 1 });
    expect(s.meanRatePerS).toBeCloseTo(9 / 120, 12);
    expect(s.peakMinuteRatePerS).toBeCloseTo(9 / 60, 12);
    // Prompts 100..900 and 1000: nearest rank p50 = 5th = 500, p90 = 9th = 900, p99 = 10th.
    expect(s.promptTokens).toEqual({ p50: 500, p90: 900, p99: 1000, max: 1000, mean: 5500 / 10 });
    const text = formatRequestInspection(s);
    expect(text).toContain('rows       11: 10 requests, 1 skipped');
    expect(text).toContain('rate       mean 0.0750/s, busiest minute 0.150/s (2.00x the mean)');
    // The mean with the quantiles' separators: Azure's code trace printed 'p50 1,469 ... mean 2047.8'.
    expect(formatRequestInspection({ ...s, promptTokens: { ...s.promptTokens!, mean: 2047.8 } })).toMatch(/prompt +tokens p50 500 .* mean 2,047\.8\n/);
    expect(text).toContain('prefixes   4 requests carry one of 1 shared prefixes');
    // The counts with the separators of the token figures below them: Azure's code trace printed
    // 'rows       8819: 8819 requests' above 'p50 1,469'.
    expect(formatRequestInspection({ ...s, rows: 8819, requests: 8818, skipped: 1001, skippedByReason: { 'with a bad timestamp or token count': 1001 } })).toMatch(
      /rows {7}8,819: 8,818 requests, 1,001 skipped\n(.|\n)* {4}1,001 {2}with a bad timestamp/,
    );
    // The skipped row is named as a run's warning names it (before: the count and reason alone, so
    // a user had to hunt the file for BurstGPT's failed requests, "Response tokens" 0).
    expect(text).toContain('       1  with a bad timestamp or token count (first at line 12: column prompt_tokens: expected a positive whole count, got "x")\n');
  });

  it('a trace spanning under a minute has a mean rate and no busiest minute', () => {
    // Three requests in 0.99 s: the busiest minute was 3 / 60 = 0.05/s, "0.0248x the mean" of 2.02/s.
    const s = inspectRequestTrace(parseRequestTrace('timestamp,prompt_tokens,output_tokens\n0,10,1\n0.5,10,1\n0.99,10,1\n', 'r.csv', layout), 'r.csv');
    expect(s.meanRatePerS).toBeCloseTo(2 / 0.99, 12);
    expect(s.peakMinuteRatePerS).toBeNull();
    expect(formatRequestInspection(s)).toContain('rate       mean 2.02/s, no busiest minute (the trace spans under one)\n');
  });

  it('a session column: turns, sessions, histories and the later turns, by hand', () => {
    // Session a: three turns, the third shorter than the conversation so far (a new history);
    // session b: two turns; one request without a session.
    const csv = 'timestamp,prompt_tokens,output_tokens,session_id\n0,100,10,a\n1,50,5,b\n2,200,10,a\n3,80,5,b\n4,100,10,a\n5,30,3,\n';
    const s = inspectRequestTrace(parseRequestTrace(csv, 'r.csv', { ...layout, columns: { ...layout.columns, session_id: 'session_id' }, sessionIfPresent: true }), 'r.csv');
    expect(s.sessions).toEqual({ turns: 5, sessions: 2, histories: 3, laterTurns: 2 });
    expect(s).toMatchObject({ prefixed: 0, prefixIds: 0 });
    expect(formatRequestInspection(s)).toContain('sessions   5 requests in 2 sessions (3 histories); 2 later turns carry their conversation so far as a prefix');
  });

  it("CLI: reads a trace in Azure's format through --mapping, refuses what the mapping gets wrong, with no stack trace", () => {
    const ok = poolsim('trace', 'inspect', 'test/fixtures/request-traces/synthetic-azure-llm.csv', '--format', 'requests', '--mapping', '{format: azure-llm}');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/requests, \d+ skipped/);
    expect(ok.stdout).toContain('prompt     tokens p50');
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-req-'));
    writeFileSync(join(dir, 'r.csv'), 'timestamp,prompt_tokens,output_tokens\n0,10,1\n');
    for (const [mapping, message] of [
      [undefined, "missing columns"],
      ['{format: azure-llm, time_unit: ms}', '--mapping: time_unit: time_unit is the unit of a numeric time column'],
      ['{formt: azure-llm}', "unknown key 'formt'"],
      ['[1, 2]', 'expected a YAML mapping'],
    ] as const) {
      const r = poolsim('trace', 'inspect', 'test/fixtures/request-traces/synthetic-azure-llm.csv', '--format', 'requests', ...(mapping ? ['--mapping', mapping] : []));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const plain = poolsim('trace', 'inspect', join(dir, 'r.csv'), '--format', 'requests');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('rows       1: 1 request, 0 skipped');
  });
});
