import {
  GOVERNED_SETTINGS,
  type GovernedDisclosureSettings,
  settingProblem,
  UNSET,
} from '../../common/disclosure-settings';
import { requestError } from '../../common/errors';
import type { InternalTokenSigner } from '../../common/internal-token';
import type { Logger } from '../../common/logger';
import type { DisclosureSettings } from './disclosure-control';

/** How long the settings read from governance are reused (DISCLOSURE_SETTINGS_TTL_MS). */
export const DISCLOSURE_SETTINGS_TTL_MS = 30_000;

const QUERY = 'query DisclosureSettings { cohortDisclosureSettings }';

/** DISCLOSURE_SETTINGS_TTL_MS: how long settings read from governance are reused (0: never). */
export function settingsTtlMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.DISCLOSURE_SETTINGS_TTL_MS;
  if (raw === undefined || raw === '') {
    return DISCLOSURE_SETTINGS_TTL_MS;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`DISCLOSURE_SETTINGS_TTL_MS must be a whole number of ms, got "${raw}"`);
  }
  return value;
}

/** The settings in force: governance's where it set them, the service's defaults elsewhere. */
export function applyGoverned(
  defaults: DisclosureSettings,
  governed: GovernedDisclosureSettings,
): DisclosureSettings {
  const embed = governed.roundingEmbed ?? defaults.rounding.embed;
  return {
    threshold: governed.threshold ?? defaults.threshold,
    rounding: {
      analyst: governed.roundingAnalyst ?? defaults.rounding.analyst,
      embed,
      governance: embed,
    },
    noise: governed.noise ?? defaults.noise,
    noiseMax: governed.noiseMax ?? defaults.noiseMax,
    budgetPerDay: governed.queryBudgetPerDay ?? defaults.budgetPerDay,
    historyHours: governed.historyHours ?? defaults.historyHours,
  };
}

/**
 * Reads the disclosure-control settings from the governance service under the cohort
 * service's own identity (scope `settings`), and reuses them for `ttlMs`. When governance
 * cannot answer, the settings last read stay in force; before any was read, nothing is
 * released (UPSTREAM_UNAVAILABLE), since the environment's defaults may be laxer than
 * what governance set.
 */
export class GovernedSettingsClient {
  private cached: { settings: Promise<DisclosureSettings>; expires: number } | null = null;
  private lastRead: DisclosureSettings | null = null;

  constructor(
    private readonly url: string,
    private readonly signer: InternalTokenSigner,
    private readonly timeoutMs: number,
    private readonly defaults: DisclosureSettings,
    private readonly logger: Logger,
    private readonly ttlMs = DISCLOSURE_SETTINGS_TTL_MS,
  ) {}

  current(requestId: string | null): Promise<DisclosureSettings> {
    const now = Date.now();
    if (this.cached && this.cached.expires > now) {
      return this.cached.settings;
    }
    const settings = this.read(requestId).then(
      (read) => (this.lastRead = read),
      (error: unknown) => {
        this.logger.warn(
          { event: 'disclosure_settings_unavailable', kept: this.lastRead !== null },
          'disclosure settings could not be read from governance',
        );
        if (this.lastRead) {
          return this.lastRead;
        }
        throw error;
      },
    );
    this.cached = { settings, expires: now + this.ttlMs };
    settings.catch(() => (this.cached = null));
    return settings;
  }

  private async read(requestId: string | null): Promise<DisclosureSettings> {
    const token = await this.signer.sign('governance', {
      scope: 'settings',
      subject: 'cohort',
      role: null,
      project: null,
      grants: [],
      requestId,
    });
    let body: { data?: { cohortDisclosureSettings?: string | null } | null; errors?: unknown };
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await response.json()) as typeof body;
    } catch {
      throw unavailable();
    }
    const text = body.data?.cohortDisclosureSettings;
    if (body.errors || text === undefined) {
      throw unavailable();
    }
    return applyGoverned(this.defaults, text === null ? UNSET : parseGoverned(text));
  }
}

/** Governance's answer, checked again: a setting out of range is not applied. */
function parseGoverned(text: string): GovernedDisclosureSettings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unavailable();
  }
  if (typeof value !== 'object' || value === null || settingProblem(value)) {
    throw unavailable();
  }
  return Object.fromEntries(
    GOVERNED_SETTINGS.map((name) => [name, (value as Record<string, unknown>)[name] ?? null]),
  ) as unknown as GovernedDisclosureSettings;
}

function unavailable() {
  return requestError(
    'UPSTREAM_UNAVAILABLE',
    'The disclosure-control settings could not be read from the governance service',
    { service: 'governance' },
  );
}
