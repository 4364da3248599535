// Closed-form queueing results the simulator must reproduce (used by tests and benchmarks).

/** Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = lambda / mu. */
export function erlangC(c: number, a: number): number {
  // Erlang B by its stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

/** Mean wait in queue of M/M/c: C(c, a) / (c mu - lambda). */
export function erlangCWait(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/** M/D/1 mean wait (Pollaczek-Khinchine with zero service variance). */
export function md1Wait(lambda: number, serviceS: number): number {
  const rho = lambda * serviceS;
  return (rho * serviceS) / (2 * (1 - rho));
}

/** M/M/1 mean wait in queue. */
export function mm1Wait(lambda: number, mu: number): number {
  return lambda / (mu * (mu - lambda));
}
