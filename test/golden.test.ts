// Every bundled scenario is also a test: its summary (and, for small ones, its jobs.csv) must match
// the committed golden files byte for byte. After an intended change, regenerate with
// `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts` and review the diff before committing.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundled, repoPath, runToCsv } from './helpers.js';

/** Scenarios too large for the unit suite; each is covered by a benchmark or its own test instead. */
const NOT_GOLDEN: Record<string, string> = {
  'scale-100k': 'a million jobs on 90,000 devices: the scale benchmark (npm run bench -- scale) checks it, including determinism',
};

const update = process.env.UPDATE_GOLDEN === '1';
const names = readdirSync(repoPath('scenarios'))
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .filter((n) => !(n in NOT_GOLDEN))
  .sort();

describe('golden scenarios', () => {
  it.each(names)('%s matches its committed results', (name) => {
    const r = runToCsv(bundled(name));
    const summaryPath = repoPath(`test/golden/${name}.summary.csv`);
    const jobsPath = repoPath(`test/golden/${name}.jobs.csv`);
    const tenantsPath = repoPath(`test/golden/${name}.tenants.csv`);
    const keepJobs = r.jobsCsv.length < 200_000;
    if (update) {
      writeFileSync(summaryPath, r.summaryCsv);
      if (r.tenantsCsv !== undefined) writeFileSync(tenantsPath, r.tenantsCsv);
      if (keepJobs) writeFileSync(jobsPath, r.jobsCsv);
      return;
    }
    expect(existsSync(summaryPath), `no golden file for scenarios/${name}.yaml: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(r.summaryCsv).toBe(readFileSync(summaryPath, 'utf8'));
    if (existsSync(jobsPath)) expect(r.jobsCsv).toBe(readFileSync(jobsPath, 'utf8'));
    expect(r.tenantsCsv, `tenants.csv of scenarios/${name}.yaml`).toBe(existsSync(tenantsPath) ? readFileSync(tenantsPath, 'utf8') : undefined);
  });
});
