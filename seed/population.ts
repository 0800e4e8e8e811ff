import { emptyBatch, type PopulationBatch } from './batches';
import { writeEhr } from './ehr-records';
import { writeGenomics } from './genomics-records';
import { writeImaging } from './imaging-records';
import { Random } from './random';
import { drawSubject } from './subject';

export type { PopulationBatch } from './batches';
export { LINKAGE_KEY_BASE } from './subject';

/** The seed of the demo population and of `npm run seed` without `--seed`. */
export const DEFAULT_SEED = 20261203;

/**
 * Generates subjects `from` (inclusive) to `to` (exclusive) of the population of `seed`.
 *
 * Every subject draws from its own stream, derived from the seed and its index, and every
 * id is positional, so a range gives the same rows whether it is generated at once or in
 * pieces, in any order.
 *
 * @param seed an integer from 0 to 2^32 − 1
 * @param from first subject index (0-based); subject i has linkage key `LINKAGE_KEY_BASE + i`
 * @param to one past the last subject index
 */
export function generateSubjects(seed: number, from: number, to: number): PopulationBatch {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
    throw new TypeError(`A subject range needs integers 0 <= from <= to, got ${from}..${to}`);
  }
  const batch = emptyBatch();
  for (let index = from; index < to; index += 1) {
    const rng = Random.forSubject(seed, index);
    const subject = drawSubject(rng, index);
    writeEhr(rng, subject, batch.ehr);
    writeImaging(rng, subject, seed, batch.imaging);
    writeGenomics(rng, subject, batch.genomics);
  }
  return batch;
}
