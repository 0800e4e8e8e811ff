import type { Role } from '../../common/access';
import { positiveInt } from '../../common/config';
import type { KeySet } from '../../common/key-set';
import type { SetFingerprints } from './set-fingerprint';

/**
 * Disclosure-control settings (DESIGN.md, "Cohorts and counts"; docs/disclosure-control.md).
 * Governance owns them; until it keeps them in its own table they come from configuration.
 */
export interface DisclosureSettings {
  /** Counts below this are suppressed; a count equal to it passes (default 10). */
  threshold: number;
  /** Released counts are rounded to the nearest multiple of this, per role (5 analysts, 10 embeds). */
  rounding: Record<Role, number>;
  /** Whether noise fixed by the contributing set is added before rounding (default off). */
  noise: boolean;
  /** The largest noise, in people (default 2). */
  noiseMax: number;
  /** Units of query budget per project per UTC day (default 1,000). */
  budgetPerDay: number;
  /** How far back the differencing check looks in a caller's ledger, in hours (default 24). */
  historyHours: number;
}

export const DEFAULT_DISCLOSURE: DisclosureSettings = {
  threshold: 10,
  rounding: { analyst: 5, embed: 10, governance: 10 },
  noise: false,
  noiseMax: 2,
  budgetPerDay: 1000,
  historyHours: 24,
};

type Env = Record<string, string | undefined>;

/**
 * Settings from DISCLOSURE_THRESHOLD, DISCLOSURE_ROUNDING_ANALYST, DISCLOSURE_ROUNDING_EMBED,
 * DISCLOSURE_NOISE (`on`/`off`), DISCLOSURE_NOISE_MAX, QUERY_BUDGET_PER_DAY and
 * DISCLOSURE_HISTORY_HOURS; DESIGN.md's defaults for those unset.
 */
export function disclosureSettingsFromEnv(env: Env = process.env): DisclosureSettings {
  const d = DEFAULT_DISCLOSURE;
  const noise = (env.DISCLOSURE_NOISE ?? 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false'].includes(noise)) {
    throw new TypeError(`DISCLOSURE_NOISE must be on or off, got "${env.DISCLOSURE_NOISE}"`);
  }
  const embed = positiveInt(
    env.DISCLOSURE_ROUNDING_EMBED,
    d.rounding.embed,
    'DISCLOSURE_ROUNDING_EMBED',
  );
  return {
    threshold: positiveInt(env.DISCLOSURE_THRESHOLD, d.threshold, 'DISCLOSURE_THRESHOLD'),
    rounding: {
      analyst: positiveInt(
        env.DISCLOSURE_ROUNDING_ANALYST,
        d.rounding.analyst,
        'DISCLOSURE_ROUNDING_ANALYST',
      ),
      embed,
      governance: embed,
    },
    noise: noise === 'on' || noise === 'true',
    noiseMax: positiveInt(env.DISCLOSURE_NOISE_MAX, d.noiseMax, 'DISCLOSURE_NOISE_MAX'),
    budgetPerDay: positiveInt(env.QUERY_BUDGET_PER_DAY, d.budgetPerDay, 'QUERY_BUDGET_PER_DAY'),
    historyHours: positiveInt(
      env.DISCLOSURE_HISTORY_HOURS,
      d.historyHours,
      'DISCLOSURE_HISTORY_HOURS',
    ),
  };
}

/** A count as released: the only shape in which a number leaves the cohort service. */
export interface ReleasedCount {
  value: number | null;
  display: string;
  suppressed: boolean;
  threshold: number;
  roundedTo: number;
}

export interface ReleaseOptions {
  /** Noise fixed by the contributing set; applied only when the settings turn noise on. */
  noise?: number;
  /** Withheld by secondary suppression or an earlier breakdown, whatever its size. */
  withheld?: boolean;
}

/** What a withheld breakdown cell shows, alike for small and protecting cells. */
export const WITHHELD = 'suppressed';

/**
 * The one place a true count becomes a released one. Suppression is decided on the true
 * count; noise is added before rounding, so the released value stays a multiple of
 * `roundedTo`; a rounded value never falls below the threshold, so rounding cannot hint
 * that a count sits just above it.
 */
export function releaseCount(
  trueCount: number,
  role: Role,
  settings: DisclosureSettings = DEFAULT_DISCLOSURE,
  options: ReleaseOptions = {},
): ReleasedCount {
  const { threshold } = settings;
  const roundedTo = settings.rounding[role];
  if (options.withheld) {
    return { value: null, display: WITHHELD, suppressed: true, threshold, roundedTo };
  }
  if (trueCount < threshold) {
    return { value: null, display: `<${threshold}`, suppressed: true, threshold, roundedTo };
  }
  const noisy = trueCount + (settings.noise ? (options.noise ?? 0) : 0);
  const value = Math.max(threshold, Math.round(noisy / roundedTo) * roundedTo);
  return {
    value,
    display: value.toLocaleString('en-GB'),
    suppressed: false,
    threshold,
    roundedTo,
  };
}

/** Releases counts under one set of settings, with noise fixed by each count's set digest. */
export class DisclosureControl {
  constructor(
    readonly settings: DisclosureSettings,
    private readonly fingerprints: SetFingerprints,
  ) {}

  /** The digest that names a set: the ledger's key and the seed of the set's noise. */
  digest(keys: KeySet): string {
    return this.fingerprints.digest(keys);
  }

  release(trueCount: number, digest: string, role: Role, withheld = false): ReleasedCount {
    const { noise, noiseMax } = this.settings;
    return releaseCount(trueCount, role, this.settings, {
      noise: noise ? this.fingerprints.noise(digest, noiseMax) : 0,
      withheld,
    });
  }
}
