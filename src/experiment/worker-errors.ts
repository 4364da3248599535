// The failures a simulation worker reports, as messages, and the errors they become again in the
// thread that started it (the same errors, and exit codes, as an in-process run).
import { PolicyError } from '../policy/types.js';
import { InputError, type InputIssue } from '../scenario/errors.js';
import { RunFailedError } from '../sim/run-error.js';

export { RunFailedError };

export type WorkerFailure =
  | { type: 'input-error'; issues: InputIssue[]; warnings: InputIssue[] }
  | { type: 'policy-error'; policy: string; job: string | undefined; timeS: number; message: string }
  | { type: 'run-error'; message: string }
  | { type: 'internal-error'; message: string };

/** A worker thread that ended without answering (a plug-in called process.exit, or it ran out of memory). */
export class WorkerExitError extends RunFailedError {
  constructor(
    readonly code: number,
    readonly runIndex: number | undefined,
  ) {
    super(
      `the simulation stopped without a result (its worker thread exited with code ${code}${code === 1 ? ', perhaps out of memory or a plug-in calling process.exit()' : ''})`,
    );
    this.name = 'WorkerExitError';
  }
}

export function errorFromWorker(m: WorkerFailure): Error {
  switch (m.type) {
    case 'input-error':
      return new InputError(m.issues, m.warnings);
    case 'policy-error': {
      const e = new PolicyError(m.policy, m.job, m.timeS, '');
      e.message = m.message;
      return e;
    }
    case 'run-error':
      return new RunFailedError(m.message);
    case 'internal-error': {
      // The worker's stack, kept for POOLSIM_DEBUG; the message is its first line.
      const e = new Error(m.message.split('\n')[0]);
      e.stack = m.message;
      return e;
    }
  }
}

/** The message a worker sends for a failure (the inverse of errorFromWorker). */
export function failureOf(e: unknown): WorkerFailure {
  if (e instanceof InputError) return { type: 'input-error', issues: [...e.issues], warnings: [...e.warnings] };
  if (e instanceof PolicyError) return { type: 'policy-error', policy: e.policy, job: e.job, timeS: e.timeS, message: e.message };
  if (e instanceof RunFailedError) return { type: 'run-error', message: e.message };
  return { type: 'internal-error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
