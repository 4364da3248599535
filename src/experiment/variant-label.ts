// Labels of policy variants: what an experiment writes in the `policy` and `placement` columns. A
// policy is known by its own name (a plug-in's too); where an experiment has several variants of one
// name (two parameter sets, two modules), each label adds what tells them apart: `[module]` and
// `{key=value,...}` (keys sorted), e.g. `easy-backfill{reservations=2}`. The scenario's own policy
// run with other parameters than the scenario gives it is labelled with them even alone
// (`priority{}` where the scenario has `preemptive: true`): its bare name is what `run` prints for
// the scenario's configuration. Labels are distinct within
// an experiment and read back into the policy they name (check's expectations and baselines).
import { parse } from 'yaml';
import { isModuleName } from '../policy/registry.js';
import type { PolicyRef } from '../scenario/schema.js';

/** A policy as named (module path or built-in name, with parameters) and known (its own name). */
export interface Variant {
  ref: PolicyRef;
  ownName: string;
  /** The scenario's parameters, when the variant is the scenario's own policy (by name or module file). */
  scenarioParams?: Record<string, unknown>;
}

/** JSON with object keys sorted: equal values give equal text. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** True when two references name the same policy with the same parameters. */
export function sameRef(a: PolicyRef, b: PolicyRef): boolean {
  return a.name === b.name && stableJson(a.params) === stableJson(b.params);
}

const BARE = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const YAML_WORDS = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

function valueText(v: unknown): string {
  if (typeof v === 'string') return BARE.test(v) && !YAML_WORDS.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return stableJson(v);
}

/** `{key=value,...}`, keys sorted; `{}` for none. */
export function paramsText(params: Record<string, unknown>): string {
  return `{${Object.keys(params)
    .sort()
    .map((k) => `${k}=${valueText(params[k])}`)
    .join(',')}}`;
}

export class VariantError extends Error {}

/**
 * One label per variant, in order. Throws VariantError when two variants are the same policy with
 * the same parameters (they would be averaged as if they were seeds).
 */
export function variantLabels(variants: readonly Variant[]): string[] {
  for (let i = 0; i < variants.length; i++) {
    for (let j = 0; j < i; j++) {
      if (sameRef(variants[i]!.ref, variants[j]!.ref)) {
        const r = variants[i]!.ref;
        throw new VariantError(`'${r.name}'${Object.keys(r.params).length > 0 ? ` with ${paramsText(r.params)}` : ''} is listed twice (entries ${j + 1} and ${i + 1}): each variant once; seeds give the replications`);
      }
    }
  }
  const labels = variants.map((v) => {
    const group = variants.filter((w) => w.ownName === v.ownName);
    const notScenarios = v.scenarioParams !== undefined && stableJson(v.scenarioParams) !== stableJson(v.ref.params);
    if (group.length === 1) return notScenarios ? `${v.ownName}${paramsText(v.ref.params)}` : v.ownName;
    const refsDiffer = new Set(group.map((w) => w.ref.name)).size > 1;
    const paramsDiffer = new Set(group.map((w) => stableJson(w.ref.params))).size > 1;
    return `${v.ownName}${refsDiffer && isModuleName(v.ref.name) ? `[${v.ref.name}]` : ''}${paramsDiffer || notScenarios ? paramsText(v.ref.params) : ''}`;
  });
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) throw new VariantError(`two policies would both be labelled '${l}' (a plug-in named like another policy?): rename one`);
    seen.add(l);
  }
  return labels;
}

/**
 * The policy a label names: `name`, `name{key=value,...}` or `own-name[module]{...}` (the module then
 * is the policy's name). Throws VariantError on a malformed parameter list.
 */
export function parseVariantLabel(text: string): PolicyRef {
  const m = /^([^[{]+?)\s*(?:\[([^\]]+)\])?\s*(\{.*\})?$/s.exec(text.trim());
  if (!m) throw new VariantError(`'${text}': expected a policy name, optionally with parameters such as easy-backfill{reservations=2}`);
  const name = m[2] ?? m[1]!;
  const params: Record<string, unknown> = {};
  const inner = m[3]?.slice(1, -1).trim();
  if (inner) {
    for (const part of splitParams(inner)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new VariantError(`'${text}': expected key=value in the parameters, got '${part}'`);
      let value: unknown;
      try {
        value = parse(part.slice(eq + 1).trim());
      } catch {
        throw new VariantError(`'${text}': cannot read the value of '${part.slice(0, eq).trim()}'`);
      }
      params[part.slice(0, eq).trim()] = value;
    }
  }
  return { name, params };
}

/** Split `k=v,k=v` on commas outside brackets, braces and quoted strings. */
function splitParams(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') {
        cur += ch + (text[++i] ?? '');
        continue;
      }
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}
