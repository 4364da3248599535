// A run that cannot give a right answer for a reason the user can act on (a result beyond float
// range, a run that stopped with work left and no horizon): reported as it is, never as a number.

export class RunFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailedError';
  }
}
