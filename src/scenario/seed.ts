// The seed fields of a scenario file (`seed`, `expect.seed_base`), in the range seed-range.ts gives.
import { z } from 'zod';
import { MAX_SEED, SEED_RANGE } from './seed-range.js';

/** A seed field of a scenario file (`seed`, `expect.seed_base`). */
export const seedSchema = z.number().min(0, { message: SEED_RANGE, abort: true }).max(MAX_SEED, { message: SEED_RANGE, abort: true }).int();
