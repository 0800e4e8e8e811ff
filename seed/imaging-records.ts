import type { PopulationBatch } from './batches';
import { IMAGING_START, isoDate, yearOf } from './calendar';
import { OTHER_RADIOGRAPHS, PROTOCOLS, SCANNERS, type StudyProtocol } from './imaging-protocols';
import type { Random } from './random';
import { ageAt, dayAtAge, type Subject } from './subject';

type ImagingBatch = PopulationBatch['imaging'];

/**
 * Ids are positional so that any range of subjects can be generated alone: study
 * `subject * 100 + k` (k < 100), series `study * 10 + s`, instance `series * 1000 + n`.
 * A million subjects stay far below 2^53.
 */
const STUDIES_PER_SUBJECT = 99;
const MAX_IMAGES = 999;

/**
 * Synthetic DICOM UIDs are `1.2.826.0.1.3680043.10.<seed>.<kind>.<UID_OFFSET + id>`: one
 * population never reuses another's UIDs, and the kind (1 study, 2 series, 3 instance) keeps
 * them apart.
 */
export const UID_ROOT = '1.2.826.0.1.3680043.10';
/**
 * Gives every id's UID component the same 16 digits, so that text order is id order and the
 * unique UID indexes grow at their right edge instead of being split all over (a third of
 * the load time at 100,000 subjects). DICOM forbids padding with leading zeros (PS3.5 9.1).
 */
export const UID_OFFSET = 1e15;

interface PlannedStudy {
  day: number;
  protocol: StudyProtocol;
}

/** Writes a subject's studies, their series and instances, oldest study first. */
export function writeImaging(
  rng: Random,
  subject: Subject,
  seed: number,
  batch: ImagingBatch,
): void {
  const plans = planStudies(rng, subject).sort((a, b) => a.day - b.day);
  const uidRoot = `${UID_ROOT}.${seed}`;
  plans.slice(0, STUDIES_PER_SUBJECT).forEach((plan, k) => {
    writeStudy(rng, subject, uidRoot, subject.index * 100 + k + 1, plan, batch);
  });
}

function planStudies(rng: Random, subject: Subject): PlannedStudy[] {
  const plans: PlannedStudy[] = [];
  const add = (protocol: StudyProtocol, day: number) => {
    if (day >= IMAGING_START && day <= subject.lastDay && day > subject.birthDay) {
      plans.push({ day, protocol });
    }
  };
  const maybe = (p: number, protocol: StudyProtocol, day: number | undefined) => {
    if (day !== undefined && rng.chance(p)) {
      add(protocol, day);
    }
  };
  const { onset } = subject;

  const cancer = onset.lungCancer;
  if (cancer !== undefined) {
    maybe(0.8, PROTOCOLS.chestXray, cancer - rng.int(14, 90));
    maybe(0.95, PROTOCOLS.ctChest, cancer - rng.int(0, 30));
    maybe(0.55, PROTOCOLS.petCt, cancer + rng.int(7, 40));
    maybe(0.1, PROTOCOLS.mrBrain, cancer + rng.int(7, 60));
    // Surveillance CT every three to six months.
    let day = cancer;
    for (let followUp = rng.int(0, 3); followUp > 0; followUp -= 1) {
      day += rng.int(90, 200);
      add(PROTOCOLS.ctChest, day);
    }
  }
  maybe(0.7, PROTOCOLS.chestXray, onset.copd);
  maybe(0.15, PROTOCOLS.ctChestLowDose, shift(rng, onset.copd, 0, 365));
  const heart = onset.heartDisease;
  maybe(0.6, PROTOCOLS.chestXray, heart);
  maybe(0.1, PROTOCOLS.ctCoronary, shift(rng, heart, -120, 0));
  maybe(0.05, PROTOCOLS.ctChest, shift(rng, heart, 0, 3 * 365));
  maybe(0.12, PROTOCOLS.nmHeart, shift(rng, heart, 0, 180));
  maybe(0.4, PROTOCOLS.usEcho, shift(rng, heart, 0, 60));
  const dementia = onset.dementia;
  if (dementia !== undefined) {
    // Memory clinics ask for MRI where they can, CT otherwise.
    if (rng.chance(0.55)) {
      add(PROTOCOLS.mrBrain, dementia - rng.int(0, 240));
    } else {
      maybe(0.4, PROTOCOLS.ctHead, dementia - rng.int(0, 120));
    }
    maybe(0.03, PROTOCOLS.petBrain, dementia + rng.int(0, 200));
    maybe(0.04, PROTOCOLS.nmBrain, dementia + rng.int(0, 200));
  }
  maybe(0.95, PROTOCOLS.ctHead, onset.stroke);
  maybe(0.4, PROTOCOLS.mrBrain, shift(rng, onset.stroke, 1, 10));
  maybe(0.98, PROTOCOLS.hipXray, onset.hipFracture);
  for (const day of subject.pneumonia) {
    maybe(0.9, PROTOCOLS.chestXray, day);
  }
  planScreening(rng, subject, add);
  planBackground(rng, subject, add);
  return plans;
}

function shift(rng: Random, day: number | undefined, min: number, max: number): number | undefined {
  return day === undefined ? undefined : day + rng.int(min, max);
}

// The Scottish Breast Screening Programme invites women aged 50–70 every three years;
// most women attend nearly every round, some rarely.
function planScreening(
  rng: Random,
  subject: Subject,
  add: (protocol: StudyProtocol, day: number) => void,
): void {
  if (subject.sex !== 'F') {
    return;
  }
  const attendance = rng.chance(0.75) ? 0.9 : 0.25;
  for (let age = 50 + rng.int(0, 2); age <= 70; age += 3) {
    if (rng.chance(attendance)) {
      add(PROTOCOLS.mammogram, dayAtAge(subject, age) + rng.int(0, 364));
    }
  }
}

/** Yearly background imaging, by age; each year draws all kinds at once. */
function planBackground(
  rng: Random,
  subject: Subject,
  add: (protocol: StudyProtocol, day: number) => void,
): void {
  const smoker = subject.smoker ? 1 : 0;
  const diabetes = subject.onset.diabetes ?? Infinity;
  const rates = new Array<number>(BACKGROUND.length);
  for (let start = IMAGING_START; start <= subject.lastDay; start += 365) {
    const age = ageAt(subject, start);
    if (age < 0) {
      continue;
    }
    let total = 0;
    BACKGROUND.forEach((kind, position) => {
      const rate = kind.rate(age, smoker, start >= diabetes, subject.sex);
      rates[position] = rate;
      total += rate;
    });
    for (let count = rng.poisson(total); count > 0; count -= 1) {
      let pick = rng.next() * total;
      let position = 0;
      while (position < rates.length - 1 && pick >= (rates[position] ?? 0)) {
        pick -= rates[position] ?? 0;
        position += 1;
      }
      const kind = BACKGROUND[position];
      if (kind) {
        add(kind.protocol(rng), start + rng.int(0, 364));
      }
    }
  }
}

interface BackgroundKind {
  rate: (age: number, smoker: number, diabetic: boolean, sex: 'F' | 'M') => number;
  protocol: (rng: Random) => StudyProtocol;
}

const over = (age: number, from: number) => Math.max(0, age - from);

// Rates per person-year. Smokers have more chest imaging; diabetics more brain MRI
// (cerebrovascular work-up).
const BACKGROUND: readonly BackgroundKind[] = [
  {
    rate: (age, smoker) => (0.012 + 0.002 * over(age, 30)) * (1 + 0.3 * smoker),
    protocol: () => PROTOCOLS.chestXray,
  },
  { rate: (age) => 0.03 + 0.0006 * age, protocol: (rng) => rng.pick(OTHER_RADIOGRAPHS) },
  { rate: (age) => 0.006 + 0.0002 * age, protocol: () => PROTOCOLS.usAbdomen },
  {
    rate: (age, _s, _d, sex) => (sex === 'F' && age >= 18 && age < 45 ? 0.02 : 0.002),
    protocol: () => PROTOCOLS.usPelvis,
  },
  { rate: (age) => 0.00005 + 0.00007 * over(age, 65), protocol: () => PROTOCOLS.ctHead },
  { rate: (age) => 0.0001 + 0.00002 * over(age, 40), protocol: () => PROTOCOLS.ctAbdomen },
  {
    rate: (age, smoker) => (0.0001 + 0.00003 * over(age, 40)) * (1 + 2 * smoker),
    protocol: () => PROTOCOLS.ctChest,
  },
  {
    rate: (age, _s, diabetic) => (0.0003 + 0.00003 * over(age, 40)) * (diabetic ? 2 : 1),
    protocol: () => PROTOCOLS.mrBrain,
  },
  {
    rate: (age) => (age >= 20 ? 0.001 : 0),
    protocol: (rng) => (rng.chance(0.5) ? PROTOCOLS.mrSpine : PROTOCOLS.mrKnee),
  },
  { rate: (age) => (age >= 55 ? 0.0006 : 0), protocol: () => PROTOCOLS.nmBone },
];

function writeStudy(
  rng: Random,
  subject: Subject,
  uidRoot: string,
  studyId: number,
  plan: PlannedStudy,
  batch: ImagingBatch,
): void {
  const { protocol, day } = plan;
  const modality = protocol.modality === 'DX' && plateEra(rng, day) ? 'CR' : protocol.modality;
  const { study, series, instance } = batch;
  study.id.push(studyId);
  study.linkageKey.push(subject.linkageKey);
  study.studyUid.push(`${uidRoot}.1.${UID_OFFSET + studyId}`);
  study.modality.push(modality);
  study.bodyPart.push(protocol.bodyPart);
  study.studyDate.push(isoDate(day));
  study.description.push(protocol.description);

  const [manufacturer, model] = scanner(rng, subject, modality);
  const seriesCount = Math.min(protocol.series.length, rng.int(...protocol.seriesCount));
  for (let s = 0; s < seriesCount; s += 1) {
    const spec = protocol.series[s];
    if (!spec) {
      break;
    }
    const seriesId = studyId * 10 + s + 1;
    const images = Math.min(MAX_IMAGES, rng.int(...spec.images));
    series.id.push(seriesId);
    series.studyId.push(studyId);
    series.seriesUid.push(`${uidRoot}.2.${UID_OFFSET + seriesId}`);
    series.seriesNumber.push(s + 1);
    series.modality.push(spec.modality ?? modality);
    series.description.push(spec.description);
    series.sliceThicknessMm.push(spec.sliceThicknessMm);
    series.manufacturer.push(manufacturer);
    series.model.push(model);
    series.imageCount.push(images);

    const folder = `s3://imaging-archive/${studyId}/${seriesId}/`;
    for (let n = 1; n <= images; n += 1) {
      const instanceId = seriesId * 1000 + n;
      instance.id.push(instanceId);
      instance.seriesId.push(seriesId);
      instance.instanceUid.push(`${uidRoot}.3.${UID_OFFSET + instanceId}`);
      instance.instanceNumber.push(n);
      instance.storageRef.push(`${folder}${instanceId}.dcm`);
    }
  }
}

// Computed radiography plates gave way to direct digital detectors around 2010–2014.
function plateEra(rng: Random, day: number): boolean {
  const year = yearOf(day);
  return rng.chance(year < 2010 ? 0.8 : year < 2014 ? 0.4 : 0.05);
}

// Most studies come from the scanner fleet of the person's own board.
function scanner(rng: Random, subject: Subject, modality: string): readonly [string, string] {
  const fleet = SCANNERS[modality] ?? SCANNERS.CT ?? [];
  const local = (subject.board * 7 + modality.charCodeAt(0)) % fleet.length;
  return fleet[rng.chance(0.75) ? local : rng.int(0, fleet.length - 1)] ?? ['SIEMENS', 'Unknown'];
}
