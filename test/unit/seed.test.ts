import { createHash } from 'node:crypto';

import { emptyBatch, type PopulationBatch } from '../../seed/batches';
import { copyLine } from '../../seed/pg-copy';
import { DEFAULT_SEED, generateSubjects, LINKAGE_KEY_BASE } from '../../seed/population';
import { Random } from '../../seed/random';
import { VARIANTS } from '../../seed/reference';

/** Appends every column of `next` to `into`. */
function concat(into: PopulationBatch, next: PopulationBatch): PopulationBatch {
  for (const [site, tables] of Object.entries(next)) {
    for (const [table, columns] of Object.entries(tables as Record<string, object>)) {
      for (const [column, values] of Object.entries(columns as Record<string, unknown[]>)) {
        const sites = into as unknown as Record<string, Record<string, Record<string, unknown[]>>>;
        const target = sites[site][table][column];
        target.push(...values);
      }
    }
  }
  return into;
}

/** A digest per table: deep equality of millions of values is too slow for Jest's matchers. */
function digests(batch: PopulationBatch): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [site, tables] of Object.entries(batch)) {
    for (const [table, columns] of Object.entries(tables as Record<string, object>)) {
      result[`${site}.${table}`] = createHash('sha256')
        .update(JSON.stringify(columns))
        .digest('hex');
    }
  }
  return result;
}

/** Linkage keys having any diagnosis whose code matches. */
function keysWith(batch: PopulationBatch, pattern: RegExp): Set<number> {
  const keys = new Set<number>();
  batch.ehr.diagnosis.icd10.forEach((code, i) => {
    if (pattern.test(code)) {
      keys.add(batch.ehr.diagnosis.linkageKey[i]);
    }
  });
  return keys;
}

/** Every distinct text value outside the instance table (UIDs and storage paths only). */
function textValues(batch: PopulationBatch): string[] {
  const texts = new Set<string>();
  for (const tables of Object.values(batch)) {
    for (const [table, columns] of Object.entries(tables as Record<string, object>)) {
      if (table === 'instance') {
        continue;
      }
      for (const values of Object.values(columns as Record<string, unknown[]>)) {
        for (const value of values) {
          if (typeof value === 'string') {
            texts.add(value);
          }
        }
      }
    }
  }
  return [...texts];
}

describe('synthetic population', () => {
  const subjects = 12_000;
  let population: PopulationBatch;

  beforeAll(() => {
    population = generateSubjects(DEFAULT_SEED, 0, subjects);
  });

  describe('determinism', () => {
    it('should give identical rows for the same seed and range', () => {
      const first = generateSubjects(7, 0, 600);
      expect(first.imaging.instance.id.length).toBeGreaterThan(6_000);
      expect(digests(generateSubjects(7, 0, 600))).toEqual(digests(first));
    });

    it('should give the same rows whether a range is generated whole or in pieces', () => {
      const whole = generateSubjects(7, 0, 600);
      const pieces = concat(
        concat(emptyBatch(), generateSubjects(7, 0, 300)),
        generateSubjects(7, 300, 600),
      );
      expect(digests(pieces)).toEqual(digests(whole));
    });

    it('should give a subject the same rows wherever its range starts', () => {
      // A subject late in the range with diagnoses and imaging, generated on its own.
      const { diagnosis } = population.ehr;
      const { study } = population.imaging;
      const index = [...Array(subjects).keys()].reverse().find((i) => {
        const key = LINKAGE_KEY_BASE + i;
        return diagnosis.linkageKey.includes(key) && study.linkageKey.includes(key);
      })!;
      const key = LINKAGE_KEY_BASE + index;
      const alone = generateSubjects(DEFAULT_SEED, index, index + 1);
      expect(alone.ehr.person.linkageKey).toEqual([key]);
      const own = <T>(values: T[], keys: number[]) => values.filter((_, i) => keys[i] === key);
      expect(alone.ehr.diagnosis.diagnosedOn).toEqual(
        own(diagnosis.diagnosedOn, diagnosis.linkageKey),
      );
      expect(alone.imaging.study.studyUid).toEqual(own(study.studyUid, study.linkageKey));
    });

    it('should give a different population for another seed', () => {
      const other = generateSubjects(DEFAULT_SEED + 1, 0, 300);
      expect(other.ehr.person.birthYear).not.toEqual(population.ehr.person.birthYear.slice(0, 300));
      expect(other.imaging.study.studyUid[0]).not.toEqual(population.imaging.study.studyUid[0]);
    });

    it('should reject a reversed range and a seed out of range', () => {
      expect(() => generateSubjects(1, 10, 5)).toThrow(TypeError);
      expect(() => generateSubjects(-1, 0, 1)).toThrow(TypeError);
      expect(() => Random.forSubject(2 ** 32, 0)).toThrow(TypeError);
    });
  });

  describe('rates and correlations', () => {
    it('should give type 2 diabetes to 5–10% of people, more of the old and the deprived', () => {
      const diabetes = keysWith(population, /^E11/);
      expect(diabetes.size / subjects).toBeGreaterThan(0.05);
      expect(diabetes.size / subjects).toBeLessThan(0.1);

      const share = (keep: (i: number) => boolean) => {
        const keys = population.ehr.person.linkageKey.filter((_, i) => keep(i));
        return keys.filter((key) => diabetes.has(key)).length / keys.length;
      };
      const { birthYear, deprivationDecile } = population.ehr.person;
      expect(share((i) => birthYear[i] < 1956)).toBeGreaterThan(
        3 * share((i) => birthYear[i] >= 1976),
      );
      expect(share((i) => deprivationDecile[i] <= 2)).toBeGreaterThan(
        1.3 * share((i) => deprivationDecile[i] >= 9),
      );
    });

    it('should make lung cancer far likelier among recorded smokers', () => {
      const smokers = keysWith(population, /^(F17|Z72\.0)/);
      const cancer = keysWith(population, /^C34/);
      const amongSmokers = [...cancer].filter((key) => smokers.has(key)).length / smokers.size;
      const amongOthers =
        [...cancer].filter((key) => !smokers.has(key)).length / (subjects - smokers.size);
      expect(cancer.size).toBeGreaterThan(50);
      expect(amongSmokers).toBeGreaterThan(5 * amongOthers);
    });

    it('should give APOE e4 to 25–31% of the genotyped, and dementia rising with e4 copies', () => {
      const { apoe } = population.genomics;
      const carriers = apoe.e4Copies.filter((copies) => copies > 0).length / apoe.e4Copies.length;
      expect(carriers).toBeGreaterThan(0.25);
      expect(carriers).toBeLessThan(0.31);
      expect(
        apoe.genotype.filter((g) => g === 'e3/e3').length / apoe.genotype.length,
      ).toBeGreaterThan(0.55);

      const dementia = keysWith(population, /^(F0[0-3]|G30)/);
      const rate = (copies: number) => {
        const keys = apoe.linkageKey.filter((_, i) => apoe.e4Copies[i] === copies);
        return keys.filter((key) => dementia.has(key)).length / keys.length;
      };
      expect(rate(1)).toBeGreaterThan(1.5 * rate(0));
      expect(rate(2)).toBeGreaterThan(rate(1));
    });

    it('should genotype about 40%, with calls that agree with the APOE genotype', () => {
      const { apoe, genotype, sample } = population.genomics;
      expect(apoe.linkageKey.length / subjects).toBeGreaterThan(0.34);
      expect(apoe.linkageKey.length / subjects).toBeLessThan(0.46);
      expect(new Set(sample.linkageKey).size).toBe(apoe.linkageKey.length);

      const e4 = new Map(apoe.linkageKey.map((key, i) => [key, apoe.e4Copies[i]]));
      genotype.rsId.forEach((rsId, i) => {
        if (rsId === 'rs429358') {
          expect(genotype.altAlleles[i]).toBe(e4.get(genotype.linkageKey[i]));
        }
      });
      expect(new Set(genotype.rsId)).toEqual(new Set(VARIANTS.map((variant) => variant.rsId)));
    });

    it('should record higher HbA1c in diabetics, in mmol/mol', () => {
      const diabetes = keysWith(population, /^E11/);
      const { labResult } = population.ehr;
      const mean = (diabetic: boolean) => {
        const values = labResult.value.filter(
          (_, i) =>
            labResult.testCode[i] === 'HBA1C' && diabetes.has(labResult.linkageKey[i]) === diabetic,
        );
        return values.reduce((sum, value) => sum + value, 0) / values.length;
      };
      expect(mean(true)).toBeGreaterThan(50);
      expect(mean(false)).toBeLessThan(42);
      expect(new Set(labResult.unit.filter((_, i) => labResult.testCode[i] === 'HBA1C'))).toEqual(
        new Set(['mmol/mol']),
      );
    });

    it('should average 20–40 image instances a subject, with chest CT likelier in lung cancer', () => {
      const { study, instance } = population.imaging;
      expect(instance.id.length / subjects).toBeGreaterThan(20);
      expect(instance.id.length / subjects).toBeLessThan(40);

      const chestCt = new Set(
        study.linkageKey.filter(
          (_, i) => study.modality[i] === 'CT' && study.bodyPart[i] === 'CHEST',
        ),
      );
      const cancer = keysWith(population, /^C34/);
      const withCt = [...cancer].filter((key) => chestCt.has(key)).length / cancer.size;
      expect(withCt).toBeGreaterThan(10 * (chestCt.size / subjects));
      const mammograms = study.linkageKey.filter((_, i) => study.modality[i] === 'MG');
      expect(mammograms.length).toBeGreaterThan(0);
    });
  });

  describe('validity', () => {
    it('should date imaging from 2006 and every record before December 2026', () => {
      const { studyDate } = population.imaging.study;
      expect(studyDate.every((date) => date >= '2006-01-01' && date <= '2026-11-30')).toBe(true);
      const dates = [
        ...population.ehr.diagnosis.diagnosedOn,
        ...population.ehr.prescription.prescribedOn,
        ...population.ehr.labResult.takenOn,
        ...population.genomics.sample.collectedOn,
      ];
      expect(dates.every((date) => date <= '2026-11-30')).toBe(true);
    });

    it('should date diagnoses after the year of birth', () => {
      const born = new Map(
        population.ehr.person.linkageKey.map((key, i) => [key, population.ehr.person.birthYear[i]]),
      );
      const { diagnosis } = population.ehr;
      const early = diagnosis.diagnosedOn.filter(
        (date, i) => Number(date.slice(0, 4)) <= (born.get(diagnosis.linkageKey[i]) ?? 0),
      );
      expect(early).toEqual([]);
      expect(Math.min(...population.ehr.person.birthYear)).toBeGreaterThanOrEqual(1925);
      expect(Math.max(...population.ehr.person.birthYear)).toBeLessThanOrEqual(2010);
    });

    it('should write only ICD-10 codes that the diagnosis table accepts', () => {
      const check = /^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$/;
      expect(population.ehr.diagnosis.icd10.filter((code) => !check.test(code))).toEqual([]);
    });

    it('should make unique ids, and DICOM UIDs of at most 64 characters that follow them', () => {
      const { study, series, instance } = population.imaging;
      for (const ids of [study.id, series.id, instance.id, population.genomics.sample.id]) {
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.every((id) => Number.isSafeInteger(id))).toBe(true);
      }
      // A UID is the population's root, the kind and the unique id (offset to 16 digits).
      const root = `1.2.826.0.1.3680043.10.${DEFAULT_SEED}`;
      const mismatched = [
        ...study.studyUid.filter((uid, i) => uid !== `${root}.1.${1e15 + study.id[i]}`),
        ...series.seriesUid.filter((uid, i) => uid !== `${root}.2.${1e15 + series.id[i]}`),
        ...instance.instanceUid.filter((uid, i) => uid !== `${root}.3.${1e15 + instance.id[i]}`),
      ];
      expect(mismatched).toEqual([]);
      // One length for all: text order is id order, so the unique indexes only append.
      const lengths = new Set(instance.instanceUid.map((uid) => uid.length));
      expect(lengths.size).toBe(1);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(64);
      const storage = /^s3:\/\/imaging-archive\/\d+\/\d+\/\d+\.dcm$/;
      expect(instance.storageRef.filter((ref) => !storage.test(ref))).toEqual([]);
    });

    it('should write every parent row in the same range as its children', () => {
      // The loader skips foreign-key checks when it can: this is what makes that safe.
      const { study, series, instance } = population.imaging;
      const studies = new Set(study.id);
      const seriesIds = new Set(series.id);
      expect(series.studyId.filter((id) => !studies.has(id))).toEqual([]);
      expect(instance.seriesId.filter((id) => !seriesIds.has(id))).toEqual([]);
      const panel = new Set(VARIANTS.map((variant) => variant.rsId));
      expect(population.genomics.genotype.rsId.filter((rsId) => !panel.has(rsId))).toEqual([]);
    });

    it('should keep series and instance counts consistent', () => {
      const { series, instance } = population.imaging;
      expect(series.imageCount.reduce((sum, count) => sum + count, 0)).toBe(instance.id.length);
      expect(new Set(series.manufacturer)).toEqual(
        new Set(['SIEMENS', 'GE MEDICAL SYSTEMS', 'Philips', 'Canon']),
      );
    });
  });

  describe('identifiers', () => {
    it('should hold no names, CHI numbers, postcodes or full birth dates', () => {
      expect(Object.keys(population.ehr.person).sort()).toEqual(
        ['birthYear', 'deprivationDecile', 'healthBoard', 'linkageKey', 'sex'].sort(),
      );
      const texts = textValues(population);
      // CHI: ten digits, the first six a date of birth; a UK postcode: "EH16 4SB".
      expect(texts.filter((text) => /^\d{10}$/.test(text))).toEqual([]);
      expect(
        texts.filter((text) => /\b[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}\b/.test(text)),
      ).toEqual([]);
      expect(population.ehr.person.healthBoard.every((board) => !/\d/.test(board))).toBe(true);
    });

    it('should give linkage keys from the documented base, one person each', () => {
      const keys = population.ehr.person.linkageKey;
      expect(keys[0]).toBe(LINKAGE_KEY_BASE);
      expect(keys.at(-1)).toBe(LINKAGE_KEY_BASE + subjects - 1);
      expect(new Set(keys).size).toBe(subjects);
    });
  });

  describe('COPY text format', () => {
    it('should escape tabs, newlines and backslashes and write null as \\N', () => {
      expect(copyLine([1, 'a\tb\nc\\d\re', null, 2.5])).toBe('1\ta\\tb\\nc\\\\d\\re\t\\N\t2.5');
    });
  });
});
