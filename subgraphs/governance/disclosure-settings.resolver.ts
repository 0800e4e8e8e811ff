import { Arg, Ctx, Directive, Mutation, Query, Resolver } from 'type-graphql';
import type { EntityManager } from 'typeorm';

import {
  GOVERNED_SETTINGS,
  type GovernedDisclosureSettings,
  settingProblem,
  UNSET,
} from '../../common/disclosure-settings';
import { codedError } from '../../common/errors';
import type { ServiceContext } from '../../common/service';
import { DisclosureSettingsInput, DisclosureSettingsRecord } from './disclosure-settings.type';
import { checkReason } from './project.resolver';

interface SettingsRow {
  threshold: number | null;
  rounding_analyst: number | null;
  rounding_embed: number | null;
  noise: boolean | null;
  noise_max: number | null;
  query_budget_per_day: number | null;
  history_hours: number | null;
  changed_by: string;
  reason: string;
  changed_at: Date | string;
}

const COLUMNS: Record<keyof GovernedDisclosureSettings, keyof SettingsRow> = {
  threshold: 'threshold',
  roundingAnalyst: 'rounding_analyst',
  roundingEmbed: 'rounding_embed',
  noise: 'noise',
  noiseMax: 'noise_max',
  queryBudgetPerDay: 'query_budget_per_day',
  historyHours: 'history_hours',
};

async function inForce(db: EntityManager): Promise<DisclosureSettingsRecord | null> {
  const [row] = await db.query<SettingsRow[]>(
    'SELECT * FROM disclosure_settings ORDER BY id DESC LIMIT 1',
  );
  if (!row) {
    return null;
  }
  const settings = Object.fromEntries(
    GOVERNED_SETTINGS.map((name) => [name, row[COLUMNS[name]]]),
  ) as unknown as GovernedDisclosureSettings;
  return {
    ...settings,
    changedBy: row.changed_by,
    reason: row.reason,
    changedAt: new Date(row.changed_at).toISOString(),
  };
}

/**
 * The disclosure-control settings governance owns (docs/disclosure-control.md): read and
 * changed by governance staff, read by the cohort service under its own identity. Each
 * change is a new row naming who and why, and is in the audit log like every operation.
 */
@Resolver()
export class DisclosureSettingsResolver {
  @Query(() => DisclosureSettingsRecord, {
    nullable: true,
    description: 'Disclosure-control settings in force; null until first set (all defaults)',
  })
  disclosureSettings(@Ctx() { db }: ServiceContext): Promise<DisclosureSettingsRecord | null> {
    return inForce(db.manager);
  }

  @Mutation(() => DisclosureSettingsRecord, {
    description: 'Changes disclosure-control settings; the cohort service applies them within 30 s',
  })
  async setDisclosureSettings(
    @Arg('settings', () => DisclosureSettingsInput) input: DisclosureSettingsInput,
    @Arg('reason', () => String) reason: string,
    @Ctx() { db, identity }: ServiceContext,
  ): Promise<DisclosureSettingsRecord> {
    const problem = settingProblem({ ...input });
    if (problem) {
      throw codedError('BAD_USER_INPUT', `settings.${problem}`, { argument: 'settings' });
    }
    const why = checkReason(reason);
    return db.transaction(async (manager) => {
      // Changes one after another, so that each starts from the one before it.
      await manager.query('LOCK TABLE disclosure_settings IN SHARE ROW EXCLUSIVE MODE');
      const current = (await inForce(manager)) ?? UNSET;
      const next = Object.fromEntries(
        GOVERNED_SETTINGS.map((name) => [
          name,
          input[name] === undefined ? current[name] : input[name],
        ]),
      ) as unknown as GovernedDisclosureSettings;
      const names = GOVERNED_SETTINGS.map((name) => COLUMNS[name]);
      await manager.query(
        `INSERT INTO disclosure_settings (${names.join(', ')}, changed_by, reason)
         VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, $${names.length + 1}, $${names.length + 2})`,
        [...GOVERNED_SETTINGS.map((name) => next[name]), identity.subject, why],
      );
      return (await inForce(manager)) as DisclosureSettingsRecord;
    });
  }

  @Directive('@inaccessible')
  @Query(() => String, {
    nullable: true,
    description: 'Internal: the settings in force as JSON, for the cohort service',
  })
  async cohortDisclosureSettings(@Ctx() { db }: ServiceContext): Promise<string | null> {
    const record = await inForce(db.manager);
    if (!record) {
      return null;
    }
    return JSON.stringify(
      Object.fromEntries(GOVERNED_SETTINGS.map((name) => [name, record[name]])),
    );
  }
}
