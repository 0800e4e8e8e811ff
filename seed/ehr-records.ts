import type { PopulationBatch } from './batches';
import { CODING_START, isoDate } from './calendar';
import { writeLabs } from './lab-records';
import { writePrescriptions } from './prescription-records';
import type { Random } from './random';
import {
  ALZHEIMER_PAIRS,
  type CodeList,
  DEMENTIA_MIXED,
  DEMENTIA_UNSPECIFIED,
  HEALTH_BOARDS,
  ICD10,
} from './reference';
import { ageAt, type Condition, dayAtAge, type Subject } from './subject';

type EhrBatch = PopulationBatch['ehr'];

/** Writes a subject's person row, diagnoses, prescriptions and lab results. */
export function writeEhr(rng: Random, subject: Subject, batch: EhrBatch): void {
  const { person } = batch;
  person.linkageKey.push(subject.linkageKey);
  // A few records carry no recorded sex.
  person.sex.push(rng.chance(0.001) ? 'U' : subject.sex);
  person.birthYear.push(subject.birthYear);
  person.deprivationDecile.push(subject.deprivation);
  person.healthBoard.push(HEALTH_BOARDS[subject.board]?.name ?? '');

  writeDiagnoses(rng, subject, batch.diagnosis);
  const statinFrom = writePrescriptions(rng, subject, batch.prescription);
  writeLabs(rng, subject, statinFrom, batch.labResult);
}

function writeDiagnoses(rng: Random, subject: Subject, rows: EhrBatch['diagnosis']): void {
  const diagnose = (code: string, day: number) => {
    rows.linkageKey.push(subject.linkageKey);
    rows.icd10.push(code);
    rows.diagnosedOn.push(isoDate(day));
  };
  const { onset } = subject;

  if (subject.smoker) {
    const related = onset.copd !== undefined || onset.lungCancer !== undefined;
    const from = Math.max(CODING_START, dayAtAge(subject, 18));
    if (from < subject.lastDay && rng.chance(related ? 0.85 : 0.55)) {
      diagnose(code(rng, ICD10.tobacco), rng.int(from, subject.lastDay));
    }
  }
  const simple: Array<[Condition, CodeList]> = [
    ['diabetes', ICD10.diabetes],
    ['hypertension', ICD10.hypertension],
    ['copd', ICD10.copd],
    ['lungCancer', ICD10.lungCancer],
    ['stroke', ICD10.stroke],
    ['ckd', ICD10.ckd],
    ['asthma', ICD10.asthma],
    ['depression', ICD10.depression],
    ['hipFracture', ICD10.hipFracture],
  ];
  for (const [condition, codes] of simple) {
    const day = recordedOn(rng, subject, onset[condition]);
    if (day !== undefined) {
      const first = code(rng, codes);
      diagnose(first, day);
      // Chronic conditions are coded again at later admissions.
      for (let repeat = rng.poisson(REPEATS[condition] ?? 0); repeat > 0; repeat -= 1) {
        diagnose(
          condition === 'lungCancer' ? first : code(rng, codes),
          rng.int(day, subject.lastDay),
        );
      }
    }
  }

  const heart = recordedOn(rng, subject, onset.heartDisease);
  if (heart !== undefined) {
    diagnose(code(rng, ICD10.heartFirst), heart);
    for (let repeat = rng.poisson(0.8); repeat > 0; repeat -= 1) {
      diagnose(code(rng, ICD10.heartLater), rng.int(heart, subject.lastDay));
    }
  }
  const dementia = recordedOn(rng, subject, onset.dementia);
  if (dementia !== undefined) {
    for (const dementiaCode of dementiaCodes(rng, subject)) {
      diagnose(dementiaCode, dementia);
    }
  }
  for (const day of subject.pneumonia) {
    diagnose(code(rng, ICD10.pneumonia), day);
  }
}

const REPEATS: Partial<Record<Condition, number>> = {
  diabetes: 0.8,
  hypertension: 0.5,
  copd: 0.8,
  lungCancer: 1.2,
  ckd: 0.4,
  asthma: 0.3,
  depression: 0.3,
};

/** A condition that began before ICD-10 coding is first recorded at a later admission. */
function recordedOn(rng: Random, subject: Subject, onset: number | undefined): number | undefined {
  if (onset === undefined) {
    return undefined;
  }
  const day = onset >= CODING_START ? onset : CODING_START + rng.int(0, 3 * 365);
  return day <= subject.lastDay ? day : undefined;
}

function dementiaCodes(rng: Random, subject: Subject): string[] {
  const vascular = subject.onset.stroke !== undefined || subject.onset.heartDisease !== undefined;
  const kind = rng.next() * (vascular ? 1.15 : 1);
  if (kind < 0.55) {
    const early = ageAt(subject, subject.onset.dementia ?? subject.lastDay) < 65;
    const [aetiology, manifestation] = early
      ? ALZHEIMER_PAIRS[0]
      : rng.pick(ALZHEIMER_PAIRS.slice(1));
    return [aetiology, manifestation];
  }
  if (kind < 0.6) {
    return [DEMENTIA_MIXED];
  }
  return kind < 0.8 ? [DEMENTIA_UNSPECIFIED] : [code(rng, ICD10.dementiaVascular)];
}

function code(rng: Random, list: CodeList): string {
  return list.codes[rng.weighted(list.weights)] ?? list.codes[0];
}
