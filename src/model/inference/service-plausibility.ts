// An inference service's times that no real deployment has, warned rather than refused (a what-if
// may want them): the likely cause is a bare number read in seconds where milliseconds were meant
// (`ttft: 500`, `regions: { eu: { dc: 5 } }`, `step_overhead: 2`), and a run with it prints
// confident numbers nobody meant (slo_attainment 100% against a 500 s objective).
import type { PathKey } from '../../scenario/errors.js';
import type { ServiceSpec } from '../../scenario/service-schema.js';
import { formatDuration } from '../../units/units.js';
import { likelyMeant } from '../plausibility.js';

/**
 * The loosest objectives published: MLPerf Inference's server scenarios set at most 6 s to the first
 * token (Llama 3.1 405B) and 200 ms per output token (Llama 2 70B); DistServe (OSDI'24) at most 15 s
 * (summarisation) and 200 ms. A minute and a second are well beyond them; an hour end to end is
 * 16k output tokens at 200 ms each.
 */
const LONGEST_TTFT_SLO_S = 60;
const LONGEST_TPOT_SLO_S = 1;
const LONGEST_E2E_SLO_S = 3600;
/** One way from a client to a site: the slowest path, a geostationary satellite hop, adds about 280 ms. */
const LONGEST_CLIENT_LATENCY_S = 1;
/** Per iteration, besides the kernels: serving engines spend milliseconds (70 us a layer when absent). */
const LONGEST_STEP_OVERHEAD_S = 1;

type Warn = (path: readonly PathKey[], message: string) => void;
/** The scalar as the file writes it (SourceMap.scalarAt), to tell a bare number from one with a unit. */
type Written = (path: readonly PathKey[]) => number | string | undefined;

const SLO_TOO_LOOSE = 'is longer than any serving SLO sets (MLPerf Inference: at most 6 s to the first token and 200 ms per output token; DistServe: at most 15 s and 200 ms), so slo_attainment would count as met requests no user waits for';

/** Warns the SLO objectives, client latencies and pools' step overheads of service `s` (at `at`) that no deployment has. */
export function implausibleServiceTimes(s: ServiceSpec, at: readonly PathKey[], written: Written, warn: Warn): void {
  const check = (valueS: number | undefined, longestS: number, path: readonly PathKey[], what: (shown: string) => string): void => {
    if (valueS === undefined || !(valueS >= longestS)) return;
    const shown = formatDuration(valueS);
    warn(path, `${what(shown)}${likelyMeant(written(path), valueS, shown, 'seconds', 'ms', 'milliseconds')}`);
  };
  check(s.slo?.ttft, LONGEST_TTFT_SLO_S, [...at, 'slo', 'ttft'], (x) => `a time-to-first-token objective of ${x} ${SLO_TOO_LOOSE}`);
  check(s.slo?.tpot, LONGEST_TPOT_SLO_S, [...at, 'slo', 'tpot'], (x) => `a time-per-output-token objective of ${x} ${SLO_TOO_LOOSE}`);
  check(s.slo?.e2e, LONGEST_E2E_SLO_S, [...at, 'slo', 'e2e'], (x) => `an end-to-end objective of ${x} ${SLO_TOO_LOOSE}`);
  for (const [region, table] of Object.entries(s.regions)) {
    for (const [dc, latencyS] of Object.entries(table)) {
      check(latencyS, LONGEST_CLIENT_LATENCY_S, [...at, 'regions', region, dc], (x) => `a one-way latency of ${x} from client region '${region}' is more than any network path on Earth adds (a geostationary satellite hop, the slowest, about 280 ms): every request from it would wait twice that`);
    }
  }
  const pools = [['replicas', s.replicas], ['prefill', s.prefill], ['decode', s.decode]] as const;
  for (const [key, pool] of pools) {
    check(pool?.step_overhead, LONGEST_STEP_OVERHEAD_S, [...at, key, 'step_overhead'], (x) => `a fixed time per iteration of ${x} is more than any serving engine spends between its kernels (milliseconds; 70 us a layer when absent): every token of every request would pay it`);
  }
}
