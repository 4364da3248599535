// Every scenario field is described once (src/scenario/field-docs.ts), the JSON Schema that
// `poolsim schema` prints carries the descriptions, and docs/scenario-reference.md is the one
// generated from it: a new field without a description, a description of a field that is gone, or a
// stale reference fails here (CI runs this).
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, scenarioReference } from '../src/scenario/json-schema.js';
import { poolsim, repoPath } from './helpers.js';

const REGENERATE = 'regenerate it: npx poolsim schema --format markdown > docs/scenario-reference.md';

describe('scenario reference', () => {
  it('describes every field, and nothing else', () => {
    const { undescribed, unknownDocs } = scenarioJsonSchema();
    expect(undescribed, 'fields without a description in src/scenario/field-docs.ts').toEqual([]);
    expect(unknownDocs, 'descriptions in src/scenario/field-docs.ts of fields the schema does not have').toEqual([]);
  });

  it('docs/scenario-reference.md is the generated one', () => {
    const committed = readFileSync(repoPath('docs/scenario-reference.md'), 'utf8');
    expect(committed === scenarioReference(), `docs/scenario-reference.md is stale: ${REGENERATE}`).toBe(true);
  });

  // With no checkpointing block a failed job restarts paying preemption.restore (simulation.ts, at
  // a failure), and loses all progress since its last start or restore; the text spoke of preemption only.
  it('says what a failed job pays to restart without a checkpointing block', () => {
    const md = scenarioReference();
    expect(md).toMatch(/^\| `preemption\.restore` \| .*after a failure.*no `checkpointing` block/m);
    expect(md).toMatch(/^\| `checkpointing\.restart` \| .*`preemption\.restore`/m);
    expect(md).toMatch(/^\| `checkpointing` \| .*Absent: .*`preemption\.restore`/m);
  });

  it('lists fields with their unit, default and whether they are required', () => {
    const md = scenarioReference();
    expect(md).toMatch(/^\| `links\[\]\.latency` \| duration \(.*\) \| required \| One-way latency/m);
    expect(md).toMatch(/^\| `datacentres\[\]\.pue` \| number in \[1, 10\] \| `1` \| /m);
    // A field of one union branch (a distribution's mean) is not required of the others.
    expect(md).toMatch(/^\| `workloads\[\]\.generator\.devices\.mean` \| whole number > 0 \|  \| /m);
  });

  it('shows the defaults of quantities and policies (zod leaves out a transformed field\'s default: a repair of 1 h, a stream of 512 prompt tokens read as no default)', () => {
    const md = scenarioReference();
    expect(md).toMatch(/^\| `failures\.devices\.<name>\.repair` \| duration \(.*\) \| `3600` \| /m);
    expect(md).toMatch(/^\| `checkpointing\.cost` \| duration \(.*\) \| `60` \| /m);
    expect(md).toMatch(/^\| `checkpointing\.interval` \| .* \| `"auto"` \| /m);
    expect(md).toMatch(/^\| `services\[\]\.streams\[\]\.prompt_tokens` \| .* \| `\{"distribution":"fixed","value":512\}` \| /m);
    expect(md).toMatch(/^\| `services\[\]\.balancer` \| .* \| `\{"name":"power-of-two","params":\{\}\}` \| /m);
    expect(md).toMatch(/^\| `policy` \| .* \| `\{"name":"fifo","params":\{\}\}` \| /m);
  });

  it('the JSON Schema editors read accepts every bundled scenario and the forms the loader rewrites, and refuses what the loader refuses', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(scenarioJsonSchema().schema);
    const dir = repoPath('scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const ok = validate(parseYaml(readFileSync(`${dir}/${f}`, 'utf8')));
      expect(ok, `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
    const withTopology = (topology: unknown): unknown => ({
      name: 'g',
      datacentres: [{ name: 'east', topology, node_groups: [{ count: 2, device: 'H100' }] }],
      workloads: [{ jobs: [{ devices: 1, duration: '1h', reference_device: 'H100' }] }],
    });
    // A graph read from its own file (load-scenario.ts puts the file's graph in its place).
    expect(validate(withTopology({ kind: 'graph', path: 'fabrics/mine.yaml' })), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(withTopology({ kind: 'graph', switches: ['a'], attach: ['a', 'a'] }))).toBe(true);
    // Neither inline nor file: the loader refuses both; so does the schema.
    expect(validate(withTopology({ kind: 'graph', path: 'f.yaml', switches: ['a'] }))).toBe(false);
    expect(validate(withTopology({ kind: 'graph' }))).toBe(false);
    expect(validate(withTopology({ kind: 'leaf-spine', path: 'f.yaml' }))).toBe(false);
  });

  it('poolsim schema prints the described JSON Schema', () => {
    const r = poolsim('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, { description?: string; items?: { properties: Record<string, { description?: string }> } }> };
    expect(schema.properties.seed!.description).toMatch(/seed/i);
    expect(schema.properties.datacentres!.items!.properties.pue!.description).toMatch(/Power usage effectiveness/);
    const md = poolsim('schema', '--format', 'markdown');
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(scenarioReference());
  });
});
