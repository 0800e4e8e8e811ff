/**
 * Disclosure-control settings as the governance service keeps them
 * (docs/disclosure-control.md, "Settings"). Each is a whole number or a switch, or null for
 * the cohort service's own default (its environment). The governance service validates and
 * stores them; the cohort service reads them and checks them again.
 */
export interface GovernedDisclosureSettings {
  threshold: number | null;
  roundingAnalyst: number | null;
  roundingEmbed: number | null;
  noise: boolean | null;
  noiseMax: number | null;
  queryBudgetPerDay: number | null;
  historyHours: number | null;
}

export type GovernedNumber = Exclude<keyof GovernedDisclosureSettings, 'noise'>;

/** The whole numbers and the range each may take, inclusive. */
export const SETTING_RANGES: Record<GovernedNumber, readonly [number, number]> = {
  threshold: [1, 1000],
  roundingAnalyst: [1, 1000],
  roundingEmbed: [1, 1000],
  noiseMax: [1, 100],
  queryBudgetPerDay: [1, 1_000_000],
  // A year.
  historyHours: [1, 8760],
};

export const GOVERNED_SETTINGS = [
  'threshold',
  'roundingAnalyst',
  'roundingEmbed',
  'noise',
  'noiseMax',
  'queryBudgetPerDay',
  'historyHours',
] as const satisfies ReadonlyArray<keyof GovernedDisclosureSettings>;

/** Settings that no one has set: every one the cohort service's default. */
export const UNSET: GovernedDisclosureSettings = {
  threshold: null,
  roundingAnalyst: null,
  roundingEmbed: null,
  noise: null,
  noiseMax: null,
  queryBudgetPerDay: null,
  historyHours: null,
};

/**
 * What is wrong with the first invalid setting given, as `name: expected …, got …`; null
 * when every one given is valid. Unset (undefined) and default (null) settings are valid.
 */
export function settingProblem(settings: Partial<Record<string, unknown>>): string | null {
  for (const name of GOVERNED_SETTINGS) {
    const value = settings[name];
    if (value === undefined || value === null) {
      continue;
    }
    if (name === 'noise') {
      if (typeof value !== 'boolean') {
        return `noise: expected true or false, got ${JSON.stringify(value)}`;
      }
      continue;
    }
    const [min, max] = SETTING_RANGES[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return `${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`;
    }
  }
  return null;
}
