// A scenario's fingerprint, the manifest's `scenario.sha256`: its text and every file it read. Taken
// where the scenario is loaded (the run's worker), apart from manifest.ts because it parses YAML to
// cut out `expect:`, and the command line's thread, which writes manifests, never parses YAML.
import { createHash } from 'node:crypto';
import { isMap, isPair, isScalar, parseDocument } from 'yaml';
import { sha256 } from './manifest.js';

/**
 * The identity of a scenario as run: its text and the bytes of every file it read, in the order
 * read. Editing the scenario, or the trace it replays, changes it; moving the folder does not. Its
 * `expect:` block is left out: expectations judge results without changing them, so tightening a
 * threshold does not make a committed baseline stale (and users are not taught to re-save blindly).
 */
export function scenarioFingerprint(text: string, inputs: readonly ({ path: string; bytes: string | Uint8Array } | { path: string; sha256: string })[] = []): string {
  const h = createHash('sha256');
  const run = withoutExpectations(text);
  h.update(`scenario\u0000${run.length}\u0000`).update(run);
  for (const i of inputs) {
    const digest = 'sha256' in i ? i.sha256 : sha256(i.bytes);
    h.update(`\u0000input\u0000${digest}`);
  }
  return h.digest('hex');
}

/** The text with its top-level `expect:` entry cut out (the rest byte for byte); the text itself when it has none. */
export function withoutExpectations(text: string): string {
  if (!/^expect\s*:/m.test(text)) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return text;
  const pair = doc.contents.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'expect');
  const start = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  const value = pair?.value as { range?: [number, number, number] } | null | undefined;
  const end = value?.range?.[2] ?? (pair && isScalar(pair.key) ? pair.key.range?.[2] : undefined);
  if (start === undefined || end === undefined) return text;
  return text.slice(0, start) + text.slice(end);
}
