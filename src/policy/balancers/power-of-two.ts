// Power of d choices (Mitzenmacher 2001; Vvedenskaya et al. 1996): sample d distinct replicas at
// random and send to the one with the fewest outstanding requests. With d = 2 the maximum queue
// falls from log n / log log n to log log n, at the cost of two probes (Envoy's LEAST_REQUEST).
import { z } from 'zod';
import { defineLoadBalancer } from './define.js';

export const powerOfTwo = defineLoadBalancer({
  name: 'power-of-two',
  description: 'Sample `choices` (default 2) distinct replicas at random; the one with fewer outstanding requests wins (ties to the first drawn).',
  params: z.strictObject({ choices: z.number().int().min(1).default(2) }),
  create({ choices }) {
    return {
      route(_req, ctx) {
        const rs = ctx.replicas;
        const n = rs.length;
        if (n === 1) return 0;
        if (choices === 2) {
          const a = ctx.random.int(n);
          let b = ctx.random.int(n - 1);
          if (b >= a) b++;
          return rs[b]!.outstanding < rs[a]!.outstanding ? b : a;
        }
        // d distinct draws by a partial Fisher-Yates over indices (d is small).
        const d = Math.min(choices, n);
        const picked: number[] = [];
        let best = -1;
        for (let k = 0; k < d; k++) {
          let x = ctx.random.int(n - k);
          // Map x to the x-th index not yet picked (picked kept sorted).
          for (const p of picked) if (x >= p) x++;
          picked.push(x);
          picked.sort((u, v) => u - v);
          if (best < 0 || rs[x]!.outstanding < rs[best]!.outstanding) best = x;
        }
        return best;
      },
    };
  },
});
