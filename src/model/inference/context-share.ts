// The expected share of a stream's drawn requests that a model's window (`context_length`) turns
// away or cuts, as the stream draws them (sim/inference/request-streams.ts): prompt and output
// each drawn independently, rounded to whole tokens, at least 1. A prompt of the window or more is
// rejected; a prompt p below it with an output over window - p is cut (vLLM's max_model_len).
// Exact for fixed, empirical and uniform prompts (up to MAX_TERMS whole prompt lengths); the
// exponential and lognormal tails are the closed forms of draw-share.ts.
import type { Distribution } from '../../scenario/distribution.js';
import { maxOf, minOf } from '../../scenario/distribution.js';
import { shareAbove } from '../draw-share.js';

/** Whole prompt lengths summed one by one; a wider range is summed in as many equal bands. */
const MAX_TERMS = 100_000;

/** P(prompt >= window) and P(prompt < window and prompt + output > window), for a window >= 1. */
export function contextShares(prompt: Distribution, output: Distribution, window: number): { rejected: number; cut: number } {
  // P(max(1, round(X)) > k) for a whole k >= 0 (every draw is at least 1).
  const above = (d: Distribution, k: number): number => (k < 1 ? 1 : shareAbove(d, k));
  const rejected = above(prompt, window - 1);
  let cut = 0;
  if (prompt.distribution === 'fixed' || prompt.distribution === 'empirical') {
    const values = prompt.distribution === 'fixed' ? [prompt.value] : prompt.values;
    const weights = prompt.distribution === 'fixed' ? [1] : values.map((_, i) => prompt.weights?.[i] ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    values.forEach((v, i) => {
      const p = Math.max(1, Math.round(v));
      if (p < window && total > 0) cut += (weights[i]! / total) * above(output, window - p);
    });
  } else {
    // Prompt lengths lo..hi below the window, in bands [a, b] of whole lengths; each band's mass
    // times the output share over the window left by its middle length.
    const lo = Math.max(1, Math.round(minOf(prompt)));
    const hi = Math.min(window - 1, Math.max(1, Math.round(maxOf(prompt))));
    const span = hi - lo + 1;
    const bands = Math.min(span, MAX_TERMS);
    for (let j = 0; j < bands; j++) {
      const a = lo + Math.floor((j * span) / bands);
      const b = lo + Math.floor(((j + 1) * span) / bands) - 1;
      const mass = above(prompt, a - 1) - above(prompt, b);
      if (mass > 0) cut += mass * above(output, window - Math.round((a + b) / 2));
    }
  }
  return { rejected, cut: Math.min(cut, 1 - rejected) };
}
