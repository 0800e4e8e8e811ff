import { DATA_END, dayOf, IMAGING_START } from './calendar';
import { cumulative, type Random } from './random';
import {
  APOE_ALLELE_WEIGHTS,
  APOE_ALLELES,
  APOE_E2_SNP,
  APOE_E4_SNP,
  FTO_SNP,
  HEALTH_BOARD_WEIGHTS,
  HEALTH_BOARDS,
  type Trait,
  TRAITS,
  VARIANTS,
} from './reference';

/** Subject `i` (0-based) carries linkage key `LINKAGE_KEY_BASE + i` at every site. */
export const LINKAGE_KEY_BASE = 100_000;

const FIRST_BIRTH_YEAR = 1925;
const LAST_BIRTH_YEAR = 2010;
const DAYS_PER_YEAR = 365.25;

/**
 * One synthetic person as the model sees them. Latent facts (full birth date, smoking,
 * genotypes of people never genotyped, date of death) drive the records but are never
 * written anywhere themselves.
 */
export interface Subject {
  index: number;
  linkageKey: number;
  sex: 'F' | 'M';
  birthYear: number;
  birthDay: number;
  /** SIMD decile: 1 most deprived, 10 least. */
  deprivation: number;
  board: number;
  smoker: boolean;
  /** APOE alleles, e.g. [3, 4]. */
  apoe: readonly [number, number];
  /** Alternate allele count per panel variant, in `VARIANTS` order. */
  altAlleles: number[];
  /** Standardised polygenic liability per trait. */
  prs: Record<Trait, number>;
  bmi: number;
  /** Death, or the end of the data. */
  lastDay: number;
  /** Onset day of each condition; undefined when the person never has it in the data. */
  onset: Partial<Record<Condition, number>>;
  /** Days of admissions with pneumonia, in order. */
  pneumonia: number[];
}

export type Condition =
  | 'diabetes'
  | 'hypertension'
  | 'heartDisease'
  | 'copd'
  | 'lungCancer'
  | 'stroke'
  | 'dementia'
  | 'ckd'
  | 'asthma'
  | 'depression'
  | 'hipFracture';

/** Builds the latent person of subject `index`, drawing only from `rng`. */
export function drawSubject(rng: Random, index: number): Subject {
  const sex = rng.chance(0.51) ? 'F' : 'M';
  const birthYear = FIRST_BIRTH_YEAR + rng.weighted(BIRTH_YEAR_WEIGHTS);
  const birthDay = dayOf(birthYear) + rng.int(0, 364);
  const board = rng.weighted(HEALTH_BOARD_WEIGHTS);
  const deprivation = drawDeprivation(rng, board);
  const smoker = rng.chance(smokingRate(birthYear, deprivation, sex));
  const apoe = drawApoe(rng);
  const altAlleles = drawGenotypes(rng, apoe);
  const prs = drawScores(rng, altAlleles);
  const bmi = rng.normal(27.3, 4.6) + 0.4 * (altAlleles[FTO_SNP] ?? 0);

  const subject: Subject = {
    index,
    linkageKey: LINKAGE_KEY_BASE + index,
    sex,
    birthYear,
    birthDay,
    deprivation,
    board,
    smoker,
    apoe,
    altAlleles,
    prs,
    bmi,
    lastDay: drawDeath(rng, birthDay, deprivation, smoker),
    onset: {},
    pneumonia: [],
  };
  drawConditions(rng, subject);
  subject.pneumonia = drawPneumonia(rng, subject);
  return subject;
}

/** Age in years (fractional) on a day. */
export function ageAt(subject: Subject, day: number): number {
  return (day - subject.birthDay) / DAYS_PER_YEAR;
}

/** The day a subject reaches an age. */
export function dayAtAge(subject: Subject, age: number): number {
  return subject.birthDay + Math.floor(age * DAYS_PER_YEAR);
}

// Scotland's population by year of birth, for people alive in 2006 or born up to 2010:
// small pre-war cohorts, the post-war and 1960s booms, smaller cohorts since.
const BIRTH_YEAR_WEIGHTS = cumulative(
  Array.from({ length: LAST_BIRTH_YEAR - FIRST_BIRTH_YEAR + 1 }, (_, offset) => {
    const year = FIRST_BIRTH_YEAR + offset;
    if (year < 1946) {
      return 30 + 2.5 * (year - FIRST_BIRTH_YEAR);
    }
    if (year < 1950) {
      return 80;
    }
    if (year < 1960) {
      return 72;
    }
    return year < 1968 ? 85 : year < 1990 ? 68 : 58;
  }),
);

function drawDeprivation(rng: Random, board: number): number {
  const skew = HEALTH_BOARDS[board]?.skew ?? 1;
  return Math.min(10, 1 + Math.floor(10 * Math.pow(rng.next(), skew)));
}

function smokingRate(birthYear: number, deprivation: number, sex: 'F' | 'M'): number {
  const cohort = birthYear < 1960 ? 0.1 : birthYear > 1990 ? -0.05 : 0;
  return 0.1 + 0.03 * (10 - deprivation) + cohort + (sex === 'M' ? 0.03 : 0);
}

function drawApoe(rng: Random): readonly [number, number] {
  const first = APOE_ALLELES[rng.weighted(APOE_ALLELE_WEIGHTS)] ?? 3;
  const second = APOE_ALLELES[rng.weighted(APOE_ALLELE_WEIGHTS)] ?? 3;
  return first <= second ? [first, second] : [second, first];
}

function drawGenotypes(rng: Random, apoe: readonly [number, number]): number[] {
  return VARIANTS.map((variant, position) => {
    if (position === APOE_E4_SNP) {
      return apoe.filter((allele) => allele === 4).length;
    }
    if (position === APOE_E2_SNP) {
      return apoe.filter((allele) => allele === 2).length;
    }
    return (rng.chance(variant.altFrequency) ? 1 : 0) + (rng.chance(variant.altFrequency) ? 1 : 0);
  });
}

// A score is mostly polygenic background, partly the panel's own risk alleles, so that the
// reported score and the panel genotypes correlate as they would in a real cohort.
const PANEL_SHARE = 0.3;

function drawScores(rng: Random, altAlleles: number[]): Record<Trait, number> {
  const scores = {} as Record<Trait, number>;
  for (const trait of TRAITS) {
    let sum = 0;
    let variance = 0;
    VARIANTS.forEach((variant, position) => {
      if (variant.trait === trait && variant.oddsRatio !== undefined) {
        const beta = Math.log(variant.oddsRatio);
        const p = variant.altFrequency;
        sum += beta * ((altAlleles[position] ?? 0) - 2 * p);
        variance += beta * beta * 2 * p * (1 - p);
      }
    });
    const panel = variance > 0 ? sum / Math.sqrt(variance) : rng.normal();
    scores[trait] = Math.sqrt(1 - PANEL_SHARE ** 2) * rng.normal() + PANEL_SHARE * panel;
  }
  return scores;
}

// Gompertz mortality from 2006, higher with deprivation and smoking: pre-war cohorts mostly
// die within the data, which stops their records as it would in life.
function drawDeath(rng: Random, birthDay: number, deprivation: number, smoker: boolean): number {
  const factor = (1.55 - 0.09 * (deprivation - 1)) * (smoker ? 1.6 : 1);
  for (let day = IMAGING_START; day <= DATA_END; day += 365) {
    const age = (day - birthDay) / DAYS_PER_YEAR;
    if (age > 0 && rng.chance(factor * Math.exp(-10.6 + 0.094 * age))) {
      return Math.min(DATA_END, day + rng.int(0, 364));
    }
  }
  return DATA_END;
}

/** Logistic cumulative risk by age, and where a case's onset falls. */
interface AgeCurve {
  /** Share of people affected by a very old age, before risk multipliers. */
  ceiling: number;
  /** Age at which half the ceiling is reached. */
  midAge: number;
  /** Years over which the curve rises by a factor of e. */
  spread: number;
  minAge: number;
}

const CURVES: Record<Condition, AgeCurve> = {
  diabetes: { ceiling: 0.145, midAge: 60, spread: 8, minAge: 25 },
  hypertension: { ceiling: 0.35, midAge: 64, spread: 9, minAge: 30 },
  heartDisease: { ceiling: 0.22, midAge: 74, spread: 8, minAge: 35 },
  copd: { ceiling: 0.09, midAge: 68, spread: 7, minAge: 40 },
  lungCancer: { ceiling: 0.03, midAge: 74, spread: 6, minAge: 40 },
  stroke: { ceiling: 0.1, midAge: 80, spread: 7, minAge: 40 },
  dementia: { ceiling: 0.42, midAge: 88, spread: 5.5, minAge: 55 },
  ckd: { ceiling: 0.25, midAge: 80, spread: 7, minAge: 40 },
  asthma: { ceiling: 0.09, midAge: 20, spread: 10, minAge: 3 },
  depression: { ceiling: 0.12, midAge: 40, spread: 12, minAge: 16 },
  hipFracture: { ceiling: 0.12, midAge: 86, spread: 5, minAge: 60 },
};

function drawConditions(rng: Random, subject: Subject): void {
  const { onset } = subject;
  const deprived = 1.35 - 0.07 * (subject.deprivation - 1);
  const male = subject.sex === 'M';
  const prs = (trait: Trait, beta: number) =>
    Math.exp(beta * subject.prs[trait] - (beta * beta) / 2);
  const ifHas = (condition: Condition, factor: number) =>
    onset[condition] === undefined ? 1 : factor;
  const e4 = subject.altAlleles[APOE_E4_SNP] ?? 0;
  const e2 = subject.altAlleles[APOE_E2_SNP] ?? 0;
  const apoeRisk = ([1, 2.8, 8][e4] ?? 1) * (e2 > 0 && e4 === 0 ? 0.6 : 1);

  const bmiRisk = Math.exp(0.06 * (subject.bmi - 27.3));
  setOnset(rng, subject, 'diabetes', deprived * (male ? 1.15 : 0.87) * prs('T2D', 0.5) * bmiRisk);
  setOnset(rng, subject, 'hypertension', deprived * ifHas('diabetes', 1.5) * bmiRisk);
  const smoke = subject.smoker ? 1.8 : 0.75;
  setOnset(
    rng,
    subject,
    'heartDisease',
    (male ? 1.45 : 0.6) * smoke * deprived * ifHas('diabetes', 1.8) * prs('CAD', 0.45),
  );
  setOnset(rng, subject, 'copd', (subject.smoker ? 2.6 : 0.2) * deprived);
  setOnset(rng, subject, 'lungCancer', (subject.smoker ? 3 : 0.12) * (0.8 + 0.2 * deprived));
  setOnset(rng, subject, 'stroke', smoke * ifHas('diabetes', 1.5) * ifHas('hypertension', 1.5));
  setOnset(rng, subject, 'ckd', ifHas('diabetes', 2) * ifHas('hypertension', 1.4));
  setOnset(rng, subject, 'asthma', 1);
  setOnset(rng, subject, 'depression', deprived * (male ? 0.7 : 1.3));
  setOnset(rng, subject, 'hipFracture', male ? 0.5 : 1.4);
  // Dementia last: APOE e4, diabetes and vascular disease all raise it (lifetime risk for
  // e4/e4 is several times that of e3/e3).
  const vascular = ifHas('stroke', 1.6) * ifHas('heartDisease', 1.15);
  setOnset(
    rng,
    subject,
    'dementia',
    (apoeRisk / 1.5) * ifHas('diabetes', 1.7) * vascular * prs('AD', 0.35),
  );
  shortenLife(rng, subject);
}

/** Decides whether a condition appears by the end of the person's data and when it began. */
function setOnset(rng: Random, subject: Subject, condition: Condition, multiplier: number): void {
  const curve = CURVES[condition];
  const finalAge = ageAt(subject, subject.lastDay);
  if (finalAge <= curve.minAge) {
    return;
  }
  const shape = logistic((finalAge - curve.midAge) / curve.spread);
  if (!rng.chance(Math.min(0.95, curve.ceiling * multiplier * shape))) {
    return;
  }
  // Inverse of the logistic curve truncated at the final age: onsets cluster where the
  // curve rises steeply, never after death.
  const low = logistic((curve.minAge - curve.midAge) / curve.spread);
  const q = low + rng.next() * (shape - low);
  const age = curve.midAge + curve.spread * Math.log(q / (1 - q));
  subject.onset[condition] = Math.min(subject.lastDay, dayAtAge(subject, age));
}

// Lung cancer and dementia shorten life (five-year survival of lung cancer is about 15%).
function shortenLife(rng: Random, subject: Subject): void {
  const cancer = subject.onset.lungCancer;
  if (cancer !== undefined && !rng.chance(0.15)) {
    subject.lastDay = Math.min(subject.lastDay, cancer + Math.floor(rng.exponential(400)));
  }
  const dementia = subject.onset.dementia;
  if (dementia !== undefined) {
    subject.lastDay = Math.min(subject.lastDay, dementia + Math.floor(rng.exponential(2200)));
  }
  for (const condition of Object.keys(subject.onset) as Condition[]) {
    if ((subject.onset[condition] ?? 0) > subject.lastDay) {
      delete subject.onset[condition];
    }
  }
}

// Pneumonia recurs, mostly in old age and with COPD; each admission brings a chest X-ray.
function drawPneumonia(rng: Random, subject: Subject): number[] {
  const days: number[] = [];
  const copd = subject.onset.copd ?? Infinity;
  for (let start = IMAGING_START; start <= subject.lastDay; start += 365) {
    const age = ageAt(subject, start);
    const rate = (0.002 + 0.0012 * Math.max(0, age - 60)) * (start >= copd ? 3 : 1);
    if (age > 0 && rng.chance(rate)) {
      days.push(Math.min(subject.lastDay, start + rng.int(0, 364)));
    }
  }
  return days;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The standard normal distribution function (Abramowitz and Stegun 26.2.17). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  const tail =
    density *
    t *
    (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
}
