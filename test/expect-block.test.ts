// An `expect:` block's refusals name the value found, in a scenario (under `expect`) as in a bare
// --expect file.
import { describe, expect, it } from 'vitest';
import { parseExpectFile, readExpectations } from '../src/experiment/expectations.js';
import { InputError } from '../src/scenario/errors.js';

function problems(read: () => unknown): string[] {
  try {
    read();
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected the block to be refused');
}

const BLOCK = `seeds: 0
relations:
  - { metric: utilisation, policy: fifo, below: sjf, at_least: -1 }
`;

describe('expect blocks', () => {
  it("a scenario's block says the value it refused, not 'nothing'", () => {
    // The values were looked up without the block's `expect` prefix: "got nothing" for 0 and -1.
    const text = `name: x\nexpect:\n${BLOCK.replace(/^/gm, '  ')}`;
    expect(problems(() => readExpectations(text, 'x.yaml'))).toEqual([
      '3: expect.seeds: expected a value > 0, got 0',
      '5: expect.relations[0].at_least: expected a value >= 0, got -1',
    ]);
  });

  it('an --expect file says the same, bare or under `expect:`', () => {
    expect(problems(() => parseExpectFile(BLOCK, 'e.yaml'))).toEqual([
      '1: seeds: expected a value > 0, got 0',
      '3: relations[0].at_least: expected a value >= 0, got -1',
    ]);
    expect(problems(() => parseExpectFile(`expect:\n${BLOCK.replace(/^/gm, '  ')}`, 'e.yaml'))).toEqual([
      '2: expect.seeds: expected a value > 0, got 0',
      '4: expect.relations[0].at_least: expected a value >= 0, got -1',
    ]);
  });
});
