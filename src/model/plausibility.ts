// Figures no real hardware has, warned rather than refused (a what-if may want them): the likely
// cause is a bare number read in base units or a unit one letter short, and the warning says what
// was probably meant.
import type { PathKey, SourceMap } from '../scenario/errors.js';
import type { FabricPreset } from '../scenario/hardware-schema.js';
import { formatDuration, formatSI } from '../units/units.js';

/** Light in fibre (about 2e8 m/s) covers 20,000 km, half the Earth's circumference, in 100 ms. */
const LONGEST_FIBRE_S = 0.1;
/** 1 Mb/s: slower than any link a compute pool's sites would be joined by. */
const SLOWEST_LINK_BYTES_PER_S = 1e6 / 8;

/**
 * A long-haul link's figures that no real link has are warned, not refused (a what-if may want
 * them), because the likely cause is a bare number read in base units (`latency: 2` is 2 s, not
 * 2 ms; `bandwidth: 400` is 400 bytes/s) or a unit one letter short (`2m` is two minutes). The hint
 * names the cause that fits what was written: `written` is the scalar as the file has it, if known.
 */
export function implausibleLink(
  latencyS: number,
  bytesPerS: number,
  at: readonly PathKey[],
  written: (field: 'latency' | 'bandwidth') => number | string | undefined,
  warn: (path: readonly PathKey[], message: string) => void,
): void {
  if (latencyS === 0) {
    warn([...at, 'latency'], 'a one-way latency of 0 s between two sites: even sites in one building are a few microseconds of fibre and switching apart, so every collective and transfer crossing this link is timed as if it took no time to cross; give the measured or fibre-length latency (about 5 us per km)');
  } else if (latencyS > 2 * LONGEST_FIBRE_S) {
    const why = likelyMeant(written('latency'), latencyS, formatDuration(latencyS), 'seconds', 'ms', 'milliseconds');
    warn([...at, 'latency'], `a one-way latency of ${formatDuration(latencyS)} is more than twice the longest fibre path on Earth (20,000 km, about 100 ms)${why}`);
  }
  if (bytesPerS < SLOWEST_LINK_BYTES_PER_S) {
    const shown = formatSI(bytesPerS * 8, 'b/s');
    const why = likelyMeant(written('bandwidth'), bytesPerS, shown, 'bytes per second', 'Gbps', 'gigabits');
    warn([...at, 'bandwidth'], `${bytesPerS} bytes/s (${shown}) is slower than any link between sites${why}`);
  } else if (bytesPerS > FASTEST_LINK_BYTES_PER_S) {
    const shown = formatSI(bytesPerS * 8, 'b/s');
    warn(
      [...at, 'bandwidth'],
      `${bytesPerS} bytes/s (${shown}) is faster than any link between sites (the largest submarine cables carry about 250 Tb/s over all their fibres), so every transfer and collective crossing it is timed as if its bytes took no time${likelyMeantSmaller(written('bandwidth'), shown, 'Gbps', 'gigabits')}`,
    );
  }
}

/**
 * 1 Pb/s: more than any cable between sites carries. Google's Dunant cable, 250 Tb/s over 12 fibre
 * pairs (Google Cloud blog, 2021), is among the largest built; a link 4x that is no real route.
 */
const FASTEST_LINK_BYTES_PER_S = 1e15 / 8;
/**
 * 100 Tb/s: faster than any port, NIC or device link inside a data centre. The fastest are NVLink 5
 * at 1.8 TB/s (14.4 Tb/s) per Blackwell GPU (NVIDIA GB200 NVL72 datasheet) and 1.6 Tb/s Ethernet ports.
 */
const FASTEST_FABRIC_BYTES_PER_S = 1e14 / 8;

/**
 * What was likely meant by a figure too large for any hardware: with a unit, its number with the
 * usual unit (`400Pbps`: '400Gbps'); a bare number is in base units already, so no unit is at fault
 * and the hint says only that. Empty when the text has no number to keep.
 */
function likelyMeantSmaller(written: number | string | undefined, shown: string, unit: string, meant: string): string {
  if (typeof written !== 'string') return `; the number as written is bytes per second: check its exponent`;
  const hint = leadingNumber(written);
  return hint === undefined ? '' : `; '${written}' is ${shown}: write '${hint}${unit}' if ${meant} were meant`;
}

/** 1 Gb/s: slower than any port, NIC or link inside a data centre (1 GbE management ports; AI fabrics run 100-800 Gb/s). */
const SLOWEST_FABRIC_BYTES_PER_S = 1e9 / 8;
/** 1 ms: more than any switch hop, NIC or intra-node link adds (deep-buffer switches ~10 us, kernel TCP stacks tens of us). */
const SLOWEST_FABRIC_LATENCY_S = 1e-3;

/**
 * A rate of a port, NIC, neighbour link or switch link inside a data centre that no real one has:
 * warned, not refused (a what-if may want it), because the likely cause is a bare number read in
 * bytes per second (`port_rate: 400` is 400 B/s, not 400 Gb/s) or a unit one letter short. Every
 * collective over it would be timed at that rate, so a run reports an ECR near 0 or never ends.
 */
export function implausibleFabricRate(bytesPerS: number, what: string, unit: 'Gbps' | 'GB/s', at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  const shown = formatSI(bytesPerS * 8, 'b/s');
  if (bytesPerS > FASTEST_FABRIC_BYTES_PER_S) {
    warn(
      at,
      `${bytesPerS} bytes/s (${shown}) is faster than any ${what} (100 Tb/s at most: NVLink 5 is 14.4 Tb/s per GPU), so every collective over it is timed as if its bytes took no time${likelyMeantSmaller(written, shown, unit, unit === 'Gbps' ? 'gigabits' : 'gigabytes')}`,
    );
    return;
  }
  if (!(bytesPerS < SLOWEST_FABRIC_BYTES_PER_S)) return;
  warn(at, `${bytesPerS} bytes/s (${shown}) is slower than any ${what} (1 Gb/s at least)${likelyMeant(written, bytesPerS, shown, 'bytes per second', unit, unit === 'Gbps' ? 'gigabits' : 'gigabytes')}`);
}

/**
 * A per-hop, per-message or intra-node latency of a millisecond or more: no switch, NIC or device
 * link adds that, so the likely cause is a bare number read in seconds (`hop_latency: 150` is 150 s,
 * not 150 ns). Each collective pays it on every step, so a run's times grow by orders of magnitude.
 * `unit` is the unit such figures are usually written in ('ns' for a hop, 'us' otherwise).
 */
export function implausibleFabricLatency(latencyS: number, what: string, unit: 'ns' | 'us', at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  if (!(latencyS >= SLOWEST_FABRIC_LATENCY_S)) return;
  const shown = formatDuration(latencyS);
  warn(at, `a ${what} of ${shown} is more than any switch, NIC or device link adds (microseconds at most)${likelyMeant(written, latencyS, shown, 'seconds', unit, unit === 'ns' ? 'nanoseconds' : 'microseconds')}`);
}

/**
 * NICs per device of the system that has the most: AWS p5.48xlarge, 32 EFA interfaces (3,200 Gb/s
 * in all) for 8 H100s (AWS EC2 accelerated-computing instance specifications). DGX H100/B200 have
 * 8 compute NICs (plus 2 storage DPUs) for 8 GPUs; TPU and Trainium hosts have fewer.
 */
export const MOST_NICS_PER_DEVICE = 4;

/**
 * More scale-out NICs per node than any built system has (MOST_NICS_PER_DEVICE per device): warned,
 * not refused (a what-if may want it). It is not free in the model: NCCL's inter-node rings take 2
 * CTAs per NIC, up to 32 channels, so SMs leave the compute beside the collectives and the step is
 * slower, and the node's scale-out bandwidth is NICs x nic_rate. The likely cause is the node's
 * NICs' total rate or port count written as `nics`.
 */
export function implausibleNics(nics: number, devicesPerNode: number, at: readonly PathKey[], warn: (path: readonly PathKey[], message: string) => void): void {
  const most = MOST_NICS_PER_DEVICE * devicesPerNode;
  if (!(nics > most)) return;
  warn(
    at,
    `${nics} NICs on a node of ${devicesPerNode} device${devicesPerNode === 1 ? '' : 's'} is more than any built system has (at most ${MOST_NICS_PER_DEVICE} per device, ${most} here: AWS p5.48xlarge has 32 EFA NICs for 8 H100s; DGX H100 has 8); ` +
      `each NIC adds scale-out bandwidth (nics x nic_rate) and NCCL's inter-node rings take 2 CTAs per NIC (up to 32), which slows the step; give the NICs per node (one per device is usual) and their rate in nic_rate`,
  );
}

/** One standard Ethernet packet (1,500-byte MTU): no transport keeps less than that in flight. */
const SMALLEST_WINDOW_BYTES = 1500;

/**
 * A long-haul link's window of less than one packet: warned, not refused. It caps every connection
 * at window / RTT, so the likely cause, a bare number read in bytes (`window: 16` is 16 bytes, not
 * 16 MiB), stretches every transfer and collective over the link a million times.
 */
export function implausibleWindow(bytes: number, at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  if (!(bytes < SMALLEST_WINDOW_BYTES)) return;
  const shown = formatSI(bytes, 'B');
  warn(at, `a window of ${shown} is less than one Ethernet packet (1,500 bytes), so a connection over this link carries at most ${shown} per round trip${likelyMeant(written, bytes, shown, 'bytes', 'MiB', 'mebibytes')}`);
}

/** 1 MB: less than any dataset, checkpoint or model a pool's sites would schedule a transfer of. */
const SMALLEST_TRANSFER_BYTES = 1e6;

/**
 * A transfer between sites of less than a megabyte: warned, not refused. It is timed as any flow
 * (latency plus bytes over its share of the link), but the likely cause is a bare number read in
 * bytes (`size: 2` is 2 bytes, not 2 GB), which makes a dataset's or checkpoint's move look free.
 */
export function implausibleTransferSize(bytes: number, at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  if (!(bytes < SMALLEST_TRANSFER_BYTES)) return;
  const shown = formatSI(bytes, 'B');
  warn(at, `a transfer of ${shown} is less than any dataset, checkpoint or model moved between sites (a megabyte at least)${likelyMeant(written, bytes, shown, 'bytes', 'GB', 'gigabytes')}`);
}

/** 10 W: less than any accelerator board or server host draws, so a smaller power is likely a bare number meant in kW. */
const LEAST_PLAUSIBLE_POWER_W = 10;

/** A power below any real board's or host's is warned (a bare number is watts: `host_power: 1` is 1 W, not 1 kW). */
export function implausiblePower(watts: number, what: string, at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  if (!(watts > 0 && watts < LEAST_PLAUSIBLE_POWER_W)) return;
  const shown = formatSI(watts, 'W');
  warn(at, `${shown} is less than any ${what} draws${likelyMeant(written, watts, shown, 'watts', 'kW', 'kilowatts')}`);
}

/**
 * A fixed checkpoint interval shorter than the checkpoint's cost is warned: a job would spend more
 * of its time writing checkpoints than computing, which no trainer is run to do (save intervals
 * are minutes to hours of steps). The likely cause is a bare number, which is seconds
 * (`interval: 30` meant as 30 minutes), and the run did as told without a word: a 2 h job took 6 h.
 */
export function implausibleCheckpointInterval(intervalS: number, costS: number, at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  if (!(intervalS < costS)) return;
  const shown = formatDuration(intervalS);
  const writing = Math.round((100 * costS) / (intervalS + costS));
  const bare = typeof written !== 'string';
  warn(
    at,
    `a checkpoint after every ${shown} of progress is shorter than its cost (\`cost\` ${formatDuration(costS)}): a job would spend ${writing}% of its time writing checkpoints${bare ? likelyMeant(written, intervalS, shown, 'seconds', 'min', 'minutes') : likelyMeant(written, intervalS, shown, 'seconds', 'h', 'hours')}`,
  );
}

/**
 * What was likely meant by an implausible figure: a bare number is in base units (`2` is 2 s), so
 * the hint puts the intended unit after the same number; a figure with a unit keeps its number
 * and swaps the unit (`2m` is two minutes: '2ms'). Empty when the text has no number to keep.
 */
export function likelyMeant(written: number | string | undefined, value: number, shown: string, baseUnits: string, unit: string, meant: string): string {
  if (typeof written !== 'string') return `; a number without a unit is ${baseUnits}: write '${value}${unit}' if ${meant} were meant`;
  const hint = leadingNumber(written);
  return hint === undefined ? '' : `; '${written}' is ${shown}: write '${hint}${unit}' if ${meant} were meant`;
}

/** The number a quantity's text starts with ('2' of '2m', '1.5' of '1.5 kbps'), if any. */
function leadingNumber(text: string): string | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(text);
  return m ? m[1] : undefined;
}

/** The figures of a fabric preset a scenario wrote (a preset's own are plausible) that no real fabric has: warned. */
export function implausibleFabricFigures(given: Partial<FabricPreset>, at: readonly PathKey[], src: Pick<SourceMap, 'scalarAt'>, warn: (path: readonly PathKey[], message: string) => void): void {
  if (given.port_rate !== undefined) implausibleFabricRate(given.port_rate, 'port in a data centre', 'Gbps', [...at, 'port_rate'], src.scalarAt([...at, 'port_rate']), warn);
  if (given.hop_latency !== undefined) implausibleFabricLatency(given.hop_latency, 'latency per switch hop', 'ns', [...at, 'hop_latency'], src.scalarAt([...at, 'hop_latency']), warn);
  if (given.endpoint_latency !== undefined) implausibleFabricLatency(given.endpoint_latency, 'NIC and host latency', 'us', [...at, 'endpoint_latency'], src.scalarAt([...at, 'endpoint_latency']), warn);
  // A switch draws tens of watts at least; a transceiver may draw next to nothing (passive copper), so only the switch has a floor.
  const power = [...at, 'equipment', 'switch_power'];
  if (given.equipment !== undefined) implausiblePower(given.equipment.switch_power, 'network switch', power, src.scalarAt(power), warn);
}

/**
 * Every bandwidth of a topology block (the fields named `...bandwidth`, wherever they sit: a
 * torus's one or per-axis `link_bandwidth`, a dragonfly's local and global ones, each of a graph's
 * `links`), checked as a link inside a data centre: so a kind added later is covered too.
 */
export function implausibleTopologyRates(value: unknown, at: readonly PathKey[], src: Pick<SourceMap, 'scalarAt'>, warn: (path: readonly PathKey[], message: string) => void, key?: string): void {
  if (typeof value === 'number') {
    if (key?.endsWith('bandwidth')) implausibleFabricRate(value, 'link in a data centre', 'Gbps', at, src.scalarAt(at), warn);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => implausibleTopologyRates(v, [...at, i], src, warn, key));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) implausibleTopologyRates(v, [...at, k], src, warn, k);
  }
}

/** Arrivals a minute apart or more: the public LLM request traces (Azure, BurstGPT, Mooncake, Splitwise) arrive seconds or less apart. */
const SLOW_ARRIVAL_GAP_S = 60;
/** Fewer requests than this say too little of a trace's rate to warn about. */
const FEWEST_REQUESTS_FOR_A_RATE = 100;

/**
 * A request trace whose numeric times were read in seconds by default (no `time_unit`) and whose
 * arrivals are mostly a minute or more apart: the likely cause is times in milliseconds
 * (Mooncake's) or microseconds read as seconds, which replays the load 1,000 or 1,000,000 times
 * lighter and spreads it over weeks. Warned, never refused: a quiet service's own log may be so.
 * `timeS` is sorted, after `timeScale` (gaps are judged in the trace's own time).
 */
export function implausibleArrivalGaps(timeS: ArrayLike<number>, timeScale: number, at: readonly PathKey[], warn: (path: readonly PathKey[], message: string) => void): void {
  const n = timeS.length;
  if (n < FEWEST_REQUESTS_FOR_A_RATE) return;
  let slow = 0;
  for (let i = 1; i < n; i++) if ((timeS[i]! - timeS[i - 1]!) / timeScale >= SLOW_ARRIVAL_GAP_S) slow++;
  if (2 * slow <= n - 1) return;
  const spanS = (timeS[n - 1]! - timeS[0]!) / timeScale;
  warn(
    at,
    `the trace's ${n} requests arrive over ${formatDuration(spanS)}, ${slow} of the ${n - 1} gaps between them a minute or more (one request every ${formatDuration(spanS / (n - 1))} on average), where the public LLM request traces arrive seconds or less apart. Its times were read as seconds; if they are milliseconds (Mooncake's are), set \`time_unit: ms\` (microseconds: \`us\`), or the replay is 1,000 times lighter than recorded`,
  );
}

const BIT_PREFIX: Record<string, string> = { '': '', k: 'kilo', K: 'kilo', M: 'mega', G: 'giga', T: 'tera', P: 'peta', E: 'exa', Ki: 'kibi', Mi: 'mebi', Gi: 'gibi', Ti: 'tebi', Pi: 'pebi' };

/**
 * A byte quantity (a memory) written in a bit unit (`80Gb`, `16Gbit`): read as bits, an eighth of
 * what a datasheet's bytes say, so a job that does not fit ran as if it did. Warned, with the byte
 * spelling to write; a bandwidth in bits is right and is not checked here.
 */
export function sizeWrittenInBits(bytes: number, at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  if (typeof written !== 'string') return;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*(|k|K|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi)(b|bit|bits)\s*$/.exec(written);
  if (!m) return;
  const [, num, prefix] = m as unknown as [string, string, string];
  const decimal = prefix.length === 2 || prefix === '' ? undefined : prefix.toUpperCase();
  const write = decimal === undefined ? `'${num}${prefix}B'` : `'${num}${decimal}B' or '${num}${decimal}iB'`;
  warn(at, `'${written.trim()}' is ${num} ${BIT_PREFIX[prefix]}bits, ${bytes} bytes (${(bytes / 2 ** 30).toFixed(2)} GiB): a lowercase b is a bit; write ${write} if bytes were meant`);
}
