// What an experiment's spread over seeds covers when a trace is sampled (`trace.sample`): each seed
// draws a sample of its own unless the trace pins it with `sample_seed` (model/resolve/trace-jobs.ts).
import type { Scenario } from '../scenario/schema.js';

/** One line per sampled trace saying which variation the 95% CI over `seeds` covers; none for one seed. */
export function sampleVariationNotes(scenario: Scenario, seeds: number): string[] {
  if (seeds < 2) return [];
  const notes: string[] = [];
  scenario.workloads.forEach((w, i) => {
    if (!('trace' in w) || w.trace.sample === undefined || w.trace.sample >= 1) return;
    const at = `workloads[${i}].trace`;
    notes.push(
      w.trace.sample_seed === undefined
        ? `${at}.sample: each seed replays a sample of its own, so the 95% CI covers which jobs were sampled as well as what is drawn while running (pin one sample with sample_seed)`
        : `${at}.sample_seed pins one sample for every seed: the 95% CI covers what is drawn while running, not which jobs were sampled`,
    );
  });
  return notes;
}
