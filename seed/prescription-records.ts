import type { PopulationBatch } from './batches';
import { dayOf, isoDate, PRESCRIBING_START } from './calendar';
import type { Random } from './random';
import { type Drug, DRUGS } from './reference';
import { ageAt, dayAtAge, type Subject } from './subject';

/** Writes repeat prescriptions; returns the day statins began (Infinity if never). */
export function writePrescriptions(
  rng: Random,
  subject: Subject,
  rows: PopulationBatch['ehr']['prescription'],
): number {
  const { onset, lastDay } = subject;
  // Repeats are dispensed about every 16 weeks until the end, or until stopped (~8% a year).
  const course = (drug: Drug, start: number, end = lastDay, interval = 112) => {
    let day = Math.max(start, PRESCRIBING_START);
    while (day <= Math.min(end, lastDay)) {
      rows.linkageKey.push(subject.linkageKey);
      rows.bnfCode.push(drug.bnf);
      rows.drug.push(drug.name);
      rows.prescribedOn.push(isoDate(day));
      if (rng.chance(0.025)) {
        break;
      }
      day += rng.int(Math.round(interval * 0.7), Math.round(interval * 1.3));
    }
  };
  const maybe = (
    p: number,
    drug: Drug,
    start: number | undefined,
    end?: number,
    interval?: number,
  ) => {
    if (start !== undefined && rng.chance(p)) {
      course(drug, start, end, interval);
    }
  };

  if (onset.diabetes !== undefined) {
    maybe(0.85, DRUGS.metformin, onset.diabetes + rng.int(0, 180));
    maybe(0.3, DRUGS.gliclazide, onset.diabetes + rng.int(365, 8 * 365));
  }
  const statinFrom = statinStart(rng, subject);
  if (statinFrom !== undefined) {
    course(statinFor(rng, statinFrom), statinFrom);
  }
  const heart = onset.heartDisease;
  maybe(0.8, DRUGS.aspirin, heart);
  maybe(0.35, DRUGS.clopidogrel, heart, (heart ?? 0) + 365);
  maybe(0.55, DRUGS.bisoprolol, heart);
  maybe(0.5, DRUGS.glycerylTrinitrate, heart, lastDay, 180);
  maybe(0.4, DRUGS.ramipril, heart ?? onset.hypertension);
  maybe(0.5, DRUGS.amlodipine, onset.hypertension);
  maybe(0.8, DRUGS.salbutamol, onset.copd ?? onset.asthma, lastDay, 180);
  maybe(0.5, DRUGS.tiotropium, onset.copd);
  if (subject.smoker) {
    const from = Math.max(PRESCRIBING_START, dayAtAge(subject, 18));
    const start = from < lastDay ? rng.int(from, lastDay) : undefined;
    maybe(0.25, DRUGS.nicotine, start, (start ?? 0) + 60, 21);
    maybe(0.1, DRUGS.varenicline, start, (start ?? 0) + 84, 28);
  }
  const dementia = onset.dementia;
  maybe(0.5, DRUGS.donepezil, dementia === undefined ? undefined : dementia + rng.int(30, 180));
  maybe(0.2, DRUGS.memantine, dementia === undefined ? undefined : dementia + rng.int(365, 1095));
  return statinFrom ?? Infinity;
}

// Secondary prevention for nearly all with heart disease; primary prevention for many
// diabetics and, from 50, for a share of everyone else (higher with a high CAD score).
function statinStart(rng: Random, subject: Subject): number | undefined {
  const { onset } = subject;
  if (onset.heartDisease !== undefined && rng.chance(0.9)) {
    return onset.heartDisease + rng.int(0, 30);
  }
  if (onset.diabetes !== undefined && ageAt(subject, subject.lastDay) >= 40 && rng.chance(0.7)) {
    return Math.max(onset.diabetes, dayAtAge(subject, 40)) + rng.int(0, 730);
  }
  const vascular = onset.stroke ?? onset.ckd;
  if (vascular !== undefined && rng.chance(0.6)) {
    return vascular + rng.int(0, 180);
  }
  const from = Math.max(PRESCRIBING_START, dayAtAge(subject, 50));
  const p = 0.22 * Math.exp(0.4 * subject.prs.CAD);
  return from < subject.lastDay && rng.chance(p) ? rng.int(from, subject.lastDay) : undefined;
}

// Simvastatin was first line in Scotland until atorvastatin came off patent (2012).
function statinFor(rng: Random, start: number): Drug {
  const draw = rng.next();
  if (start < dayOf(2013)) {
    return draw < 0.8
      ? DRUGS.simvastatin
      : draw < 0.92
        ? DRUGS.atorvastatin
        : draw < 0.97
          ? DRUGS.pravastatin
          : DRUGS.rosuvastatin;
  }
  return draw < 0.75
    ? DRUGS.atorvastatin
    : draw < 0.87
      ? DRUGS.simvastatin
      : draw < 0.97
        ? DRUGS.rosuvastatin
        : DRUGS.pravastatin;
}
