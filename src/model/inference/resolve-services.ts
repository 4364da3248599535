// Resolution of the scenario's inference services: device kinds, data centres, region latencies
// and request traces to indices and numbers, with every problem located in the file. Called by
// load-scenario; reading trace files goes through the reader the caller passes in (no fs here).
import { scanCsv, requireColumns, parseFiniteNumber, columnIndex, isEmptyField } from '../../scenario/traces/csv-reader.js';
import { TraceError } from '../../scenario/traces/trace-error.js';
import { maxOf, minOf } from '../../scenario/distribution.js';
import type { PathKey } from '../../scenario/errors.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { KindInfo, NodeGroup } from '../cluster.js';
import { defaultShape } from '../training-layout.js';
import { kvBytesPerToken, replicaTiming, weightsBytes, type InferenceModel, type ReplicaHardware, type ReplicaTiming } from './replica-model.js';
import type { PoolSpec, ReplicasSpec, RequestStreamSpec, ServiceSpec } from './service-schema.js';

/** Requests of a replayed trace, sorted by arrival time (s). */
export interface RequestTrace {
  readonly timeS: Float64Array;
  readonly promptTokens: Float64Array;
  readonly outputTokens: Float64Array;
  /**
   * Shared prompt prefixes, when the trace has prefix_id and prefix_tokens columns: each request's
   * prefix as an index into `prefixNames` (-1: none), and its tokens (part of the prompt).
   */
  readonly prefixes?: { readonly index: Int32Array; readonly tokens: Float64Array; readonly names: readonly string[] } | undefined;
  /** Data rows read (the kept ones and the skipped ones). */
  readonly rows: number;
  /** Rows left out for a problem of their own, by reason: how many, and the first one's line and message. */
  readonly skipped: readonly SkippedRows[];
}

/** Trace rows skipped for one reason. */
export interface SkippedRows {
  readonly reason: string;
  count: number;
  readonly firstLine: number;
  readonly firstMessage: string;
}

export interface ResolvedStream {
  readonly name: string;
  readonly region: string;
  /** One-way network latency from the stream's region to each data centre (by index; 0 without a region). */
  readonly latencyS: readonly number[];
  readonly spec: RequestStreamSpec;
  readonly trace: RequestTrace | undefined;
}

/** One pool of a disaggregated service: its replicas' kind, sites, hardware and batching limits. */
export interface ResolvedPool {
  readonly spec: PoolSpec;
  readonly kind: number;
  readonly datacentres: readonly number[];
  readonly hardware: ReplicaHardware;
  readonly timing: ReplicaTiming;
  readonly count: number;
  readonly maxBatch: number;
  /** Prompt tokens per prefill iteration (Infinity: no limit). */
  readonly maxBatchTokens: number;
}

export interface ResolvedService {
  readonly index: number;
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly kind: number;
  /** Data centres the replicas are spread over, in the order given. */
  readonly datacentres: readonly number[];
  readonly model: InferenceModel;
  readonly hardware: ReplicaHardware;
  readonly timing: ReplicaTiming;
  readonly streams: readonly ResolvedStream[];
  /**
   * Disaggregated serving: the prefill and decode pools (then kind, datacentres, hardware and
   * timing above are the prefill pool's, and `datacentres` of the streams' latencies is both pools' sites).
   */
  readonly disaggregated?: { readonly prefill: ResolvedPool; readonly decode: ResolvedPool } | undefined;
}

export interface ServiceResolveContext {
  readonly kinds: readonly KindInfo[];
  readonly groups: readonly NodeGroup[];
  readonly datacentreNames: readonly string[];
  readonly horizonS: number | undefined;
  readonly file: string;
  useKind(name: string, path: readonly PathKey[]): number | undefined;
  dcRef(name: string, path: readonly PathKey[]): number | undefined;
  fail(path: readonly PathKey[], message: string): void;
  /** Legal but worth knowing (a trace's skipped rows): printed by run and validate. */
  warn(path: readonly PathKey[], message: string): void;
  /** Reads a file named in the scenario (relative to it); reports its own problems at `at`. */
  readText(path: string, at: readonly PathKey[]): string | undefined;
}

export function resolveServices(specs: readonly ServiceSpec[], ctx: ServiceResolveContext): ResolvedService[] {
  const out: ResolvedService[] = [];
  const names = new Set<string>();
  specs.forEach((s, si) => {
    const at: PathKey[] = ['services', si];
    if (names.has(s.name)) ctx.fail([...at, 'name'], `duplicate service name '${s.name}'`);
    names.add(s.name);
    const r = resolveOne(s, si, at, ctx);
    if (r) out.push(r);
  });
  return out;
}

/** A pool's hardware and timing, with its capacity checked against the pool: undefined after a reported problem. */
function resolvePool(
  rp: ReplicasSpec,
  model: InferenceModel,
  precisionBytes: number,
  pat: PathKey[],
  ctx: ServiceResolveContext,
  bad: (path: PathKey[], msg: string) => void,
): { kind: number; dcs: number[]; hardware: ReplicaHardware; timing: ReplicaTiming } | undefined {
  let ok = true;
  const fail = (path: PathKey[], msg: string): void => {
    ok = false;
    bad(path, msg);
  };
  const as = rp.autoscale;
  const kind = ctx.useKind(rp.device, [...pat, 'device']);
  const dcs: number[] = [];
  rp.datacentre.forEach((d, di) => {
    const i = ctx.dcRef(d, rp.datacentre.length === 1 ? [...pat, 'datacentre'] : [...pat, 'datacentre', di]);
    if (i !== undefined && !dcs.includes(i)) dcs.push(i);
  });
  if (kind === undefined || dcs.length !== rp.datacentre.length) return undefined;
  const spec = ctx.kinds[kind]!.spec;

  // Capacity: tensor-parallel groups live inside one node; the fixed (or minimum) replicas must fit.
  let devices = 0;
  let widestNode = 0;
  for (const g of ctx.groups) {
    if (g.kind !== kind || !dcs.includes(g.datacentre)) continue;
    devices += g.nodeCount * g.devicesPerNode;
    widestNode = Math.max(widestNode, g.devicesPerNode);
  }
  const where = rp.datacentre.join(', ');
  if (devices === 0) fail([...pat, 'device'], `no '${rp.device}' devices in ${where}`);
  else if (rp.tensor_parallel > widestNode) fail([...pat, 'tensor_parallel'], `a replica's ${rp.tensor_parallel} devices must share a node, and '${rp.device}' nodes in ${where} have at most ${widestNode}`);
  const base = rp.count ?? as?.min ?? 0;
  if (devices > 0 && base * rp.tensor_parallel > devices) fail(pat, `${base} replicas x ${rp.tensor_parallel} devices = ${base * rp.tensor_parallel} '${rp.device}' devices, but ${where} has ${devices}`);

  const peak = precisionBytes <= 1 ? (spec.peak_by_precision?.fp8 ?? spec.peak_by_precision?.int8 ?? spec.peak) : spec.peak;
  const hardware: ReplicaHardware = {
    tp: rp.tensor_parallel,
    peakFlops: peak,
    computeEfficiency: rp.efficiency ?? spec.efficiency,
    memoryBytes: spec.memory,
    memoryBandwidthBytesPerS: spec.memory_bandwidth,
    memoryEfficiency: rp.memory_efficiency,
    memoryUtilisation: rp.memory_utilisation,
    interconnectBandwidthBytesPerS: spec.interconnect.bandwidth,
    interconnectLatencyS: spec.interconnect.latency,
    interconnectEfficiency: spec.interconnect.efficiency,
    stepOverheadS: rp.step_overhead,
  };
  const timing = replicaTiming(model, hardware);
  const gb = (b: number): string => `${(b / 1e9).toFixed(1)} GB`;
  const usable = hardware.tp * hardware.memoryBytes * hardware.memoryUtilisation;
  if (weightsBytes(model) >= usable) {
    fail([...pat, 'tensor_parallel'], `the weights (${gb(weightsBytes(model))}) do not fit in ${hardware.tp} x ${gb(hardware.memoryBytes)} x memory_utilisation ${hardware.memoryUtilisation} = ${gb(usable)}; raise tensor_parallel`);
  }
  return ok ? { kind, dcs, hardware, timing } : undefined;
}

function resolveOne(s: ServiceSpec, index: number, at: PathKey[], ctx: ServiceResolveContext): ResolvedService | undefined {
  const { fail } = ctx;
  let ok = true;
  const bad = (path: PathKey[], msg: string): void => {
    ok = false;
    fail(path, msg);
  };
  const disaggregated = s.prefill !== undefined || s.decode !== undefined;
  if (disaggregated && s.replicas !== undefined) {
    bad([...at, 'replicas'], 'give either `replicas` (colocated serving) or `prefill` and `decode` pools (disaggregated serving), not both');
    return undefined;
  }
  if (!disaggregated && s.replicas === undefined) {
    bad(at, 'a service needs `replicas` (colocated serving), or `prefill` and `decode` pools (disaggregated serving)');
    return undefined;
  }
  if (disaggregated && s.slo?.admission) {
    bad([...at, 'slo', 'admission'], 'admission control is modelled for colocated replicas only; a disaggregated service takes every request (drop `admission`, or serve with `replicas`)');
  }
  if (disaggregated && s.chunked_prefill !== undefined) {
    bad([...at, 'chunked_prefill'], 'chunked prefill is modelled for colocated replicas only; a disaggregated prefill pool limits its iterations with `max_batch_tokens` (drop `chunked_prefill`, or serve with `replicas`)');
  }
  if (s.chunked_prefill !== undefined && s.chunked_prefill.token_budget < s.max_batch) {
    bad([...at, 'chunked_prefill', 'token_budget'], `a token budget of ${s.chunked_prefill.token_budget} is below max_batch (${s.max_batch}): a full batch of decodes, one token each, must leave room for prefill (vLLM requires max_num_batched_tokens >= max_num_seqs); raise token_budget or lower max_batch`);
  }
  if (disaggregated && (s.prefill === undefined || s.decode === undefined)) {
    bad([...at, s.prefill === undefined ? 'decode' : 'prefill'], `disaggregated serving needs both a \`prefill\` and a \`decode\` pool; \`${s.prefill === undefined ? 'prefill' : 'decode'}\` is missing`);
    return undefined;
  }
  const pools: [PoolSpec | ReplicasSpec, PathKey[]][] = disaggregated
    ? [
        [s.prefill!, [...at, 'prefill']],
        [s.decode!, [...at, 'decode']],
      ]
    : [[s.replicas!, [...at, 'replicas']]];
  for (const [rp, pat] of pools) {
    if (disaggregated) {
      if (rp.autoscale !== undefined) bad([...pat, 'autoscale'], 'autoscaling of disaggregated pools is not modelled yet; give a fixed `count`');
      else if (rp.count === undefined) bad(pat, 'give the pool a fixed `count` of replicas');
    } else {
      const as = rp.autoscale;
      if ((rp.count === undefined) === (as === undefined)) bad(pat, 'give exactly one of `count` (a fixed number of replicas) or `autoscale` ({ min, max, target_queue | target_utilisation })');
      if (as) {
        if (as.min > as.max) bad([...pat, 'autoscale'], `min (${as.min}) is above max (${as.max})`);
        if ((as.target_queue === undefined) === (as.target_utilisation === undefined)) bad([...pat, 'autoscale'], 'give exactly one of `target_queue` (outstanding requests per replica) or `target_utilisation` (fraction of batch slots in use)');
      }
    }
  }

  // The model and the replica's physics.
  const m = s.model;
  const shape = m.layers === undefined || m.hidden_size === undefined ? defaultShape(m.params) : undefined;
  const layers = m.layers ?? shape!.layers;
  const hidden = m.hidden_size ?? shape!.hiddenSize;
  if ((m.kv_heads === undefined) !== (m.head_dim === undefined)) bad([...at, 'model'], 'grouped-query attention needs both `kv_heads` and `head_dim`');
  const model: InferenceModel = {
    params: m.params,
    precisionBytes: m.precision_bytes,
    layers,
    hiddenSize: hidden,
    kvBytesPerToken: m.kv_bytes_per_token ?? kvBytesPerToken(layers, hidden, m.precision_bytes, m.kv_heads, m.head_dim),
  };
  const resolvedPools = pools.map(([rp, pat]) => resolvePool(rp, model, m.precision_bytes, pat, ctx, bad));
  if (resolvedPools.some((p) => p === undefined)) return undefined;
  const { kind, hardware, timing } = resolvedPools[0]!;
  // Sites of every pool, in the order given (client latencies are needed to each).
  const dcs: number[] = [];
  for (const p of resolvedPools) for (const d of p!.dcs) if (!dcs.includes(d)) dcs.push(d);
  let pooled: ResolvedService['disaggregated'];
  if (disaggregated) {
    const mk = (i: number, ps: PoolSpec): ResolvedPool => {
      const p = resolvedPools[i]!;
      return { spec: ps, kind: p.kind, datacentres: p.dcs, hardware: p.hardware, timing: p.timing, count: ps.count!, maxBatch: ps.max_batch ?? s.max_batch, maxBatchTokens: ps.max_batch_tokens ?? Infinity };
    };
    pooled = { prefill: mk(0, s.prefill!), decode: mk(1, s.decode!) };
  }
  // The replica whose KV cache must hold a whole request: the colocated one, or the decode pool's.
  const kvCapacityTokens = pooled ? pooled.decode.timing.kvCapacityTokens : timing.kvCapacityTokens;
  const prefillKvCapacityTokens = pooled ? pooled.prefill.timing.kvCapacityTokens : Infinity;

  // Client regions.
  const regionNames = Object.keys(s.regions);
  for (const [r, table] of Object.entries(s.regions)) {
    for (const dcName of Object.keys(table)) {
      if (!ctx.datacentreNames.includes(dcName)) {
        const guess = suggestName(dcName, [...ctx.datacentreNames]);
        bad([...at, 'regions', r, dcName], `unknown data centre '${dcName}'${guess ? ` (did you mean '${guess}'?)` : ''}`);
      }
    }
  }

  const streams: ResolvedStream[] = [];
  /** Prefix groups: the first stream defining each, by group name. */
  const prefixGroups = new Map<string, number>();
  // A stream's name keys its random streams: two streams of one name would draw the same arrivals.
  const streamNames = new Set<string>();
  s.streams.forEach((st, ti) => {
    const sat: PathKey[] = [...at, 'streams', ti];
    const streamName = st.name ?? `${s.name}-${ti}`;
    if (streamNames.has(streamName)) bad(st.name !== undefined ? [...sat, 'name'] : sat, `duplicate stream name '${streamName}'${st.name !== undefined ? '' : ' (the name an unnamed stream gets)'} in service '${s.name}'; names must be unique`);
    streamNames.add(streamName);
    const latencyS = ctx.datacentreNames.map(() => 0);
    if (st.region !== undefined) {
      const table = s.regions[st.region];
      if (!table) {
        const guess = suggestName(st.region, regionNames);
        bad([...sat, 'region'], `unknown region '${st.region}'${guess ? ` (did you mean '${guess}'?)` : regionNames.length ? `; the service's regions are: ${regionNames.join(', ')}` : '; list it under the service\'s `regions` with its latency to each data centre'}`);
      } else {
        for (const dc of dcs) {
          const name = ctx.datacentreNames[dc]!;
          const l = table[name];
          if (l === undefined) bad([...at, 'regions', st.region], `region '${st.region}' needs its latency to '${name}', where the service has replicas`);
          else latencyS[dc] = l;
        }
      }
    }
    const a = st.arrival;
    let trace: RequestTrace | undefined;
    if (a.process === 'diurnal') {
      if ((a.hourly === undefined) === (a.peak === undefined)) bad([...sat, 'arrival'], 'a diurnal stream needs exactly one of `hourly` (24 rates) or `peak` (with `trough`)');
      if (a.peak !== undefined && a.trough !== undefined && a.trough > a.peak) bad([...sat, 'arrival', 'trough'], 'the trough rate is above the peak rate');
      if (a.hourly && !a.hourly.some((x) => x > 0)) bad([...sat, 'arrival', 'hourly'], 'every hourly rate is zero');
    }
    if (a.process === 'trace') {
      if ((a.file === undefined) === (a.csv === undefined)) bad([...sat, 'arrival'], 'a trace stream needs exactly one of `file` (a CSV path) or `csv` (the text inline)');
      else {
        const path = a.file;
        let text: string | undefined = a.csv;
        if (path !== undefined) {
          text = ctx.readText(path, [...sat, 'arrival', 'file']);
          if (text === undefined) ok = false;
        }
        if (text !== undefined) {
          try {
            const source = path ?? `${ctx.file} (inline csv)`;
            trace = parseRequestTrace(text, source, a.relative);
            const where: PathKey[] = [...sat, 'arrival', path !== undefined ? 'file' : 'csv'];
            if (trace.timeS.length === 0) {
              bad([...sat, 'arrival'], `the trace has no requests${trace.skipped.length > 0 ? `: ${describeSkipped(trace, source)}` : ''}`);
            } else if (trace.skipped.length > 0) ctx.warn(where, describeSkipped(trace, source));
          } catch (e) {
            if (!(e instanceof TraceError)) throw e;
            bad([...sat, 'arrival', path !== undefined ? 'file' : 'csv'], e.message);
          }
        }
      }
    } else if (st.count === undefined && st.until === undefined && ctx.horizonS === undefined) {
      bad(sat, 'a request stream needs `count` or `until` (or the scenario a `horizon`), or it would never stop');
    }
    const px = st.prefixes;
    if (px !== undefined) {
      const pat: PathKey[] = [...sat, 'prefixes'];
      if (a.process === 'trace') bad(pat, 'a trace stream carries its prefixes in its prefix_id and prefix_tokens columns; drop `prefixes`');
      if (px.popularity === 'uniform' && px.zipf_exponent !== undefined) bad([...pat, 'zipf_exponent'], 'zipf_exponent shapes popularity zipf only; drop it, or set `popularity: zipf`');
      if (px.group !== undefined) {
        const first = prefixGroups.get(px.group);
        if (first === undefined) prefixGroups.set(px.group, ti);
        else {
          const def = s.streams[first]!.prefixes!;
          if (def.count !== px.count || JSON.stringify(def.tokens) !== JSON.stringify(px.tokens)) {
            bad([...pat, 'group'], `prefix group '${px.group}' is defined by stream ${first} with count ${def.count} and tokens ${JSON.stringify(def.tokens)}; a stream sharing it must give the same count and tokens`);
          }
        }
      }
      const longest = Math.max(1, Math.round(maxOf(px.tokens)));
      const shortest = Math.max(1, Math.round(minOf(st.prompt_tokens)));
      if (a.process !== 'trace') {
        if (!Number.isFinite(longest)) bad([...pat, 'tokens'], 'prefix tokens need a largest value (fixed, uniform, empirical, or lognormal with `max`): a prefix must fit in its prompt');
        else if (longest > shortest) {
          bad([...pat, 'tokens'], `a prefix of up to ${longest} tokens can be longer than a prompt of as few as ${shortest} tokens; prompt_tokens counts the whole prompt, its prefix included: give prompt_tokens a smallest value (fixed, uniform or empirical, or lognormal with \`min\`) of at least ${longest}`);
        }
      }
    }
    if (Number.isFinite(kvCapacityTokens) && a.process !== 'trace') {
      const most = maxOf(st.prompt_tokens) + maxOf(st.output_tokens);
      if (Number.isFinite(most) && most > kvCapacityTokens) {
        bad([...sat], `a request of up to ${most} tokens (prompt + output) exceeds the ${pooled ? 'decode ' : ''}replica's KV cache of ${kvCapacityTokens} tokens; raise tensor_parallel or lower the token counts`);
      }
    }
    if (Number.isFinite(prefillKvCapacityTokens) && a.process !== 'trace') {
      const most = maxOf(st.prompt_tokens);
      if (Number.isFinite(most) && most > prefillKvCapacityTokens) {
        bad([...sat], `a prompt of up to ${most} tokens exceeds the prefill replica's KV cache of ${prefillKvCapacityTokens} tokens; raise the prefill pool's tensor_parallel or lower the prompt tokens`);
      }
    }
    streams.push({ name: streamName, region: st.region ?? '', latencyS, spec: st, trace });
  });
  // Trace streams of one service share prefix ids (the same system prompt replayed from two
  // regions' traces): one id must have one length across them.
  const traceLengths = new Map<string, { tokens: number; stream: number }>();
  streams.forEach((st, ti) => {
    const px = st.trace?.prefixes;
    if (!px) return;
    const tokensOf = new Float64Array(px.names.length);
    for (let i = 0; i < px.index.length; i++) if (px.index[i]! >= 0) tokensOf[px.index[i]!] = px.tokens[i]!;
    px.names.forEach((name, k) => {
      const seen = traceLengths.get(name);
      if (seen === undefined) traceLengths.set(name, { tokens: tokensOf[k]!, stream: ti });
      else if (seen.tokens !== tokensOf[k]!) bad([...at, 'streams', ti, 'arrival'], `prefix '${name}' has ${tokensOf[k]!} tokens in this trace but ${seen.tokens} in stream '${streams[seen.stream]!.name}': one prefix id, one length`);
    });
  });
  if (!ok) return undefined;
  return { index, name: s.name, spec: s, kind, datacentres: dcs, model, hardware, timing, streams, ...(pooled ? { disaggregated: pooled } : {}) };
}

/** `n of m rows skipped: k <reason> (first at <file>:<line>: <message>); ...`. */
export function describeSkipped(trace: RequestTrace, source: string): string {
  const n = trace.skipped.reduce((a, s) => a + s.count, 0);
  const parts = trace.skipped.map((s) => `${s.count} ${s.reason} (first at ${source}:${s.firstLine}: ${s.firstMessage})`);
  return `${n} of ${trace.rows} rows skipped: ${parts.join('; ')}`;
}

/**
 * Parse a request trace: header with timestamp, prompt_tokens, output_tokens (seconds, counts), and
 * optionally prefix_id and prefix_tokens together (a row with an empty prefix_id has no prefix). A
 * prefix is part of its prompt, and one prefix id has one length throughout the file (its first
 * row's). A header without the columns is refused (TraceError); a row with a problem of its own (a
 * bad number, a prefix longer than its prompt, a prefix id with another length) is skipped and
 * counted by reason with its line, as real traces carry the odd broken row.
 */
export function parseRequestTrace(text: string, file: string, relative: boolean): RequestTrace {
  let cols: { timestamp: number; prompt_tokens: number; output_tokens: number } | undefined;
  let idCol = -1;
  let tokensCol = -1;
  const rows: [number, number, number, number, number][] = [];
  const names: string[] = [];
  const byName = new Map<string, { index: number; tokens: number; line: number }>();
  const skipped = new Map<string, SkippedRows>();
  let rowCount = 0;
  const skip = (reason: string, line: number, message: string): void => {
    const s = skipped.get(reason);
    if (s === undefined) skipped.set(reason, { reason, count: 1, firstLine: line, firstMessage: message });
    else s.count++;
  };
  scanCsv(
    text,
    file,
    (header, line) => {
      cols = requireColumns(header, { timestamp: 'timestamp', prompt_tokens: 'prompt_tokens', output_tokens: 'output_tokens' }, file, line);
      idCol = columnIndex(header, 'prefix_id');
      tokensCol = columnIndex(header, 'prefix_tokens');
      if ((idCol < 0) !== (tokensCol < 0)) {
        throw new TraceError(file, line, `a trace with shared prefixes needs both a prefix_id and a prefix_tokens column; only ${idCol < 0 ? 'prefix_tokens' : 'prefix_id'} is there`);
      }
    },
    (fields, line) => {
      rowCount++;
      const t = parseFiniteNumber(fields[cols!.timestamp]);
      const p = parseFiniteNumber(fields[cols!.prompt_tokens]);
      const o = parseFiniteNumber(fields[cols!.output_tokens]);
      if (t === undefined || p === undefined || o === undefined || t < 0 || p < 1 || o < 1) {
        const shown = [cols!.timestamp, cols!.prompt_tokens, cols!.output_tokens].map((c) => JSON.stringify(fields[c] ?? '')).join(', ');
        skip('with a bad timestamp or token count', line, `expected a timestamp (s, >= 0) and positive prompt_tokens and output_tokens, got ${shown}`);
        return;
      }
      const prompt = Math.round(p);
      let prefix = -1;
      let prefixTokens = 0;
      if (idCol >= 0) {
        const idField = fields[idCol];
        const tokField = fields[tokensCol];
        if (isEmptyField(idField)) {
          if (!isEmptyField(tokField)) return skip('with prefix_tokens but no prefix_id', line, 'prefix_tokens is given but prefix_id is empty: a prefix needs its id');
        } else {
          const name = idField!.trim();
          const k = parseFiniteNumber(tokField);
          if (k === undefined || k < 1) return skip('with a bad prefix_tokens', line, `prefix '${name}': expected prefix_tokens, a positive count`);
          prefixTokens = Math.round(k);
          if (prefixTokens > prompt) return skip('with a prefix longer than the prompt', line, `prefix '${name}' of ${prefixTokens} tokens is longer than the prompt of ${prompt} tokens (prompt_tokens counts the whole prompt, its prefix included)`);
          const seen = byName.get(name);
          if (seen === undefined) {
            byName.set(name, { index: names.length, tokens: prefixTokens, line });
            prefix = names.length;
            names.push(name);
          } else if (seen.tokens !== prefixTokens) {
            return skip('with a prefix id of another length', line, `prefix '${name}' has ${prefixTokens} tokens here but ${seen.tokens} at line ${seen.line}: one prefix id, one length`);
          } else prefix = seen.index;
        }
      }
      rows.push([t, prompt, Math.round(o), prefix, prefixTokens]);
    },
  );
  rows.sort((x, y) => x[0] - y[0]);
  const t0 = relative && rows.length > 0 ? rows[0]![0] : 0;
  return {
    timeS: Float64Array.from(rows, (r) => r[0] - t0),
    promptTokens: Float64Array.from(rows, (r) => r[1]),
    outputTokens: Float64Array.from(rows, (r) => r[2]),
    ...(idCol >= 0 ? { prefixes: { index: Int32Array.from(rows, (r) => r[3]), tokens: Float64Array.from(rows, (r) => r[4]), names } } : {}),
    rows: rowCount,
    skipped: [...skipped.values()],
  };
}
