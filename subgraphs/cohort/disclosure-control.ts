import type { Role } from '../../common/access';

/** Disclosure-control settings (DESIGN.md, "Cohorts and counts"). */
export interface DisclosureSettings {
  /** Counts below this are suppressed; a count equal to it passes (default 10). */
  threshold: number;
  /** Released counts are rounded to the nearest multiple of this, per role. */
  rounding: Record<Role, number>;
}

export const DEFAULT_DISCLOSURE: DisclosureSettings = {
  threshold: 10,
  rounding: { analyst: 5, embed: 10, governance: 10 },
};

/** A count as released: the only shape in which a number leaves the cohort service. */
export interface ReleasedCount {
  value: number | null;
  display: string;
  suppressed: boolean;
  threshold: number;
  roundedTo: number;
}

/**
 * The one place a true count becomes a released one: suppress below the threshold, then
 * round. A rounded value never falls below the threshold, so rounding cannot hint that a
 * count sits just above it.
 */
export function releaseCount(
  trueCount: number,
  role: Role,
  settings = DEFAULT_DISCLOSURE,
): ReleasedCount {
  const { threshold } = settings;
  const roundedTo = settings.rounding[role];
  if (trueCount < threshold) {
    return { value: null, display: `<${threshold}`, suppressed: true, threshold, roundedTo };
  }
  const value = Math.max(threshold, Math.round(trueCount / roundedTo) * roundedTo);
  return {
    value,
    display: value.toLocaleString('en-GB'),
    suppressed: false,
    threshold,
    roundedTo,
  };
}
