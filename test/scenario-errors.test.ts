import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { applyAssignments } from '../src/experiment/scenario-edit.js';
import { scenarioFromText } from './helpers.js';

/** The messages a user sees for `text`, one per line. */
function problems(text: string): string {
  try {
    scenarioFromText(text, 'bad.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected the scenario to be rejected');
}

const POOL = `
datacentres:
  - name: east
    node_groups:
      - { count: 2, device: H100 }
`;

/** The scenario `name` on POOL with one listed job, `job` its flow mapping. */
const oneJob = (name: string, job: string): string => `name: ${name}${POOL}workloads:
  - jobs:
      - ${job}
`;

/** A service 'chat' with a stream 's' on POOL, edited as `sweep --set path=value` edits it. */
const chatWith = (path: string, value: string): string =>
  applyAssignments(
    `name: svc${POOL}services:
  - name: chat
    model: { params: 8B }
    replicas: { count: 1, device: H100, datacentre: east }
    streams: [{ name: s, arrival: { process: poisson, rate: 1/s }, count: 10 }]
`,
    [{ path, value }],
  );

describe('scenario errors', () => {
  it('an attention kernel poolsim does not know is refused at its field with the list, flash2 included (one name a kernel: `flash` is FlashAttention-2)', () => {
    const text = oneJob('kernel', '{ name: j, devices: 8, params: 1B, tokens: 1B, model: { attention: flash2 } }');
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:8:76: workloads[0].jobs[0].model.attention: expected one of 'flash', 'flash1', 'flash3', 'standard', got 'flash2'"`);
  });

  it('malformed YAML names the line and column', () => {
    expect(problems('name: x\ndatacentres: [\n  { name: a\n')).toMatchInlineSnapshot(`
      "bad.yaml:4:1: YAML syntax: Flow map in block collection must be sufficiently indented and end with a }
      bad.yaml:4:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]"
    `);
  });

  it("a second YAML document is refused in words a user can act on, not with the parser's advice to its programmer", () => {
    // It said "YAML syntax: Source contains multiple documents; please use YAML.parseAllDocuments()".
    expect(problems('name: x\n---\nname: y\n')).toBe("bad.yaml:2:1: the file holds one YAML document; a second one starts here (after a '---' line): remove it, or put each document in its own file");
  });

  it('a YAML tag beyond plain values is refused at its place, not described as a mapping', () => {
    // !!binary at the top made a byte array, answered with a hundred of its method names as
    // unknown keys; !!timestamp in a field made a date, "expected a string or a number, got a mapping".
    expect(problems('!!binary aGVsbG8=\n')).toMatchInlineSnapshot(`"bad.yaml:1:10: YAML tag !!binary: a scenario holds plain mappings, lists, strings, numbers and booleans; remove the tag"`);
    const text = `name: tags${POOL}workloads:
  - jobs:
      - { devices: 1, duration: !!timestamp 2001-12-14, reference_device: H100 }
      - { devices: 1, duration: !Ref other, reference_device: H100 }
      - { devices: 1, duration: !!str 1h, reference_device: H100 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:8:45: YAML tag !!timestamp: a scenario holds plain mappings, lists, strings, numbers and booleans; remove the tag
      bad.yaml:9:38: YAML tag !Ref: a scenario holds plain mappings, lists, strings, numbers and booleans; remove the tag"
    `);
  });

  it("a core tag the value does not fit, or a directive the parser skips, is refused at its place, not read as some other value", () => {
    // The parser only warned and went on: `name: !!null x` and `name: !!float 1` ran as the names
    // 'x' and '1', `!!seq {b: 1}` as a mapping, `%YAML 1.3` as 1.2, and `seed: !!float 7` was refused
    // as "expected a number, got '7'".
    const text = `name: !!null x${POOL}seed: !!float 7
workloads:
  - jobs: !!seq { a: 1 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:1:7: YAML tag !!null does not fit this value (a !!null is null, ~ or nothing): remove the tag; plain values need none
      bad.yaml:6:7: YAML tag !!float does not fit this value (a !!float has a point or an exponent: 7.0, 1e3): remove the tag; plain values need none
      bad.yaml:8:11: YAML tag !!seq does not fit this value (a !!seq is a list): remove the tag; plain values need none"
    `);
    expect(problems(`%YAML 1.3\n---\nname: x${POOL}workloads: []\n`)).toMatchInlineSnapshot(`"bad.yaml:1:7: YAML: Unsupported YAML version 1.3"`);
  });

  it('a YAML 1.1 base-60 number (`duration: 2:00`) is refused at its field, not read as that many seconds', () => {
    // Under `%YAML 1.1`, `2:00` is 120 and `1:30` is 90: a job of two hours ran for two minutes and
    // a horizon of an hour and a half stopped the run after 90 s, without a word.
    const text = `%YAML 1.1\n---\nname: sx\nhorizon: 1:30${POOL}workloads:\n  - jobs: [{ name: j, devices: 8, duration: 2:00, reference_device: H100 }]\n`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:4:10: horizon: '1:30' is a base-60 number in YAML 1.1 (90), not a time of day or a duration in hours or minutes: write it with its unit ('2h', '90min', '120s') or as a plain number
      bad.yaml:10:45: workloads[0].jobs[0].duration: '2:00' is a base-60 number in YAML 1.1 (120), not a time of day or a duration in hours or minutes: write it with its unit ('2h', '90min', '120s') or as a plain number"
    `);
    // The same file as YAML 1.2 takes them as strings, which no duration's unit fits.
    expect(problems(text.replace('%YAML 1.1\n---\n', ''))).toMatch(/horizon: unknown unit ':30': expected a duration such as .*, got '1:30'/);
  });

  it("a new device kind's missing fields are said as missing, not in zod's words", () => {
    // They read "needs every field: Invalid input: expected object, received undefined".
    const text = `name: newkind
devices:
  X: { peak: 1PFLOPS, memory: 80GiB, memory_bandwidth: 1TB/s, busy_power: 700W, idle_power: 100W }
datacentres:
  - name: east
    node_groups:
      - { count: 1, device: H100 }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: H100 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:3:6: devices.X.efficiency: new device kind 'X' needs every field: missing required field (expected a number)
      bad.yaml:3:6: devices.X.interconnect: new device kind 'X' needs every field: missing required field (expected a mapping)"
    `);
  });

  it('a new kind or preset whose definition is refused is not refused again, as unknown, everywhere it is used', () => {
    // Each use added "unknown device kind 'X'; \`poolsim devices\` lists the catalogue ..." (and
    // "unknown fabric preset 'F'; expected one of: ...") under the definition's own problems.
    const text = `name: uses
devices:
  X: { peak: 1PFLOPS, memory: 80GiB, memory_bandwidth: 1TB/s, busy_power: 700W, idle_power: 100W, efficiency: 0.5 }
fabrics: { F: { transport: other, port_rate: 100Gbps, hop_latency: 1us, endpoint_latency: 1us } }
datacentres:
  - name: east
    fabric: F
    node_groups:
      - { count: 1, device: X }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: X }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:3:6: devices.X.interconnect: new device kind 'X' needs every field: missing required field (expected a mapping)
      bad.yaml:4:15: fabrics.F.efficiency: new fabric preset 'F' needs every field: missing required field (expected a number)"
    `);
    // A kind nobody defined is still unknown.
    expect(problems(text.replace('device: X', 'device: Y'))).toContain("unknown device kind 'Y'");
  });

  it("a new fabric preset's missing fields are said as missing too", () => {
    // It read "fabrics.F.efficiency: Invalid input: expected number, received undefined".
    const text = `name: newfabric
fabrics: { F: { transport: other, port_rate: 100Gbps, hop_latency: 1us, endpoint_latency: 1us } }
datacentres:
  - name: east
    node_groups:
      - { count: 1, device: H100 }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: H100 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:2:15: fabrics.F.efficiency: new fabric preset 'F' needs every field: missing required field (expected a number)"`);
  });

  it('a misspelt key gets a did-you-mean, and all problems are reported at once', () => {
    const text = `name: typo
datacentres:
  - name: east
    node_groups:
      - { count: 2, devcie: H100 }
workloads:
  - jobs:
      - { devices: 1, duraton: 1h, device_kinds: [H100] }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:5:21: datacentres[0].node_groups[0].devcie: unknown key 'devcie' (did you mean 'device'?)
      bad.yaml:8:23: workloads[0].jobs[0].duraton: unknown key 'duraton' (did you mean 'duration'?)"
    `);
  });

  it('a key that begins several known ones names each: the nearest by spelling may mean something else', () => {
    // 'micro_batch: 2' meaning two sequences per micro-batch was answered with 'micro_batches'
    // (two micro-batches a step); 'micro_batch_size' is the field meant.
    const text = oneJob('prefix', '{ devices: 2, params: 1B, tokens: 1B, layout: { tp: 1, dp: 2, micro_batch: 2 } }');
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:8:71: workloads[0].jobs[0].layout.micro_batch: unknown key 'micro_batch' (did you mean 'micro_batches' or 'micro_batch_size'?)"`);
  });

  it('a misspelling of a key the mapping already has is said as one, not answered with the keys left', () => {
    // A sweep's --set or a pasted line can add 'duraton' beside 'duration': the keys still free
    // (the old answer) do not include the one the user meant.
    const text = oneJob('twin', '{ devices: 1, duration: 1h, duraton: 2h, reference_device: H100 }');
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:8:37: workloads[0].jobs[0].duraton: unknown key 'duraton' (a misspelling of 'duration'? 'duration' is given too)"`);
  });

  it('a value outside a union of literals lists every literal, not the first branch', () => {
    // 'expected one of '0', got 5' was the first branch's answer for ZeRO stages 0-3.
    const text = oneJob('zero', '{ devices: 8, params: 1B, tokens: 1B, layout: { tp: 8, dp: 1, zero: 5 } }');
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:8:77: workloads[0].jobs[0].layout.zero: expected one of 0, 1, 2, 3, got 5"`);
  });

  it('a word or a quantity: a bad quantity is said as the quantity says it, with the word as the other choice', () => {
    // 'expected one of 'auto', got '0s'' was the word's branch answering for a duration it never read.
    const text = (interval: string): string => `name: ckpt${POOL}workloads:
  - jobs:
      - { devices: 8, duration: 1h, reference_device: H100 }
checkpointing:
  interval: ${interval}
`;
    expect(problems(text('0s'))).toMatchInlineSnapshot(`"bad.yaml:10:13: checkpointing.interval: expected 'auto' or a positive duration, got '0s'"`);
    expect(problems(text('abc'))).toMatchInlineSnapshot(`"bad.yaml:10:13: checkpointing.interval: expected 'auto' or a duration such as '800ns', '5us', '1.5ms', '30s', '2h' or '7d', got 'abc'"`);
    expect(problems(text('{ every: 1h }'))).toMatchInlineSnapshot(`"bad.yaml:10:13: checkpointing.interval: expected 'auto' or a string or a number, got a mapping"`);
    // The word and a good quantity load.
    expect(scenarioFromText(text('auto'), 'ok.yaml').warnings).toEqual([]);
    expect(scenarioFromText(text('30min'), 'ok.yaml').warnings).toEqual([]);
  });

  it('a missing field that takes one of several forms is said to be missing, not to be "nothing"', () => {
    const text = `name: svc${POOL}services:
  - name: chat
    model: { params: 70B }
    replicas: { count: 1, tensor_parallel: 8, device: H100 }
    streams: [{ name: s, arrival: { process: poisson, rate: 1/s }, prompt_tokens: 100, output_tokens: 10 }]
`;
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:9:15: services[0].replicas.datacentre: missing required field (expected a string or a list)"`);
  });

  it('a seed above 10^15 - 1 is refused quoting what the file writes, not the float it was rounded to', () => {
    // 'seed: 9007199254740993' said "expected a value <= 9007199254740991, got 9007199254740992".
    const jobs = `workloads:\n  - jobs:\n      - { devices: 1, duration: 1h, reference_device: H100 }\n`;
    expect(problems(`name: s\nseed: 9007199254740993${POOL}${jobs}`)).toBe(
      "bad.yaml:2:7: seed: expected a whole number from 0 to 999999999999999 (10^15 - 1; the CSV files write a larger number with ten significant digits, so not as the seed run), got 9007199254740993",
    );
    expect(problems(`name: s\nseed: 1.0e17${POOL}${jobs}`)).toContain('seed: expected a whole number from 0 to 999999999999999 (10^15 - 1; the CSV files write a larger number with ten significant digits, so not as the seed run), got 1.0e17');
    expect(problems(`name: s${POOL}${jobs}expect:\n  seed_base: 9007199254740993\n  metrics: { utilisation: { min: 0 } }\n`)).toContain('expect.seed_base: expected a whole number from 0 to 999999999999999 (10^15 - 1; the CSV files write a larger number with ten significant digits, so not as the seed run), got 9007199254740993');
    expect(problems(`name: s\nseed: 9007199254740991${POOL}${jobs}`)).toContain('seed: ' + 'expected a whole number from 0 to 999999999999999');
    expect(scenarioFromText(`name: s\nseed: 999999999999999${POOL}${jobs}`, 'ok.yaml').scenario.seed).toBe(999999999999999);
  });

  it('a negative duration says what was expected', () => {
    const text = oneJob('neg', '{ devices: 1, duration: -2h, reference_device: H100 }');
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:8:33: workloads[0].jobs[0].duration: expected a non-negative value: a duration such as '800ns', '5us', '1.5ms', '30s', '2h' or '7d', got '-2h'"`);
  });

  it('a field that takes a value or a mapping names the problem inside the mapping', () => {
    // The duration distribution's shorthand (a bare duration) cannot take a mapping: the complaint
    // is the lognormal's median, not the mapping's type.
    const text = `name: neg-median${POOL}workloads:
  - generator:
      count: 3
      arrival: { process: fixed, interval: 1h }
      devices: 1
      duration: { distribution: lognormal, median: -45min, sigma: 1.2 }
      reference_device: H100
`;
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:11:52: workloads[0].generator.duration.median: expected a non-negative value: a duration such as '800ns', '5us', '1.5ms', '30s', '2h' or '7d', got '-45min'"`);
  });

  it('a list of jobs with more problems than another workload form has is answered with every job', () => {
    // Three bad jobs made the `generator` form (missing generator, unknown key 'jobs': two
    // complaints) look closer, and its unknown key was answered with the scenario's top-level keys.
    const text = `name: jobs3${POOL}workloads:
  - jobs:
      - { devices: 1, duration: 0, reference_device: H100 }
      - { devices: 1, duration: 0, reference_device: H100 }
      - { devices: 1, duration: '', reference_device: H100 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:8:33: workloads[0].jobs[0].duration: expected a positive duration, got '0'
      bad.yaml:9:33: workloads[0].jobs[1].duration: expected a positive duration, got '0'
      bad.yaml:10:33: workloads[0].jobs[2].duration: expected a duration such as '800ns', '5us', '1.5ms', '30s', '2h' or '7d', got ''"
    `);
  });

  it("a key another form of a union takes is answered with the form written, not as a misspelling of itself", () => {
    // 'rate' beside process: fixed read "unknown key 'rate' (a misspelling of 'rate'? 'rate' is given
    // too)"; 'mean' in a fixed distribution "did you mean 'median'?" (a lognormal's); 'extra' beside
    // jobs listed the other workload forms; a misspelt 'intervl' also reported 'interval' missing.
    const text = `name: forms${POOL}workloads:
  - generator: { count: 3, arrival: { process: fixed, interval: 1h, rate: 1/h }, devices: 1, duration: 1h, reference_device: H100 }
  - generator: { count: 3, arrival: { process: fixed, intervl: 1h }, devices: 1, duration: 1h, reference_device: H100 }
  - generator: { count: 3, arrival: { process: poisson, interval: 1h }, devices: { distribution: fixed, value: 1, mean: 3 }, duration: 1h, reference_device: H100 }
  - jobs: [{ devices: 1, duration: 1h, reference_device: H100 }]
    extra: 1
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:7:69: workloads[0].generator.arrival.rate: unknown key 'rate'; expected one of: process, interval
      bad.yaml:8:55: workloads[1].generator.arrival.intervl: unknown key 'intervl' (did you mean 'interval'?)
      bad.yaml:9:57: workloads[2].generator.arrival.interval: unknown key 'interval'; expected one of: process, rate, mean_interval
      bad.yaml:9:115: workloads[2].generator.devices.mean: unknown key 'mean'; expected one of: distribution, value
      bad.yaml:11:5: workloads[3].extra: unknown key 'extra'; expected one of: jobs"
    `);
  });

  it('a list too long says at most, or exactly, how many items it takes', () => {
    // Both read "expected at least ... item(s)": "at least undefined" for a link between three
    // sites, "at least 24" for 25 hourly figures.
    const text = `name: lengths
datacentres:
  - { name: a, carbon_intensity: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1], node_groups: [{ count: 1, device: H100 }] }
  - { name: b, node_groups: [{ count: 1, device: H100 }] }
links:
  - { between: [a, b, a], latency: 2ms, bandwidth: 400Gbps }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: H100 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:3:34: datacentres[0].carbon_intensity: expected exactly 24 item(s), got a list of 25
      bad.yaml:6:16: links[0].between: expected at most 2 item(s), got a list of 3"
    `);
  });

  it('an unknown key is answered with every key its mapping takes, those given included', () => {
    // A sweep's \`--set services.chat.count=4\` (the count lives in its replicas) was answered with
    // the four keys the service had not given: "expected one of: prefill, decode, chunked_prefill,
    // kv_streaming", without the 'replicas' meant; the same in a file or any mapping.
    const text = chatWith('services.chat.count', '4');
    expect(problems(text)).toBe(
      "bad.yaml:11:5: services[0].count: unknown key 'count'; expected one of: name, model, replicas, prefill, decode, max_batch, chunked_prefill, kv_streaming, balancer, slo, regions, streams",
    );
  });

  it("a key far from every key given is not called a misspelling of one", () => {
    // \`--set services.chat.streams.s.rate=2/s\` (a stream's rate lives in its arrival) read "unknown
    // key 'rate' (a misspelling of 'name'? 'name' is given too)", two letters of four off.
    const text = chatWith('services.chat.streams.s.rate', '2/s');
    expect(problems(text)).toMatch(/services\[0\]\.streams\[0\]\.rate: unknown key 'rate'; expected one of: name, region, arrival, /);
  });

  it('a misspelt workload form is said once, as the misspelling', () => {
    const text = `name: generatr${POOL}workloads:
  - generatr: { count: 2, arrival: { process: fixed, interval: 1h }, devices: 1, duration: 1h, reference_device: H100 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:7:5: workloads[0].generatr: unknown key 'generatr' (did you mean 'generator'?)"`);
  });

  it('a field that takes a number or a list names both when it gets neither', () => {
    const text = `name: bad-price
datacentres:
  - name: east
    electricity_price: .06e
    node_groups:
      - { count: 2, device: H100 }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: H100 }
`;
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:4:24: datacentres[0].electricity_price: expected a number or a list, got '.06e'"`);
  });

  it('a name listed twice in a list of names is refused at the second one', () => {
    // Device kinds match ignoring case and separators, so 'h-100' is H100 again.
    const text = `name: twice${POOL}  - name: west
    node_groups:
      - { count: 2, device: H100 }
links:
  - { between: [east, west], latency: 1ms, bandwidth: 100Gbps }
services:
  - name: chat
    model: { params: 8B }
    replicas: { count: 2, tensor_parallel: 1, device: H100, datacentre: [east, east] }
    streams:
      - { arrival: { process: poisson, rate: 1/s }, prompt_tokens: 100, output_tokens: 100 }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: H100, device_kinds: [H100, h-100] }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:19:82: workloads[0].jobs[0].device_kinds[1]: 'h-100' is listed twice (items 0 and 1): list each once
      bad.yaml:14:80: services[0].replicas.datacentre[1]: 'east' is listed twice (items 0 and 1): list each once"
    `);
  });

  it('an unknown device kind suggests the nearest one', () => {
    const text = `name: unknown-kind
datacentres:
  - name: east
    node_groups:
      - { count: 2, device: H10 }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: A100-80G }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:5:29: datacentres[0].node_groups[0].device: unknown device kind 'H10' (did you mean 'H100'?); \`poolsim devices\` lists the catalogue, and 'devices:' in the scenario adds kinds
      bad.yaml:8:55: workloads[0].jobs[0].reference_device: unknown device kind 'A100-80G' (did you mean 'A100-80GB'?); \`poolsim devices\` lists the catalogue, and 'devices:' in the scenario adds kinds"
    `);
  });

  it("a vendor's full name of a kind suggests the kind its leading parts name, not the nearest spelling", () => {
    // 'H100-SXM5-80GB' was answered "did you mean 'V100-SXM2-16GB'?" (four characters off, another
    // generation), 'MI300X-OAM' with no suggestion.
    const text = `name: full-names
datacentres:
  - name: east
    node_groups:
      - { count: 2, device: H100-SXM5-80GB }
workloads:
  - jobs:
      - { devices: 1, duration: 1h, reference_device: MI300X-OAM }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:5:29: datacentres[0].node_groups[0].device: unknown device kind 'H100-SXM5-80GB' (did you mean 'H100'?); \`poolsim devices\` lists the catalogue, and 'devices:' in the scenario adds kinds
      bad.yaml:8:55: workloads[0].jobs[0].reference_device: unknown device kind 'MI300X-OAM' (did you mean 'MI300X'?); \`poolsim devices\` lists the catalogue, and 'devices:' in the scenario adds kinds"
    `);
  });

  it('a number beyond a float64, or a whole number beyond 2^53, is quoted as written, not as what it was read as', () => {
    // `count: 1e400` read "expected a number, got Infinity"; a count of 2^53 + 1 "expected a value <=
    // 9007199254740991, got 9007199254740992" (the nearest double, not what was written).
    const text = `name: huge
datacentres:
  - name: east
    pue: -1e400
    node_groups:
      - { count: 1e400, device: H100 }
links: []
workloads:
  - generator: { count: 9007199254740993, arrival: { process: fixed, interval: 1h }, devices: 1, duration: 1h, reference_device: H100 }
`;
    expect(problems(text).split('\n')).toEqual([
      "bad.yaml:4:10: datacentres[0].pue: '-1e400' is beyond the largest number poolsim can hold (about 1.8e308 either side of 0); expected a number",
      "bad.yaml:6:18: datacentres[0].node_groups[0].count: '1e400' is beyond the largest number poolsim can hold (about 1.8e308 either side of 0); expected a number",
      'bad.yaml:9:25: workloads[0].generator.count: expected a value <= 9007199254740991, got 9007199254740993',
    ]);
  });

  it("YAML's own .inf, -.inf and .nan are quoted as written and named, not said as 'Infinity' or 'NaN'", () => {
    // `pue: .inf` read "expected a number, got Infinity": as though infinity were not a number, with a
    // word the file does not hold.
    const text = `name: inf
datacentres:
  - name: east
    pue: .inf
    electricity_price: -.inf
    carbon_intensity: .nan
    node_groups:
      - { count: 1, device: H100 }
workloads:
  - jobs: [{ devices: 1, duration: 1h, reference_device: H100 }]
`;
    const said = problems(text);
    expect(said).toContain("datacentres[0].pue: expected a finite number, got '.inf' (YAML's infinity)");
    expect(said).toContain("datacentres[0].electricity_price: expected a finite number, got '-.inf' (YAML's minus infinity)");
    expect(said).toContain("datacentres[0].carbon_intensity: expected a finite number, got '.nan' (YAML's not-a-number)");
    expect(said).not.toMatch(/Infinity|NaN/);
  });

  it('a job larger than the pool is reported before anything runs', () => {
    const text = oneJob('too-big', '{ name: huge, devices: 64, params: 7B, tokens: 1B, device_kinds: [H100] }');
    expect(problems(text)).toMatchInlineSnapshot(`"bad.yaml:8:32: workloads[0].jobs[0].devices: job needs 64 devices of one kind (H100) but the pool has at most 16; it could never start"`);
  });

  it('wrong types, missing sections and bad enum values', () => {
    const text = `name: types
seed: many
datacentres:
  - name: east
    pue: 0.5
    node_groups: []
workloads:
  - generator:
      arrival: { process: sometimes }
      devices: 1
      duration: 1h
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:2:7: seed: expected a number, got 'many'
      bad.yaml:5:10: datacentres[0].pue: expected a value in [1, 10], got 0.5
      bad.yaml:9:27: workloads[0].generator.arrival.process: expected one of 'poisson', 'fixed', got 'sometimes'"
    `);
  });

  // A name that begins with '-' or '+' ('-east') was refused as "expected a name of letters, digits,
  // . _ + -", which it is: the message did not say that the first character must be a letter or digit.
  it('says a name must start with a letter or digit', () => {
    expect(problems('name: -east\ndatacentres:\n  - { name: +dc, node_groups: [{ count: 1, device: H100 }] }\nworkloads:\n  - jobs: [{ name: j, devices: 1, duration: 10s, reference_device: H100 }]\n')).toBe(
      "bad.yaml:1:7: name: expected a name of letters, digits, . _ + -, starting with a letter or digit\nbad.yaml:3:13: datacentres[0].name: expected a name of letters, digits, . _ + -, starting with a letter or digit",
    );
  });

  // An empty text where a name or a path is required said "expected a value >= 1, got ''": a
  // number's bound for a string's length (a device kind, a trace path, a policy's name).
  it('an empty text where one is required is refused as empty, not as a number below 1', () => {
    const text = `name: empty
datacentres:
  - name: east
    node_groups: [{ count: 1, device: "" }]
workloads:
  - trace: { path: "", format: philly }
policy: { name: "" }
`;
    expect(problems(text)).toMatchInlineSnapshot(`
      "bad.yaml:4:39: datacentres[0].node_groups[0].device: expected a non-empty text, got ''
      bad.yaml:6:20: workloads[0].trace.path: expected a non-empty text, got ''
      bad.yaml:7:17: policy.name: expected a non-empty text, got ''"
    `);
  });

  // A transfer after and before the same job (or a ring of transfers and jobs) was accepted: the
  // run stopped at t=7200 s with "job 'j1' waits for 1 transfer(s) ... This is a bug in poolsim;
  // please report it", exit 1.
  it('transfers and jobs that wait for each other in a ring are refused before anything runs', () => {
    const pool = `datacentres:
  - { name: east, node_groups: [{ count: 1, device: H100 }] }
  - { name: west, node_groups: [{ count: 1, device: H100 }] }
links: [{ between: [east, west], latency: 1ms, bandwidth: 100Gbps }]
workloads:
  - jobs:
      - { name: a, devices: 1, duration: 1h, reference_device: H100 }
      - { name: b, devices: 1, duration: 1h, reference_device: H100 }
      - { name: c, devices: 1, duration: 1h, reference_device: H100 }
`;
    expect(problems(`name: ring1
${pool}transfers:
  - { name: t, from: east, to: west, size: 1TB, after: a, before: a }
`)).toMatchInlineSnapshot(`"bad.yaml:12:5: transfers[0]: job 'a' waits for this transfer, which waits for job 'a' to finish: none of them could ever start; drop 'after' or 'before' from one transfer of the ring"`);
    expect(problems(`name: ring3
${pool}transfers:
  - { name: ab, from: east, to: west, size: 1TB, after: a, before: b }
  - { name: bc, from: west, to: east, size: 1TB, after: b, before: c }
  - { name: ca, from: east, to: west, size: 1TB, after: c, before: a }
  - { name: ac, from: east, to: west, size: 1TB, after: a, before: c }
`)).toMatchInlineSnapshot(`
  "bad.yaml:14:5: transfers[2]: job 'a' waits for this transfer, which waits for job 'c' to finish, which waits for transfer 'bc', which waits for job 'b' to finish, which waits for transfer 'ab', which waits for job 'a' to finish: none of them could ever start; drop 'after' or 'before' from one transfer of the ring
  bad.yaml:15:5: transfers[3]: job 'c' waits for this transfer, which waits for job 'a' to finish, which waits for transfer 'ca', which waits for job 'c' to finish: none of them could ever start; drop 'after' or 'before' from one transfer of the ring"
`);
  });
});
