// The W2 benchmark's inputs and its plain loop: CPython's generator reproduced draw for draw, and
// poolsim (FIFO, first fit) ending a small W2 at the plain loop's makespan, so the benchmark's
// ratio compares the same work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/bench/python-random.js';
import { engineMmc, rowsMmc } from '../src/bench/engine-bench.js';
import { generateW2, parseW2Csv, plainW2, rowsW2, w2ScenarioText, w2TraceCsv } from '../src/bench/w2-bench.js';
import { fileAccess } from '../src/experiment/file-access.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { simulate } from '../src/sim/simulation.js';

describe('PythonRandom', () => {
  it('draws what CPython 3 random.Random(seed) draws', () => {
    // python3 -c "import random; r=random.Random(12345); print([r.getrandbits(32) for _ in range(3)], r.random())"
    const r = new PythonRandom(12345);
    expect([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)]).toEqual([1789368711, 3146859322, 43676229]);
    expect(r.random()).toBe(0.8201747225612886);
  });
  it('generates the peers W2 sizes and durations (gen_traces.py, seed 2)', () => {
    const { size, dur } = generateW2(12);
    expect([...size]).toEqual([64, 64, 1, 1, 1, 4, 64, 2, 32, 64, 32, 64]);
    // Durations come after all sizes; the first for 12 jobs is 0x1.793513c1cb68ap-2 in CPython
    // (Math.log may differ from the C library's log in the last bit).
    expect(Math.abs(dur[0]! / 0.36836653585746915 - 1)).toBeLessThan(3e-16);
  });
});

describe("the floor's plain CSV parse", () => {
  it('reads back exactly the trace w2TraceCsv wrote, with or without the last newline', () => {
    const { size, dur } = generateW2(5000);
    const text = w2TraceCsv(size, dur);
    for (const t of [text, text.slice(0, -1)]) {
      const back = parseW2Csv(Buffer.from(t, 'latin1'));
      expect(back.size).toEqual(size);
      expect(back.dur).toEqual(dur);
    }
  });
  it('refuses a job not submitted at 0', () => {
    expect(() => parseW2Csv(Buffer.from('submit,duration,devices\n0,0.5,8\n3,0.25,1\n'))).toThrow(/line 3: submit 3/);
  });
});

describe('W2 plain loop and poolsim', () => {
  it('end a small W2 at the same makespan', () => {
    const { size, dur } = generateW2(3000);
    const plain = plainW2(size, dur, 40);
    expect(plain.events).toBe(6000);
    const dir = mkdtempSync(join(tmpdir(), 'w2-test-'));
    try {
      writeFileSync(join(dir, 'w2.csv'), w2TraceCsv(size, dur));
      const file = join(dir, 'w2.yaml');
      const text = w2ScenarioText('w2.csv', 40);
      const r = simulate(loadScenario(text, file, fileAccess(file)));
      expect(r.summary.jobs_completed).toBe(3000);
      expect(r.summary.makespan_s).toBeCloseTo(plain.makespanS, 9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the job index's floors (docs/performance.md, 'One job index')", () => {
  it('W2 over job rows ends at the plain loop\'s makespan, gangs and one-node jobs alike', () => {
    const { size, dur } = generateW2(3000);
    const plain = plainW2(size, dur, 40);
    const rows = rowsW2(size, dur, 40);
    expect(rows.events).toBe(plain.events);
    expect(rows.makespanS).toBe(plain.makespanS);
  });
  it('M/M/c over job rows serves the bare engine\'s queue (same draws, same waits)', () => {
    const bare = engineMmc(20_000);
    const rows = rowsMmc(20_000);
    expect(rows.events).toBe(bare.events);
    expect(rows.waitMeanS).toBeGreaterThan(0);
    expect(rows.waitMeanS).toBeCloseTo(bare.waitMeanS, 12);
  });
});
