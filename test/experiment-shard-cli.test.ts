// Sharding an experiment across machines: `--shard k/n` slices, `poolsim merge` joins them to the
// same bytes as one run (the built CLI: npm test builds dist/ first).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

describe('poolsim sweep --shard and poolsim merge', () => {
  // A shard with --plot wrote no plots/ and said nothing (exit 0); merge --plot was answered
  // "Unknown argument: plot" under the whole help. Both are refused up front, saying what to do.
  it('refuses --plot on a shard and on merge, before anything runs or is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-shard-plot-'));
    for (const option of [['--plot'], ['--plot', '--plot-against', 'energy_kwh']]) {
      const r = poolsim('compare', 'scenarios/quickstart.yaml', '--policies', 'fifo,sjf', '--seeds', '2', '--shard', '1/2', ...option, '--out', join(dir, 'shard'));
      expect(r.stderr).toBe("--plot: a shard's charts would show one slice of the runs: run the shards without it, join them with `poolsim merge <out> <shard runs.csv...> --summary <summary.csv>`, then `poolsim report <folder of out>` draws the charts\n1 problem found; nothing was run or written.\n");
      expect(r.code).toBe(2);
      expect(existsSync(join(dir, 'shard'))).toBe(false);
    }
    for (const option of [['--plot'], ['--plot-against', 'energy_kwh']]) {
      const m = poolsim('merge', join(dir, 'merged', 'runs.csv'), join(dir, 'none', 'runs.csv'), ...option);
      expect(m.stderr).toBe(
        `${option[0]}: merge does not draw charts: write the summary with --summary beside <out>, then \`poolsim report <that folder>\` draws the charts of the merged runs (a single machine's \`compare\`/\`sweep --plot\` writes plots/)\n1 problem found; nothing was run or written.\n`,
      );
      expect(m.code).toBe(2);
      expect(existsSync(join(dir, 'merged'))).toBe(false);
    }
  });

  it('shards and merges to the same bytes as one run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-shard-'));
    const args = ['sweep', 'scenarios/two-dc-latency.yaml', '--set', 'links[0].latency=10us..10ms:log:4', '--set', 'links[0].bandwidth=100Gbps,400Gbps', '--quiet'];
    expect(poolsim(...args, '--out', join(dir, 'all')).code).toBe(0);
    for (const k of [1, 2, 3]) expect(poolsim(...args, '--shard', `${k}/3`, '--out', join(dir, `s${k}`)).code).toBe(0);
    const m = poolsim('merge', join(dir, 'merged.csv'), join(dir, 's2', 'runs.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's3', 'runs.csv'), '--summary', join(dir, 'summary.csv'), '--total', '8');
    expect(m.code).toBe(0);
    expect(readFileSync(join(dir, 'merged.csv'), 'utf8')).toBe(readFileSync(join(dir, 'all', 'runs.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe(readFileSync(join(dir, 'all', 'summary.csv'), 'utf8'));
    const missing = poolsim('merge', join(dir, 'x.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's3', 'runs.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing runs 1, 4/);
    // --summary onto a shard's runs.csv replaced that input (exit 0); onto <out> it lost one file.
    const shard = join(dir, 's3', 'runs.csv');
    const before = readFileSync(shard, 'utf8');
    const onInput = poolsim('merge', join(dir, 'again.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2', 'runs.csv'), shard, '--summary', shard);
    expect(onInput.stderr).toBe(`--summary: cannot write to '${shard}': it is the input ${shard}: writing there would replace it\n1 problem found; nothing was run or written.\n`);
    expect(onInput.code).toBe(2);
    expect(readFileSync(shard, 'utf8')).toBe(before);
    const onOut = poolsim('merge', join(dir, 'again.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2', 'runs.csv'), shard, '--summary', join(dir, 'again.csv'));
    expect(onOut.stderr).toMatch(/^--summary: '.*again\.csv' is <out> too: the summary and the merged runs need a file each\n/);
    expect(onOut.code).toBe(2);
    // <out> or --summary naming a folder (`merge results/sweep ...`) was answered "cannot write to
    // '<its parent>': EISDIR: illegal operation on a directory (EISDIR)", naming the wrong path.
    const shards = [join(dir, 's1', 'runs.csv'), join(dir, 's2', 'runs.csv'), shard];
    for (const [option, args] of [
      ['<out>', [join(dir, 'all'), ...shards]],
      ['--summary', [join(dir, 'again.csv'), ...shards, '--summary', join(dir, 'all')]],
    ] as const) {
      const r = poolsim('merge', ...args);
      expect(r.stderr).toBe(`${option}: cannot write to '${join(dir, 'all')}': it is a folder: name a file in it, e.g. ${option === '<out>' ? 'runs.csv' : 'summary.csv'}\n1 problem found; nothing was run or written.\n`);
      expect(r.code).toBe(2);
    }
  });

  // merge joined only runs.csv: a sharded compare of a scenario with tenants lost tenant_shares.csv
  // (so `report` of the merged folder had no tenant-share chart), and --jobs / --links lost jobs.csv
  // and hot_links.csv. Every file the unsharded compare writes must come back the same bytes.
  it('a sharded compare merged back gives every file of the unsharded one, byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-shard-files-'));
    const args = ['compare', 'scenarios/tenants-kueue.yaml', '--policies', 'fifo,sjf', '--seeds', '2', '--jobs', '--links', '--quiet'];
    expect(poolsim(...args, '--out', join(dir, 'all')).code).toBe(0);
    for (const k of [1, 2, 3]) expect(poolsim(...args, '--shard', `${k}/3`, '--out', join(dir, `s${k}`)).code).toBe(0);
    const shards = [join(dir, 's3', 'runs.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2', 'runs.csv')];
    const m = poolsim('merge', join(dir, 'merged', 'runs.csv'), ...shards, '--summary', join(dir, 'merged', 'summary.csv'), '--quiet');
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const files = readdirSync(join(dir, 'all')).sort();
    expect(files).toEqual(['hot_links.csv', 'jobs.csv', 'manifest.json', 'runs.csv', 'summary.csv', 'tenant_shares.csv']);
    expect(readdirSync(join(dir, 'merged')).sort()).toEqual(files);
    for (const f of files.filter((f) => f !== 'manifest.json')) {
      expect(readFileSync(join(dir, 'merged', f), 'utf8'), f).toBe(readFileSync(join(dir, 'all', f), 'utf8'));
    }
    // The manifest says which command wrote the folder; everything else in it is the same.
    const manifest = (where: string) => JSON.parse(readFileSync(join(dir, where, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect({ ...manifest('merged'), command: 'compare' }).toEqual(manifest('all'));
    // A shard run without --jobs cannot give the merged jobs.csv every run: refused, nothing written.
    expect(poolsim(...args.filter((a) => a !== '--jobs'), '--shard', '2/3', '--out', join(dir, 's2-nojobs')).code).toBe(0);
    const partial = poolsim('merge', join(dir, 'partial', 'runs.csv'), shards[0]!, shards[1]!, join(dir, 's2-nojobs', 'runs.csv'));
    expect(partial.stderr).toMatch(/jobs\.csv is beside .* but not beside .*s2-nojobs.runs\.csv: run every shard with the same options/);
    expect(partial.code).toBe(2);
    expect(() => readdirSync(join(dir, 'partial'))).toThrow();
  });
});
