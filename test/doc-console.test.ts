// What the documentation shows a command printing is what it prints: every console block of
// README.md and docs/*.md that runs a bundled scenario (`$ npx poolsim run scenarios/...`) is run
// from a fresh folder (so its files go to results/<name>/ there, as the block says) and its stdout
// compared with the block's lines, line for line. Wall-clock figures go to stderr and are not shown.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

interface Block {
  file: string;
  line: number;
  args: string[];
  expected: string;
}

/** Console blocks that run a bundled scenario, with the output they show. */
function blocks(): Block[] {
  const files = ['README.md', ...readdirSync(repoPath('docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const out: Block[] = [];
  for (const file of files) {
    const lines = readFileSync(repoPath(file), 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = /^\$ npx poolsim (run scenarios\/\S+\.yaml.*)$/.exec(l);
      if (!m || !/^```/.test(lines[i - 1] ?? '')) return;
      const end = lines.indexOf('```', i);
      out.push({ file, line: i + 1, args: m[1]!.split(/\s+/), expected: lines.slice(i + 1, end).join('\n') });
    });
  }
  return out;
}

const found = blocks();

describe('console output shown in the documentation', () => {
  it('finds the blocks (the README quickstart and the plug-in guide at least)', () => {
    expect(found.map((b) => b.file)).toEqual(expect.arrayContaining(['README.md', 'docs/writing-a-policy.md']));
  });

  it.each(found.map((b) => [`${b.file}:${b.line}`, b] as const))('%s prints what it shows', (_, b) => {
    const cwd = mkdtempSync(join(tmpdir(), 'poolsim-doc-'));
    for (const d of ['scenarios', 'examples', 'data']) symlinkSync(repoPath(d), join(cwd, d));
    const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), ...b.args], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd(), `${b.file}:${b.line} shows output the command no longer prints: paste its output`).toBe(b.expected);
  });
});

// The README's table of bundled scenarios quotes what their runs print; those runs are the golden
// files (test/golden.test.ts keeps them true), so each figure quoted from a bundled run is checked
// against its golden cell here. Six of them had gone stale when the inference model changed
// (inference-azure-trace's coding SLO 88.9% against 91.4% run, TTFT p99 9.1 s against 7.0 s, ...).
const goldenCell = (file: string, column: string, row = 0): number => {
  const [header, ...rows] = readFileSync(repoPath(`test/golden/${file}`), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
  return Number(rows[row]![header!.indexOf(column)]);
};
const pct = (x: number, digits: number): string => `${(x * 100).toFixed(digits)}%`;
const quoted: [scenario: string, text: () => string][] = [
  // The article's 8,559 server-days and 2,464,992 kWh were quoted as the run's; it prints 205,399
  // busy device-hours (8,558.3 server-days) and 2.46 GWh (2,464,789 kWh in summary.csv).
  ['seed-gpt3-dgx2', () => `the run gives ${(goldenCell('seed-gpt3-dgx2.summary.csv', 'busy_device_hours') / 24).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} server-days (${Math.round(goldenCell('seed-gpt3-dgx2.summary.csv', 'busy_device_hours')).toLocaleString('en-US')} busy device-hours) and ${Math.round(goldenCell('seed-gpt3-dgx2.summary.csv', 'energy_kwh')).toLocaleString('en-US')} kWh`],
  ['llama3-405b', () => `effective compute ratio ${pct(goldenCell('llama3-405b.summary.csv', 'effective_compute_ratio_pool'), 1)}`],
  ['llama3-reliability', () => `${pct(goldenCell('llama3-reliability.jobs.csv', 'effective_training_fraction'), 1)} effective training time`],
  // The job's failures and the run's (which count the spare nodes' too): the README said 'the run
  // draws 486' where the run's summary prints 'failures 493'.
  ['llama3-reliability', () => `the job meets ${goldenCell('llama3-reliability.jobs.csv', 'failures')} in its ${(goldenCell('llama3-reliability.summary.csv', 'makespan_s') / 86400).toFixed(1)} days`],
  ['llama3-reliability', () => `the run's summary counts ${goldenCell('llama3-reliability.summary.csv', 'failures')}, the ${goldenCell('llama3-reliability.summary.csv', 'failures') - goldenCell('llama3-reliability.jobs.csv', 'failures')} on its 32 spare nodes`],
  ['policy-topology', () => `${pct(goldenCell('policy-topology.summary.csv', 'effective_compute_ratio_allocated'), 1)} of allocated device-time against first-fit's`],
  ['policy-topology', () => `but ${pct(goldenCell('policy-topology.summary.csv', 'effective_compute_ratio_pool'), 2)} of the pool against`],
  ['policy-topology', () => `mean JCT ${(goldenCell('policy-topology.summary.csv', 'jct_mean_s') / 3600).toFixed(1)} h against`],
  ['inference-azure-trace', () => `conversation meets its SLO ${pct(goldenCell('inference-azure-trace.services.csv', 'slo_attainment', 0), 2)} of the time, the bursty coding trace ${pct(goldenCell('inference-azure-trace.services.csv', 'slo_attainment', 1), 1)} (TTFT p99 ${goldenCell('inference-azure-trace.services.csv', 'ttft_p99_s', 1).toFixed(1)} s)`],
  ['inference-disaggregated-autoscale', () => `TTFT p99 ${goldenCell('inference-disaggregated-autoscale.services.csv', 'ttft_p99_s').toFixed(0)} s against`],
  ['inference-prefix-cache', () => `hits the prefix cache ${pct(goldenCell('inference-prefix-cache.services.csv', 'prefix_hit_rate'), 0)} of the time`],
  ['inference-prefix-cache', () => `keeps TTFT p50 at ${(goldenCell('inference-prefix-cache.services.csv', 'ttft_p50_s') * 1000).toFixed(0)} ms`],
  ['inference-chunked-prefill', () => `to ${(goldenCell('inference-chunked-prefill.services.csv', 'tpot_p99_s') * 1000).toFixed(1)} ms and SLO attainment from`],
  ['inference-chunked-prefill', () => `to ${pct(goldenCell('inference-chunked-prefill.services.csv', 'slo_attainment'), 1)} (TTFT p99`],
  ['inference-chunked-prefill', () => `-> ${goldenCell('inference-chunked-prefill.services.csv', 'ttft_p99_s').toFixed(2)} s)`],
  ['inference-disaggregated', () => `against ${goldenCell('inference-disaggregated.services.csv', 'goodput_rps').toFixed(2)} for the bundled 4:8`],
];

describe("the README's table of bundled scenarios", () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8').split('\n');
  it.each(quoted.map(([s, t], i) => [`${s} #${i}`, s, t] as const))('%s quotes its golden run', (_, scenario, text) => {
    // A row may name several scenarios in its first cell (`policy-backfill`, ..., `policy-topology`).
    const row = readme.find((l) => l.startsWith('| ') && l.slice(2).split(' | ')[0]!.split(', ').includes(`\`${scenario}\``));
    expect(row, `README has no row for ${scenario}`).toBeDefined();
    expect(row).toContain(text());
  });
});

// A bundled scenario's `expect:` block is a documented command too (`poolsim check
// scenarios/inference-chunked-prefill.yaml`, in the file): it must pass on the bundled run.
// inference-chunked-prefill's asked SLO attainment >= 92% after the run had gone to 90.36%.
describe("bundled scenarios' expect: blocks", () => {
  const withExpect = readdirSync(repoPath('scenarios')).filter((f) => f.endsWith('.yaml') && /^expect:/m.test(readFileSync(repoPath(`scenarios/${f}`), 'utf8')));
  it('are found', () => expect(withExpect.length).toBeGreaterThan(0));
  it.each(withExpect)('%s passes poolsim check', (f) => {
    const cwd = mkdtempSync(join(tmpdir(), 'poolsim-check-'));
    for (const d of ['scenarios', 'data']) symlinkSync(repoPath(d), join(cwd, d));
    const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), 'check', `scenarios/${f}`, '--quiet'], { cwd, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
