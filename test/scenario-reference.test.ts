// Every scenario field is described once (src/scenario/field-docs.ts), the JSON Schema that
// `poolsim schema` prints carries the descriptions, and docs/scenario-reference.md is the one
// generated from it: a new field without a description, a description of a field that is gone, or a
// stale reference fails here (CI runs this).
import { readFileSync } from 'node:fs';
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

  it('lists fields with their unit, default and whether they are required', () => {
    const md = scenarioReference();
    expect(md).toMatch(/^\| `links\[\]\.latency` \| duration \(.*\) \| required \| One-way latency/m);
    expect(md).toMatch(/^\| `datacentres\[\]\.pue` \| number in \[1, 10\] \| `1` \| /m);
    // A field of one union branch (a distribution's mean) is not required of the others.
    expect(md).toMatch(/^\| `workloads\[\]\.generator\.devices\.mean` \| whole number > 0 \|  \| /m);
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
