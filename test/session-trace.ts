// A synthetic multi-turn chat trace (poolsim format with a session_id column), seeded: sessions
// start as a Poisson process; each has a geometric number of turns (mean 1 / (1 - pContinue));
// a turn's prompt is the conversation so far (system prompt, earlier turns' prompts and outputs)
// plus the user's new message, so a later turn's prompt begins with its history; the user thinks
// for an exponential time after each turn's arrival. A conversation longer than `maxContext`
// tokens is truncated to its new message and system prompt (its history restarts).
import { RandomStream } from '../src/engine/random.js';

export interface SessionTraceOptions {
  sessions: number;
  /** Sessions started per second. */
  rate: number;
  pContinue: number;
  systemTokens: number;
  /** Median tokens of a user message and of an answer (lognormal, sigma 0.6). */
  messageMedian: number;
  answerMedian: number;
  /** Mean think time between a turn's arrival and the next (s). */
  thinkS: number;
  maxContext: number;
  seed: number;
}

export function sessionTrace(o: SessionTraceOptions): string {
  const r = new RandomStream(o.seed, 'session-trace');
  const rows: [number, number, number, string][] = [];
  let start = 0;
  for (let s = 0; s < o.sessions; s++) {
    start += r.exponential(1 / o.rate);
    let t = start;
    let history = o.systemTokens;
    for (let turn = 0; turn < 50; turn++) {
      const message = Math.max(1, Math.round(r.lognormal(Math.log(o.messageMedian), 0.6)));
      const answer = Math.max(1, Math.min(2000, Math.round(r.lognormal(Math.log(o.answerMedian), 0.6))));
      let prompt = history + message;
      if (prompt > o.maxContext) prompt = o.systemTokens + message;
      rows.push([t, prompt, answer, `s${s}`]);
      history = prompt + answer;
      if (r.next() >= o.pContinue) break;
      t += r.exponential(o.thinkS);
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  return `timestamp,prompt_tokens,output_tokens,session_id\n${rows.map((x) => `${x[0].toFixed(3)},${x[1]},${x[2]},${x[3]}`).join('\n')}\n`;
}
