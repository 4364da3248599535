// Cache-aware routing (SGLang's router, llm-d's prefix-cache scorer, NVIDIA Dynamo's KV router):
// a request carrying a shared prompt prefix goes to a replica that holds the prefix's KV (the least
// loaded such replica), unless that replica has more than `max_imbalance` outstanding requests
// beyond the least loaded replica of all, where the prefill it saves is worth less than the wait.
// Without a holder, or past the bound, the least loaded replica; among equally loaded ones, the
// one caching the fewest prefix tokens (SGLang sends a miss to the worker with the smallest tree,
// which spreads new prefixes), then the lowest id.
import { z } from 'zod';
import { defineLoadBalancer } from './define.js';

export const cacheAware = defineLoadBalancer({
  name: 'cache-aware',
  description:
    'A replica holding the request\'s prefix KV (least outstanding among them), unless it has more than `max_imbalance` (default 32) outstanding requests beyond the least loaded replica; else the least loaded (fewest cached prefix tokens, then lowest id, on ties).',
  params: z.strictObject({ max_imbalance: z.number().int().nonnegative().default(32) }),
  create({ max_imbalance }) {
    return {
      route(req, ctx) {
        const rs = ctx.replicas;
        let least = 0;
        let holder = -1;
        for (let i = 0; i < rs.length; i++) {
          const r = rs[i]!;
          if (i > 0) {
            const l = rs[least]!;
            if (r.outstanding < l.outstanding || (r.outstanding === l.outstanding && r.cachedPrefixTokens < l.cachedPrefixTokens)) least = i;
          }
          if (req.prefixId >= 0 && (holder < 0 || r.outstanding < rs[holder]!.outstanding) && r.holdsPrefix(req.prefixId)) holder = i;
        }
        if (holder >= 0 && rs[holder]!.outstanding <= rs[least]!.outstanding + max_imbalance) return holder;
        return least;
      },
    };
  },
});
