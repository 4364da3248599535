export { Engine, EngineError, type ScheduledEvent } from './engine.js';
export { RandomStream, RandomStreams } from './random.js';
export { snapToZero, nearlyEqual, REL_EPS, RESIDUE_REL } from './numeric.js';
