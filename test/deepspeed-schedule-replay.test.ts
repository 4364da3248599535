// A replay of DeepSpeed's pipeline TrainSchedule (deepspeed/runtime/pipe/schedule.py, v0.5.x:
// `TrainSchedule.steps`, `_step_to_micro_batch`), each stage running its instructions in order and
// every transfer a rendezvous of the two stages (blocking send and receive, engine.py
// `_exec_schedule`). It backs what step-time.ts charges for `layout.pipeline_engine: deepspeed`:
// the schedule alone costs no more than plain 1F1B, and its separate send and receive instructions
// put close to (not more than) four transfers per micro-batch on the critical path.
import { describe, expect, it } from 'vitest';

type Op = { kind: 'F' | 'B' | 'RA' | 'SA' | 'RG' | 'SG'; mb: number };

/** One stage's instructions over a step, in TrainSchedule's order (loads, reductions and the optimizer step left out). */
function trainSchedule(stages: number, microBatches: number, stage: number): Op[] {
  const ops: Op[] = [];
  const valid = (mb: number): boolean => mb >= 0 && mb < microBatches;
  const even = (x: number): boolean => x % 2 === 0;
  let prev = -1;
  for (let step = 0; step < 2 * (microBatches + stages - 1); step++) {
    let mb: number;
    let forward: boolean;
    if (even(step) && even(stage)) [mb, forward] = [Math.floor(step / 2) - Math.floor(stage / 2), true];
    else if (!even(step) && !even(stage)) [mb, forward] = [Math.floor((step - 1) / 2) - Math.floor(stage / 2), true];
    else if (even(step) && !even(stage)) [mb, forward] = [Math.floor(step / 2) - stages + Math.floor((stage + 1) / 2), false];
    else [mb, forward] = [Math.floor((step - 1) / 2) - stages + 1 + Math.floor(stage / 2), false];
    if (forward) {
      if (valid(mb) && stage > 0) ops.push({ kind: 'RA', mb });
      if (valid(prev) && stage > 0) ops.push({ kind: 'SG', mb: prev });
    } else {
      if (valid(prev) && stage < stages - 1) ops.push({ kind: 'SA', mb: prev });
      if (valid(mb) && stage < stages - 1) ops.push({ kind: 'RG', mb });
    }
    if (valid(mb)) ops.push({ kind: forward ? 'F' : 'B', mb });
    prev = mb;
  }
  return ops;
}

/** The step's makespan: each stage in order, a transfer starting when both stages reach it and lasting transferS. */
function replay(stages: number, microBatches: number, forwardS: number, backwardS: number, transferS: number): number {
  const programs = Array.from({ length: stages }, (_, s) => trainSchedule(stages, microBatches, s));
  const pc = new Array<number>(stages).fill(0);
  const clock = new Array<number>(stages).fill(0);
  const peerOf: Record<string, [number, Op['kind']]> = { SA: [1, 'RA'], RA: [-1, 'SA'], SG: [-1, 'RG'], RG: [1, 'SG'] };
  for (;;) {
    let moved = false;
    for (let s = 0; s < stages; s++) {
      while (pc[s]! < programs[s]!.length) {
        const op = programs[s]![pc[s]!]!;
        if (op.kind === 'F' || op.kind === 'B') {
          clock[s]! += op.kind === 'F' ? forwardS : backwardS;
        } else {
          const [offset, wanted] = peerOf[op.kind]!;
          const p = s + offset;
          const theirs = programs[p]![pc[p]!];
          if (theirs?.kind !== wanted || theirs.mb !== op.mb) break;
          clock[s] = clock[p] = Math.max(clock[s]!, clock[p]!) + transferS;
          pc[p]!++;
        }
        pc[s]!++;
        moved = true;
      }
    }
    if (pc.every((x, s) => x === programs[s]!.length)) return Math.max(...clock);
    if (!moved) throw new Error('deadlock');
  }
}

describe("DeepSpeed's TrainSchedule replayed", () => {
  it('costs exactly plain 1F1B, (m + p - 1)(F + B), when transfers are free: no bubble of its own', () => {
    for (const [p, m, f, b] of [[4, 8, 1, 2], [4, 32, 1, 3], [12, 128, 1, 3], [35, 240, 1, 3], [35, 160, 2, 5]] as const) {
      expect(replay(p, m, f, b, 0)).toBe((m + p - 1) * (f + b));
    }
  });

  it('puts between 3.6 and 4 transfers per micro-batch slot on the critical path (MT-NLG, GPT-NeoX-20B and BLOOM shapes: 3.62-3.80): the four step-time.ts charges are an upper bound within 11%', () => {
    // Forward and backward with a full recompute (backward = 3 forwards), a transfer at 2% of a forward.
    for (const [p, m] of [[35, 240], [35, 160], [4, 32], [12, 128]] as const) {
      const free = replay(p, m, 1, 3, 0);
      const perSlot = (replay(p, m, 1, 3, 0.02) - free) / 0.02 / (m + p - 1);
      expect(perSlot).toBeGreaterThan(3.6);
      expect(perSlot).toBeLessThanOrEqual(4);
    }
  });
});
