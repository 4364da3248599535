// A Weibull `shape` on a failure process that is exponential (the default distribution) was
// ignored without a word: `{ mtbf: 10h, shape: 0.7 }`, written to model infant mortality, drew
// exponential gaps, so the run's failures were not the ones asked for. It is refused at the field,
// saying to add `distribution: weibull`; a shape of 1 (the exponential itself) stays accepted.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const text = (failures: string): string => `name: shape
datacentres:
  - { name: a, fabric: IB-NDR, topology: { kind: leaf-spine, nodes_per_leaf: 1 }, node_groups: [{ count: 2, device: H100 }] }
  - { name: b, node_groups: [{ count: 1, device: H100 }] }
links:
  - { between: [a, b], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - jobs: [{ name: j, devices: 16, params: 1B, tokens: 20B }]
failures:
${failures}`;

const problems = (failures: string): string => {
  try {
    scenarioFromText(text(failures));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.message;
  }
  return 'accepted';
};

describe('a Weibull shape on an exponential failure process', () => {
  it('is refused at its field, for every process', () => {
    expect(problems('  devices: { H100: { mtbf: 10h, shape: 0.7 } }\n')).toMatch(
      /test\.yaml:10:40: failures\.devices\.H100\.shape: a shape of 0\.7 shapes Weibull gaps, but this process is exponential \(`distribution` absent or exponential\), which has none: add `distribution: weibull`, or leave `shape` out/,
    );
    expect(problems('  nodes: { mtbf: 10h, shape: 2 }\n')).toMatch(/failures\.nodes\.shape: a shape of 2 shapes Weibull gaps/);
    expect(problems('  links: { mtbf: 10h, shape: 2, distribution: exponential }\n')).toMatch(/failures\.links\.shape: a shape of 2/);
    expect(problems('  fabric: { switches: { mtbf: 10h, shape: 3 } }\n')).toMatch(/failures\.fabric\.switches\.shape: a shape of 3/);
    expect(problems('  fabric: { links: { mtbf: 10h, shape: 3 } }\n')).toMatch(/failures\.fabric\.links\.shape: a shape of 3/);
  });

  it('is accepted with distribution: weibull, and a shape of 1 either way', () => {
    expect(problems('  devices: { H100: { mtbf: 10h, shape: 0.7, distribution: weibull } }\n')).toBe('accepted');
    expect(problems('  devices: { H100: { mtbf: 10h, shape: 1 } }\n  nodes: { mtbf: 10h }\n')).toBe('accepted');
  });

  it('and distribution: weibull without a shape, which was the exponential (k = 1), is refused too', () => {
    expect(problems('  devices: { H100: { mtbf: 10h, distribution: weibull } }\n')).toMatch(
      /test\.yaml:10:\d+: failures\.devices\.H100\.distribution: a Weibull process needs its `shape` \(k\): without one it is 1, the exponential itself; give the shape \(k < 1: failures cluster early; k > 1: wear-out\), or leave `distribution` out/,
    );
    expect(problems('  fabric: { links: { mtbf: 10h, distribution: weibull } }\n')).toMatch(/failures\.fabric\.links\.distribution: a Weibull process needs its `shape`/);
    expect(problems('  nodes: { mtbf: 10h, distribution: weibull, shape: 1 }\n')).toBe('accepted');
  });
});
