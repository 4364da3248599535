// Hard limits on what a scenario file may ask for, each with the reason it exists. Bounds on single
// fields live beside the fields (schema.ts, quantity.ts); the size of a whole run is estimated in
// model/size-estimate.ts.

/**
 * Longest simulated time: 1e10 s, about 317 years. Times are float64 seconds; at 1e10 s their
 * resolution is still 2e-6 s, and every product of a time with a bounded power, price or peak
 * stays finite. Times and durations beyond it are refused (set a horizon, or shorten the job).
 */
export const MAX_TIME_S = 1e10;

/**
 * Most devices on one node: 1024. A node here is one intra-node interconnect domain (every device
 * reaches every other at the interconnect's full per-device bandwidth, as through NVSwitch), and
 * the largest built or announced is 576 (NVIDIA's NVL576; GB200 NVL72 has 72, servers 8 or 16).
 * 100,000 devices behind one switch at 450 GB/s each is no machine; a bigger pool is more nodes.
 */
export const MAX_DEVICES_PER_NODE = 1024;

/** The message of a devices-per-node count beyond MAX_DEVICES_PER_NODE (schemas and node lists). */
export const DEVICES_PER_NODE_RANGE = `expected a whole number from 1 to ${MAX_DEVICES_PER_NODE} (a node is one intra-node interconnect domain: 8 or 16 in servers, 72 in a GB200 NVL72, 576 in the largest announced; more devices are more nodes)`;

/**
 * Most scale-out NICs on one node: 1024, the devices bound. The most built are a few per device
 * (AWS p5: 32 EFA NICs for 8 GPUs); 100,000 NICs on a node priced two nodes' fabric at 372 M.
 */
export const MAX_NICS_PER_NODE = 1024;

/**
 * A run without a horizon that is still going after a century of simulated time never will: the
 * simulator stops it (sim/simulation.ts), and the loader refuses up front one whose jobs, arrivals
 * or transfers provably outlast it. No planning question spans a century.
 */
export const MAX_OPEN_RUN_S = 100 * 365 * 86400;

/**
 * Largest scenario text: 4 MiB. Bundled scenarios are a few KB; parsing YAML costs about 15 us and
 * 150 bytes per node (measured with yaml 2.9 on Node 20: a 3 MB flow list of 1e6 numbers took 19 s
 * and 149 MB), so 4 MiB of the densest YAML parses in about 25 s. Request traces belong in files
 * (`arrival: { process: trace, file: ... }`), not inline.
 */
export const MAX_SCENARIO_BYTES = 4 * 2 ** 20;

/** Why a scenario text of `bytes` is refused: one message whether its size on disk or its text is judged. */
export function scenarioTooLarge(bytes: number): string {
  return `the scenario is ${(bytes / 2 ** 20).toFixed(1)} MiB; a scenario file may hold at most ${MAX_SCENARIO_BYTES / 2 ** 20} MiB (put request traces in a file: arrival: { process: trace, file: ... })`;
}

/** Deepest nesting of mappings and lists: a scenario needs about 8 levels. */
export const MAX_NESTING = 64;

/**
 * Alias expansions allowed per alias (yaml's maxAliasCount): enough for any legitimate reuse of
 * an anchor, far too few for a "billion laughs" document (each level multiplies the nodes).
 */
export const MAX_ALIAS_COUNT = 1000;
