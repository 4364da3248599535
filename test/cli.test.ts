// The command line as a user meets it: exit codes, messages without stack traces, result files.
// Runs the built CLI (npm test builds dist/ before vitest).
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCsvTraceScenario } from './csv-trace-scenario.js';
import { poolsim, repoPath } from './helpers.js';

describe('poolsim CLI', () => {
  it('runs a scenario, prints a summary and writes both CSVs', () => {
    const out = mkdtempSync(join(tmpdir(), 'poolsim-'));
    const r = poolsim('run', 'scenarios/seed-gpt3-dgx2.yaml', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('effective compute ratio  21.3%');
    expect(readdirSync(out).sort()).toEqual(['jobs.csv', 'manifest.json', 'summary.csv']);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toBe(readFileSync(repoPath('test/golden/seed-gpt3-dgx2.summary.csv'), 'utf8'));
  });

  it('exits 2 with located messages and no stack trace on bad input, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\ndatacentres:\n  - name: a\n    node_groups: [{ count: 1, device: H100, devise: 2 }]\nworkloads: []\n');
    const r = poolsim('run', bad, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.yaml:4:45: datacentres[0].node_groups[0].devise: unknown key 'devise'");
    expect(r.stderr).toContain('workloads: expected at least 1 item(s)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits 2 for a missing file and for an unknown command', () => {
    const missing = poolsim('run', 'no-such.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such.yaml: no such file');
    expect(poolsim('rnu').code).toBe(2);
  });

  it('validates a scenario and lists the catalogue', () => {
    const v = poolsim('validate', 'scenarios/quickstart.yaml');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('valid');
    const d = poolsim('devices');
    expect(d.code).toBe(0);
    for (const kind of ['H100', 'A100-80GB', 'MI300X', 'TPUv5p', 'Ascend910B', 'DGX-2', 'IB-NDR', 'RoCE-400G']) expect(d.stdout).toContain(kind);
  });

  it('prints the scenario JSON Schema generated from the validating schemas', () => {
    const r = poolsim('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown>; required: string[] };
    for (const key of ['datacentres', 'workloads', 'services', 'links', 'failures', 'policy']) expect(schema.properties).toHaveProperty(key);
    expect(schema.required).toContain('name');
  });
});

describe('validate on a trace', () => {
  it("says which rows it could not use, as run does, and counts trace jobs apart from listed ones", () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-'));
    writeCsvTraceScenario(dir, 'tr', 'id,submit,duration,gpus\na,0,3600,8\nb,10,1e400,8\nc,20,-5,4\nd,15,100,0\n');
    const v = poolsim('validate', join(dir, 's.yaml'));
    expect(v.code).toBe(0);
    // Each reason names its first row (line 1 is the header) and the value that was refused; a run
    // time is computed (in seconds), so it is said with the cells it came from.
    expect(v.stderr).toBe('  trace t.csv: 4 rows, 1 job used; 1 row: bad duration (first at line 3: "1e400", expected a number in s, or Slurm\'s elapsed time [DD-[HH:]]MM:SS (1-02:00:00, 02:00:00, 45:10)); 1 row: non-positive duration (first at line 4: "-5 s from duration -5 (s)"); 1 row: no GPU requested (first at line 5)\n');
    expect(v.stdout).toContain('0 listed jobs, 1 trace job, 0 generators');
    const r = poolsim('run', join(dir, 's.yaml'), '--out', join(dir, 'out'));
    expect(r.stderr).toContain(v.stderr);
  });

  it('counts a node list as nodes, not as trace jobs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-'));
    writeFileSync(join(dir, 'nodes.csv'), 'sn,cpu_milli,memory_mib,gpu,model\nn1,96000,786432,8,V100M32\nn2,96000,786432,0,\nn3,96000,786432,8,V100M32\n');
    writeFileSync(join(dir, 't.csv'), 'id,submit,duration,gpus\na,0,3600,8\nb,10,100,4\n');
    writeFileSync(
      join(dir, 's.yaml'),
      'name: tr\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { V100M32: V100-SXM2-32GB } }\nworkloads:\n  - trace: { format: csv, path: t.csv, reference_device: V100-SXM2-32GB, mapping: { submit: submit, duration: duration, devices: gpus, id: id } }\n',
    );
    const v = poolsim('validate', join(dir, 's.yaml'));
    expect(v.code).toBe(0);
    expect(v.stderr).toBe('  node list nodes.csv: 3 rows, 2 nodes used; 1 row: CPU-only node (first at line 3)\n  trace t.csv: 2 rows, 2 jobs used\n');
    expect(v.stdout).toContain('16 devices of 1 kind, 0 listed jobs, 2 trace jobs, 0 generators');
  });
});
