// The failures a simulation worker reports, as messages, and the errors they become again in the
// thread that started it (the same errors, and exit codes, as an in-process run).
import { PolicyError } from '../policy/types.js';
import { InputError, type InputIssue } from '../scenario/errors.js';

export type WorkerFailure =
  | { type: 'input-error'; issues: InputIssue[] }
  | { type: 'policy-error'; policy: string; job: string | undefined; timeS: number; message: string }
  | { type: 'internal-error'; message: string };

export function errorFromWorker(m: WorkerFailure): Error {
  switch (m.type) {
    case 'input-error':
      return new InputError(m.issues);
    case 'policy-error': {
      const e = new PolicyError(m.policy, m.job, m.timeS, '');
      e.message = m.message;
      return e;
    }
    case 'internal-error':
      return new Error(m.message);
  }
}
