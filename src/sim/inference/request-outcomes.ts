// What a service's completed requests measured, as its clients saw them: queueing delay, time to
// first token, time per output token and end-to-end latency, how many met every SLO, and the
// request rows (requests.csv). One recorder for colocated and disaggregated services alike, so
// that both define the figures the same way.
import type { ResolvedService } from '../../model/inference/resolve-services.js';
import type { Signals } from '../signals.js';
import { Samples } from '../stats.js';
import type { InferenceRequest } from './replica.js';
import type { ServiceRow } from './service-rows.js';

/** The service row's columns that come from completed requests' latencies. */
export type LatencyColumns = Pick<
  ServiceRow,
  | 'requests'
  | 'requests_capped'
  | 'queueing_delay_mean_s'
  | 'queueing_delay_p50_s'
  | 'queueing_delay_p95_s'
  | 'queueing_delay_p99_s'
  | 'ttft_p50_s'
  | 'ttft_p99_s'
  | 'tpot_p50_s'
  | 'tpot_p99_s'
  | 'e2e_latency_p50_s'
  | 'e2e_latency_p99_s'
>;

export class RequestOutcomes {
  /** Start of service at a replica - arrival at the balancer; requests not started at the end are added by the service (addWaitingQueueing). */
  readonly queueing = new Samples();
  /** Time to first token; requests still waiting at the end are added by the service (addWaitingTtft). */
  readonly ttft = new Samples();
  readonly tpot = new Samples();
  readonly e2e = new Samples();
  /** Requests completed. */
  completed = 0;
  /** Completed requests that met every SLO the service gives. */
  sloMet = 0;
  /** Completed requests whose output was cut at the model's context length. */
  capped = 0;

  constructor(
    private readonly svc: Pick<ResolvedService, 'name' | 'spec' | 'streams'>,
    private readonly signals: Signals,
    /** Names of the run's data centres, for the request rows. */
    private readonly datacentres: readonly { readonly name: string }[],
    /** Whether this request's row is written (a --request-sample draws here). */
    private readonly sampled: () => boolean,
  ) {}

  /**
   * `req` has its last token. The client is `firstLatencyS` away from the site that gave its first
   * token and `lastLatencyS` from the site that gave its last (`datacentre`, on `replica`).
   */
  done(req: InferenceRequest, firstLatencyS: number, lastLatencyS: number, replica: string, datacentre: number): void {
    this.completed++;
    if (req.capped) this.capped++;
    // design.md: start of service at a replica - arrival at the balancer (the client's arrival_s).
    const queueing = req.startS - req.arrivalS;
    const ttft = req.firstTokenS + firstLatencyS - req.arrivalS;
    const e2e = req.finishS + lastLatencyS - req.arrivalS;
    // vLLM's TPOT, as its benchmark measures it at the client: (e2e - ttft) / (n - 1). It is the
    // servers' (finish - first token) / (n - 1) unless the first and last tokens leave sites at
    // different distances from the client (a disaggregated service's prefill and decode sites);
    // written so, it is those very bits where the distances are equal.
    const tpot = req.outputTokens > 1 ? (req.finishS - req.firstTokenS + (lastLatencyS - firstLatencyS)) / (req.outputTokens - 1) : Number.NaN;
    this.queueing.add(queueing);
    this.ttft.add(ttft);
    if (req.outputTokens > 1) this.tpot.add(tpot);
    this.e2e.add(e2e);
    const slo = this.svc.spec.slo;
    if (slo && (slo.ttft === undefined || ttft <= slo.ttft) && (slo.e2e === undefined || e2e <= slo.e2e) && (slo.tpot === undefined || !(tpot > slo.tpot))) this.sloMet++;
    if (this.signals.wantsRows('requestRow') && this.sampled()) {
      const st = this.svc.streams[req.stream]!;
      this.signals.emitRow('requestRow', {
        request_id: req.id,
        service: this.svc.name,
        stream: st.name,
        region: st.region,
        arrival_s: req.arrivalS,
        start_s: req.startS,
        first_token_s: req.firstTokenS,
        finish_s: req.finishS,
        queueing_delay_s: queueing,
        ttft_s: ttft,
        tpot_s: tpot,
        e2e_latency_s: e2e,
        prompt_tokens: req.promptTokens,
        output_tokens: req.outputTokens,
        replica,
        datacentre: this.datacentres[datacentre]!.name,
      });
    }
  }

  /** The service row's latency columns, in its column order. */
  columns(): LatencyColumns {
    return {
      requests: this.completed,
      requests_capped: this.capped,
      queueing_delay_mean_s: this.queueing.mean(),
      queueing_delay_p50_s: this.queueing.quantile(0.5),
      queueing_delay_p95_s: this.queueing.quantile(0.95),
      queueing_delay_p99_s: this.queueing.quantile(0.99),
      ttft_p50_s: this.ttft.quantile(0.5),
      ttft_p99_s: this.ttft.quantile(0.99),
      tpot_p50_s: this.tpot.quantile(0.5),
      tpot_p99_s: this.tpot.quantile(0.99),
      e2e_latency_p50_s: this.e2e.quantile(0.5),
      e2e_latency_p99_s: this.e2e.quantile(0.99),
    };
  }
}
