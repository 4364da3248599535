// Mixtral 8x7B's training shape (Jiang et al. 2024: 32 layers of 4096, SwiGLU experts of 14336, 8
// experts, top 2; 46.7B parameters), with sequence parallelism for tp > 1: shared by the MoE tests.
import type { TrainingShape } from '../src/model/training-layout.js';

export const MIXTRAL_8X7B: TrainingShape = {
  params: 46.7e9,
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 8,
  ffnSize: 14336,
  gatedMlp: true,
  vocab: 32_000,
  seqLen: 4096,
  globalBatchTokens: 256 * 4096,
  precisionBytes: 2,
  activationRecompute: false,
  attention: 'flash',
  sequenceParallel: true,
  moe: { experts: 8, topK: 2, expertFfnSize: 14336, sharedExperts: 0, denseLayers: 0 },
};
