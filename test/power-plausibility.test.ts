// A power no board or server draws is warned at its line: a number without a unit is watts, so
// `host_power: 1` (meant as 1 kW) made every node's host draw 1 W, and a run's energy, cost and
// carbon came out without the hosts, with no sign of it.
import { describe, expect, it } from 'vitest';
import { scenarioFromText } from './helpers.js';

const scenario = (group: string, devices = ''): string => `name: power
${devices}datacentres:
  - name: east
    node_groups:
      - { name: a, count: 2, device: H100${group} }
workloads:
  - jobs: [{ name: j, devices: 8, duration: 1h, reference_device: H100 }]
`;

const warnings = (group: string, devices = ''): string[] => scenarioFromText(scenario(group, devices)).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('implausible power figures', () => {
  it('warns a bare host power read as watts, with the likely meaning', () => {
    expect(warnings(', host_power: 1')).toEqual([
      "5:datacentres[0].node_groups[0].host_power: 1 W is less than any server host (CPUs, memory, NICs, fans) draws; a number without a unit is watts: write '1kW' if kilowatts were meant",
    ]);
    expect(warnings(', host_power: 2.5W')).toEqual([
      "5:datacentres[0].node_groups[0].host_power: 2.5 W is less than any server host (CPUs, memory, NICs, fans) draws; '2.5W' is 2.5 W: write '2.5kW' if kilowatts were meant",
    ]);
  });

  it('says nothing of a real host power, or of none (hosts left out of energy)', () => {
    expect(warnings(', host_power: 1kW')).toEqual([]);
    expect(warnings(', host_power: 900')).toEqual([]);
    expect(warnings('')).toEqual([]);
  });

  it("warns a device kind's board power the same way", () => {
    const w = warnings('', 'devices:\n  H100: { busy_power: 0.7 }\n');
    expect(w).toEqual([
      "3:devices.H100.busy_power: 0.7 W is less than any accelerator board draws; a number without a unit is watts: write '0.7kW' if kilowatts were meant",
    ]);
  });
});

describe('an idle power above the busy power', () => {
  // Accepted without a word: `H100: { idle_power: 800W }` (a board's busy figure written in the
  // idle field, against the catalogue's 700 W busy) made every idle device draw more than a busy
  // one, so a run's energy rose as its utilisation fell, and a policy that left devices idle looked
  // worse on energy than one that kept them busy.
  const refusal = (devices: string): string => {
    try {
      scenarioFromText(scenario('', devices));
    } catch (e) {
      return String((e as Error).message);
    }
    return 'accepted';
  };

  it('is refused at the field written, with both figures', () => {
    expect(refusal('devices:\n  H100: { idle_power: 800W }\n')).toMatch(
      /test\.yaml:3:\d+: devices\.H100\.idle_power: idle_power 800 W is more than busy_power 700 W \(the kind's\): a board draws more computing than idle/,
    );
    expect(refusal('devices:\n  H100: { busy_power: 50W }\n')).toMatch(/devices\.H100\.busy_power: idle_power 70 W \(the kind's\) is more than busy_power 50 W/);
    expect(refusal('devices:\n  H100: { busy_power: 300W, idle_power: 400W }\n')).toMatch(/devices\.H100\.idle_power: idle_power 400 W is more than busy_power 300 W:/);
  });

  it('accepts an idle power up to the busy power', () => {
    expect(refusal('devices:\n  H100: { idle_power: 700W }\n')).toBe('accepted');
    expect(refusal('devices:\n  H100: { busy_power: 500W, idle_power: 100W }\n')).toBe('accepted');
  });
});
