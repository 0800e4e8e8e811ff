import type { PopulationBatch } from './batches';
import { dayOf, IMAGING_START, isoDate, yearOf } from './calendar';
import type { Random } from './random';
import { APOE_E2_SNP, APOE_E4_SNP, assayFor, TAYSIDE, TRAITS, VARIANTS } from './reference';
import { dayAtAge, normalCdf, type Subject } from './subject';

type GenomicsBatch = PopulationBatch['genomics'];

const LAST_COLLECTION = dayOf(2025, 12, 31);
/** Share of calls missing outside APOE, whose two SNPs are always called. */
const NO_CALL_RATE = 0.005;

/**
 * Writes the genotyped subset: a sample (rarely two), panel genotypes, APOE and polygenic
 * scores. About 40% are genotyped; more in Tayside and among diabetics, as research cohorts
 * there recruited them.
 */
export function writeGenomics(rng: Random, subject: Subject, batch: GenomicsBatch): void {
  const p =
    0.38 +
    (subject.onset.diabetes !== undefined ? 0.25 : 0) +
    (subject.board === TAYSIDE ? 0.15 : 0) +
    (subject.onset.dementia !== undefined ? 0.1 : 0);
  const from = Math.max(IMAGING_START, dayAtAge(subject, 18));
  const to = Math.min(subject.lastDay, LAST_COLLECTION);
  if (from > to || !rng.chance(p)) {
    return;
  }

  const collected = rng.int(from, to);
  writeSample(batch, subject, subject.index * 2 + 1, collected);
  if (to - collected > 365 && rng.chance(0.03)) {
    writeSample(batch, subject, subject.index * 2 + 2, rng.int(collected + 365, to));
  }
  writeGenotypes(rng, subject, batch);
  writeScores(subject, batch);
}

function writeSample(batch: GenomicsBatch, subject: Subject, id: number, day: number): void {
  batch.sample.id.push(id);
  batch.sample.linkageKey.push(subject.linkageKey);
  batch.sample.assay.push(assayFor(yearOf(day)));
  batch.sample.collectedOn.push(isoDate(day));
}

function writeGenotypes(rng: Random, subject: Subject, batch: GenomicsBatch): void {
  const { genotype, apoe } = batch;
  VARIANTS.forEach((variant, position) => {
    const apoeSnp = position === APOE_E4_SNP || position === APOE_E2_SNP;
    if (!apoeSnp && rng.chance(NO_CALL_RATE)) {
      return;
    }
    genotype.rsId.push(variant.rsId);
    genotype.linkageKey.push(subject.linkageKey);
    genotype.altAlleles.push(subject.altAlleles[position] ?? 0);
  });

  const [first, second] = subject.apoe;
  apoe.linkageKey.push(subject.linkageKey);
  apoe.genotype.push(`e${first}/e${second}`);
  apoe.e4Copies.push(subject.altAlleles[APOE_E4_SNP] ?? 0);
}

function writeScores(subject: Subject, batch: GenomicsBatch): void {
  const { polygenicScore } = batch;
  for (const trait of TRAITS) {
    const z = subject.prs[trait];
    polygenicScore.linkageKey.push(subject.linkageKey);
    polygenicScore.trait.push(trait);
    polygenicScore.score.push(Math.round(z * 10_000) / 10_000);
    polygenicScore.percentile.push(Math.min(99, Math.floor(normalCdf(z) * 100)));
  }
}

/** Rows of the `variant` table: the panel every genotype refers to. */
export function variantRows(): {
  rsId: string[];
  gene: string[];
  chromosome: string[];
  position: number[];
  refAllele: string[];
  altAllele: string[];
} {
  return {
    rsId: VARIANTS.map((variant) => variant.rsId),
    gene: VARIANTS.map((variant) => variant.gene),
    chromosome: VARIANTS.map((variant) => variant.chromosome),
    position: VARIANTS.map((variant) => variant.position),
    refAllele: VARIANTS.map((variant) => variant.ref),
    altAllele: VARIANTS.map((variant) => variant.alt),
  };
}
