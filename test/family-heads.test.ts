// The family-shape table (training-layout.ts, FAMILIES) against its sources: a model known by its
// params alone takes its family's published heads and head width, not hidden_size / 128, where the
// two differ. One test per row that differed.
import { describe, expect, it } from 'vitest';
import { shapeWeights } from '../src/model/shape-weights.js';
import { headsOf } from '../src/model/shape-defaults.js';
import { resolveShape, tpDividesHeads } from '../src/model/training-layout.js';

const attentionWidth = (s: ReturnType<typeof resolveShape>): number => headsOf(s) * (s.headDim ?? s.hiddenSize / headsOf(s));

describe('family shapes: published heads and head widths', () => {
  it('GPT-3 2.7B: 32 heads of 80 (Brown et al. 2020, Table 2.1: n_heads 32, d_head 80), not 20 of 128', () => {
    const s = resolveShape(2.7e9);
    expect([s.layers, s.hiddenSize, headsOf(s), s.hiddenSize / headsOf(s), s.headDim]).toEqual([32, 2560, 32, 80, undefined]);
    // tp 8 splits 32 heads whole (it did not split the 20 derived).
    expect(tpDividesHeads(s, 8)).toBe(true);
  });

  it('GPT-3 XL (1.3B): 24 heads of 128 on a 2,048 width (Table 2.1: n_heads 24, d_head 128), not 16', () => {
    const s = resolveShape(1.3e9);
    expect([s.layers, s.hiddenSize, headsOf(s), s.headDim]).toEqual([24, 2048, 24, 128]);
    expect(attentionWidth(s)).toBe(3072);
    // The model still holds the params given: its FFN takes what the wider attention leaves.
    expect(Math.abs(shapeWeights(s).tied / 1.3e9 - 1)).toBeLessThan(0.01);
  });

  it('Megatron 1T: 160 heads of 160 (Narayanan et al. 2021, Table 1: 160 heads, hidden 25,600), not 200', () => {
    const s = resolveShape(1e12);
    expect([s.layers, s.hiddenSize, headsOf(s), s.hiddenSize / headsOf(s)]).toEqual([128, 25600, 160, 160]);
  });

  it('rows where hidden_size / 128 is the published count keep it (GPT-3 6.7B/175B, Llama 2 13B/70B, LLaMA 33B, Llama 3.1 405B)', () => {
    for (const [params, heads] of [[6.7e9, 32], [13e9, 40], [32.5e9, 52], [70e9, 64], [175e9, 96], [405e9, 128]] as const) {
      const s = resolveShape(params);
      expect([headsOf(s), s.headDim ?? 128, s.hiddenSize / headsOf(s)]).toEqual([heads, 128, 128]);
    }
  });

  it("a model that gives its own layers, width or heads takes none of the family's: as given, else hidden_size / 128", () => {
    expect(headsOf(resolveShape(2.7e9, { layers: 32, hidden_size: 2560 }))).toBe(20);
    expect(resolveShape(1.3e9, { hidden_size: 2048 }).headDim).toBeUndefined();
    const given = resolveShape(1.3e9, { heads: 16 });
    expect([headsOf(given), given.headDim]).toEqual([16, undefined]);
  });
});
