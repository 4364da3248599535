// A service's request streams started on the engine: each stream's arrival process draws when the
// next request comes and how many tokens it has, and every request is handed to the service as it
// arrives. One for colocated and disaggregated services alike.
import type { ResolvedService } from '../../model/inference/resolve-services.js';
import type { PoolContext } from '../subsystem.js';
import { PrefixIds, StreamPrefixes } from './request-prefixes.js';
import { ArrivalProcess } from './request-streams.js';
import { InferenceRequest } from './replica.js';

export class ServiceArrivals {
  /** Streams that will send more requests. */
  live = 0;
  private nextRequestId = 0;

  constructor(
    private readonly sim: Pick<PoolContext, 'engine' | 'streams' | 'resolved'>,
    private readonly svc: ResolvedService,
    /** Takes each request as it arrives. */
    private readonly route: (req: InferenceRequest) => void,
  ) {}

  start(): void {
    const engine = this.sim.engine;
    const horizon = this.sim.resolved.scenario.horizon ?? Infinity;
    const prefixIds = new PrefixIds();
    // The model's window (vLLM's max_model_len): generation stops where prompt + output reach it. A
    // prompt that leaves no room for one output token is the service's to reject (route).
    const contextTokens = this.svc.spec.model.context_length ?? Infinity;
    this.svc.streams.forEach((st, si) => {
      const prefixes = StreamPrefixes.of(st, prefixIds, (purpose) => this.sim.streams.stream(purpose), this.svc.name);
      const proc = new ArrivalProcess(st, this.sim.streams.stream(`requests:${this.svc.name}:${st.name}`), this.sim.streams.stream(`tokens:${this.svc.name}:${st.name}`), horizon, prefixes);
      const t = proc.first();
      if (t === Infinity) return;
      const session = st.trace?.prefixes?.sessions === true;
      this.live++;
      const arrive = (): void => {
        const now = engine.now;
        const sizes = proc.arrive();
        const cut = sizes.promptTokens < contextTokens && sizes.promptTokens + sizes.outputTokens > contextTokens;
        const req = new InferenceRequest(this.nextRequestId++, si, now, sizes.promptTokens, cut ? contextTokens - sizes.promptTokens : sizes.outputTokens, st.latencyS, sizes.prefixId, sizes.prefixTokens, session);
        req.capped = cut;
        this.route(req);
        const next = proc.next(now);
        if (next === Infinity) this.live--;
        else engine.at(next, arrive);
      };
      engine.at(t, arrive);
    });
  }
}
