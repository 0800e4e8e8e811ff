import type { PopulationBatch } from './batches';
import { dayOf, IMAGING_START, isoDate, yearOf } from './calendar';
import type { Random } from './random';
import { LAB_UNITS, type LabCode, PCSK9_SNP } from './reference';
import { ageAt, type Condition, type Subject } from './subject';

type LabRows = PopulationBatch['ehr']['labResult'];

/** One blood-taking occasion: who, when, and what the person had by then. */
interface Occasion {
  subject: Subject;
  day: number;
  age: number;
  diabetic: boolean;
  ckd: boolean;
  onStatin: boolean;
  /** Per-person offsets that keep one person's results alike from test to test. */
  offsets: { chol: number; hba1c: number; egfr: number };
  test: (code: LabCode, value: number) => void;
}

/**
 * Writes lab results from 2006: occasions (a panel each) more frequent with age and chronic
 * disease, each year's count drawn at once.
 */
export function writeLabs(rng: Random, subject: Subject, statinFrom: number, rows: LabRows): void {
  const offsets = { chol: rng.normal(0, 0.7), hba1c: rng.normal(0, 3), egfr: rng.normal(0, 8) };
  for (let year = yearOf(IMAGING_START); year <= yearOf(subject.lastDay); year += 1) {
    const start = dayOf(year);
    const age = ageAt(subject, start);
    if (age < 16) {
      continue;
    }
    const has = (condition: Condition) => (subject.onset[condition] ?? Infinity) <= start;
    const rate =
      (age < 40 ? 0.05 : age < 65 ? 0.1 : 0.18) +
      (has('diabetes') ? 0.6 : 0) +
      (has('heartDisease') ? 0.2 : 0) +
      (has('ckd') ? 0.3 : 0);
    for (let count = Math.min(3, rng.poisson(rate)); count > 0; count -= 1) {
      const day = Math.min(subject.lastDay, start + rng.int(0, 364));
      const test = (code: LabCode, value: number) => {
        rows.linkageKey.push(subject.linkageKey);
        rows.testCode.push(code);
        rows.value.push(value);
        rows.unit.push(LAB_UNITS[code]);
        rows.takenOn.push(isoDate(day));
      };
      const diabetic = has('diabetes');
      const chronic = diabetic || has('heartDisease');
      const occasion = {
        subject,
        day,
        age,
        diabetic,
        ckd: has('ckd'),
        onStatin: day >= statinFrom,
        offsets,
        test,
      };
      writeOccasion(rng, occasion, chronic);
    }
  }
}

function writeOccasion(rng: Random, occasion: Occasion, chronic: boolean): void {
  const { subject, diabetic, age, test } = occasion;
  if (rng.chance(0.75)) {
    renalPanel(rng, occasion);
  }
  if (rng.chance(chronic ? 0.8 : 0.3)) {
    lipidPanel(rng, occasion);
  }
  if (rng.chance(diabetic ? 0.95 : age >= 40 ? 0.15 : 0.03)) {
    test('HBA1C', Math.round(hba1c(rng, occasion)));
  }
  if (rng.chance(0.1)) {
    const glucose = diabetic ? Math.max(4, rng.normal(8.5, 2.2)) : rng.normal(5.1, 0.5);
    test('GLUC', round(glucose, 1));
  }
  if (rng.chance(diabetic ? 0.5 : 0.15)) {
    const bmi = subject.bmi + (diabetic ? 3 : 0) + rng.normal(0, 0.8);
    test('BMI', round(Math.max(15, bmi), 1));
  }
}

// eGFR falls with age from 25 and with diabetes and CKD; creatinine follows it inversely.
function renalPanel(rng: Random, occasion: Occasion): void {
  const { subject, age, offsets, test } = occasion;
  const decline =
    0.9 * Math.max(0, age - 25) + (occasion.diabetic ? 8 : 0) + (occasion.ckd ? 35 : 0);
  const egfr = clamp(115 - decline + offsets.egfr + rng.normal(0, 5), 5, 130);
  test('EGFR', Math.round(egfr));
  const creatinine = 88 * (subject.sex === 'F' ? 0.8 : 1) * Math.pow(90 / egfr, 0.9);
  test('CREAT', Math.round(creatinine + rng.normal(0, 4)));
}

// Total cholesterol rises into late middle age and falls about 1.4 mmol/L on a statin;
// PCSK9 loss-of-function alleles lower LDL.
function lipidPanel(rng: Random, occasion: Occasion): void {
  const { subject, age, offsets, test } = occasion;
  const rise = 0.012 * Math.min(20, Math.max(0, age - 45));
  const chol = Math.max(
    2.2,
    4.9 + rise + offsets.chol + rng.normal(0, 0.35) - (occasion.onStatin ? 1.4 : 0),
  );
  const hdlMean = (subject.sex === 'F' ? 1.6 : 1.3) - (occasion.diabetic ? 0.15 : 0);
  const hdl = Math.max(0.5, hdlMean + rng.normal(0, 0.25));
  const pcsk9 = 0.5 * (subject.altAlleles[PCSK9_SNP] ?? 0);
  const ldl = Math.max(0.5, chol - hdl - 0.6 - pcsk9 + rng.normal(0, 0.2));
  test('CHOL', round(chol, 1));
  test('HDL', round(hdl, 2));
  test('LDL', round(ldl, 1));
}

// HbA1c (IFCC, mmol/mol): diabetes is diagnosed at 48 and above; it creeps up for a few years
// before the diagnosis.
function hba1c(rng: Random, occasion: Occasion): number {
  const { subject, day, offsets } = occasion;
  const onset = subject.onset.diabetes ?? Infinity;
  if (day >= onset) {
    return Math.max(42, 58 + 1.5 * offsets.hba1c + rng.normal(0, 9));
  }
  if (onset - day < 3 * 365) {
    return clamp(43 + offsets.hba1c + rng.normal(0, 2.5), 36, 47);
  }
  const drift = 0.06 * (ageAt(subject, day) - 40);
  return clamp(35 + drift + offsets.hba1c + rng.normal(0, 2.5), 20, 47);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
