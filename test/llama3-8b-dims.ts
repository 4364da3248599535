// Llama 3 8B's layer dimensions (Meta's configuration: 32 layers of 4,096, 32 heads, 8 KV heads, a
// SwiGLU FFN of 14,336), shared by the step-model tests that build a TrainingShape around them.
import type { TrainingShape } from '../src/model/training-layout.js';

export const LLAMA3_8B_DIMS = {
  params: 8e9,
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 8,
  ffnSize: 14336,
  gatedMlp: true,
} as const satisfies Partial<TrainingShape>;
