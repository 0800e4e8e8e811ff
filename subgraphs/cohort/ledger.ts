import { createHash } from 'node:crypto';

import type { GraphQLError } from 'graphql';
import type { DataSource, EntityManager } from 'typeorm';

import type { Criterion } from '../../common/criteria';
import { codedError } from '../../common/errors';
import type { InternalIdentity } from '../../common/internal-token';
import { canonicalise } from './canonical';
import type { DisclosureSettings } from './disclosure-control';
import {
  type Decision,
  findDifferencing,
  type LedgerRow,
  protectAnswers,
  type Question,
  type SeenSets,
  signatureFor,
} from './ledger-rules';

/** The ledger's answer to one question: the figures to withhold, or the error to raise. */
export type Verdict = { withheld: Set<number> } | { error: GraphQLError };

/** A project's query budget for the current UTC day, as `me` shows it. */
export interface Budget {
  limit: number;
  used: number;
  remaining: number;
  /** ISO 8601 instant the budget renews (the next UTC midnight). */
  resetsAt: string;
}

type Outcome = 'released' | 'withheld' | 'suppressed' | 'refused';

const DAY_MS = 24 * 60 * 60 * 1000;

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function startOfUtcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/**
 * The query ledger: what each caller of each project was answered, kept in the cohort
 * service's own database and never released. It decides, for the questions of one request
 * together, what to withhold (ledger-rules.ts), what to refuse as differencing and what the
 * project's daily budget allows; then it records the answers. True counts stay in the table;
 * they are never logged.
 */
export class QueryLedger {
  constructor(
    private readonly db: DataSource,
    private readonly settings: DisclosureSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async decide(identity: InternalIdentity, questions: Question[]): Promise<Verdict[]> {
    const at = this.now();
    const scope = {
      caller: identity.subject,
      project: identity.project ?? '',
      since: new Date(at.getTime() - this.settings.historyHours * 60 * 60 * 1000),
    };
    const asked = questions.map((question) => ({
      hash: sha(`${question.shape}:${signatureFor(question.figures[0].definition).hash}`),
      answer:
        question.figures.length === 1
          ? question.figures[0].digest
          : sha(question.figures.map((figure) => figure.digest).join(',')),
    }));

    return this.db.transaction(async (manager) => {
      // One decision at a time per project: two requests must not both pass the same check.
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `query-ledger:${scope.project}`,
      ]);
      const verdicts: Verdict[] = [];
      const costs = await this.charge(manager, scope.project, at, questions, asked, verdicts);
      const open = questions.map((_, i) => i).filter((i) => !verdicts[i]);
      const active = open.map((i) => questions[i]);

      const seen = await this.seenSets(manager, scope, active);
      const decisions = protectAnswers(active, seen, this.settings.threshold);
      const history = await this.neighbours(manager, scope, active, decisions);
      const differencing = findDifferencing(active, decisions, history, this.settings.threshold);

      const rows = active.flatMap((question, k) => {
        const i = open[k];
        const decision: Decision = differencing.has(k) ? { status: 'refused' } : decisions[k];
        verdicts[i] =
          decision.status === 'answered' ? { withheld: decision.withheld } : this.refusal(question);
        return this.rowsOf(question, decision, asked[i], costs[i]);
      });
      await this.record(manager, scope, at, rows);
      return verdicts;
    });
  }

  /** The project's budget now, for `me`. */
  async budget(project: string): Promise<Budget> {
    const at = this.now();
    const used = await this.used(this.db.manager, project, at);
    const limit = this.settings.budgetPerDay;
    return {
      limit,
      used,
      remaining: Math.max(0, limit - used),
      resetsAt: new Date(startOfUtcDay(at).getTime() + DAY_MS).toISOString(),
    };
  }

  private refusal(question: Question): Verdict {
    return {
      error: codedError(
        'DISCLOSURE_REFUSED',
        'This answer is refused: with answers already given to you it could disclose a group ' +
          `smaller than ${this.settings.threshold}. Change the definition in more than one ` +
          'criterion (docs/disclosure-control.md).',
        { field: question.field },
      ),
    };
  }

  /** Costs per question; questions over the budget get their error in `verdicts`. */
  private async charge(
    manager: EntityManager,
    project: string,
    at: Date,
    questions: Question[],
    asked: Array<{ hash: string; answer: string }>,
    verdicts: Verdict[],
  ): Promise<number[]> {
    const rows: Array<{ q: string; a: string }> = await manager.query(
      `SELECT DISTINCT question_hash AS q, answer_digest AS a FROM query_ledger
       WHERE project = $1 AND question_hash = ANY($2::text[])`,
      [project, asked.map((question) => question.hash)],
    );
    // The same question with the same answer releases nothing new, so it costs nothing.
    const answered = new Set(rows.map((row) => `${row.q}:${row.a}`));
    let used = await this.used(manager, project, at);
    const limit = this.settings.budgetPerDay;
    return questions.map((question, i) => {
      const cost = answered.has(`${asked[i].hash}:${asked[i].answer}`) ? 0 : question.cost;
      if (cost > 0 && used + cost > limit) {
        const renews = startOfUtcDay(at).getTime() + DAY_MS;
        verdicts[i] = {
          error: codedError(
            'RATE_LIMITED',
            `The query budget of project ${project} for today (${limit} units) cannot cover ` +
              `this question (${cost} units); it renews at 00:00 UTC`,
            { retryAfterSeconds: Math.ceil((renews - at.getTime()) / 1000) },
          ),
        };
        return 0;
      }
      used += cost;
      return cost;
    });
  }

  private async used(manager: EntityManager, project: string, at: Date): Promise<number> {
    const [row]: Array<{ used: number }> = await manager.query(
      `SELECT coalesce(sum(cost), 0)::int AS used FROM query_ledger
       WHERE project = $1 AND asked_at >= $2`,
      [project, startOfUtcDay(at).toISOString()],
    );
    return row.used;
  }

  /** Sets of the questions' figures this caller was shown, or had withheld, recently. */
  private async seenSets(
    manager: EntityManager,
    scope: { caller: string; project: string; since: Date },
    questions: Question[],
  ): Promise<SeenSets> {
    const digests = [...new Set(questions.flatMap((q) => q.figures.map((f) => f.digest)))];
    const rows: Array<{ digest: string; outcome: Outcome }> = await manager.query(
      `SELECT DISTINCT set_digest AS digest, outcome FROM query_ledger
       WHERE project = $1 AND caller = $2 AND asked_at > $3
         AND outcome IN ('released', 'withheld') AND set_digest = ANY($4::text[])`,
      [scope.project, scope.caller, scope.since.toISOString(), digests],
    );
    return {
      released: new Set(rows.filter((r) => r.outcome === 'released').map((r) => r.digest)),
      withheld: new Set(rows.filter((r) => r.outcome === 'withheld').map((r) => r.digest)),
    };
  }

  /** Figures released to this caller recently that may differ from one of ours by one criterion. */
  private async neighbours(
    manager: EntityManager,
    scope: { caller: string; project: string; since: Date },
    questions: Question[],
    decisions: Decision[],
  ): Promise<LedgerRow[]> {
    const signatures = decisions.flatMap((decision, i) =>
      decision.status === 'answered'
        ? decision.released.map((j) => signatureFor(questions[i].figures[j].definition))
        : [],
    );
    if (signatures.length === 0) {
      return [];
    }
    const hashes = signatures.map((s) => s.hash);
    const rows: Array<{ definition: Criterion; digest: string; count: number }> =
      await manager.query(
        `SELECT DISTINCT definition, set_digest AS digest, true_count AS count FROM query_ledger
         WHERE project = $1 AND caller = $2 AND asked_at > $3 AND outcome = 'released'
           AND (definition_hash = ANY($4::text[]) OR minus_one && $5::text[]
                OR slots && $6::text[])`,
        [
          scope.project,
          scope.caller,
          scope.since.toISOString(),
          [...new Set([...hashes, ...signatures.flatMap((s) => s.minusOne)])],
          hashes,
          [...new Set(signatures.flatMap((s) => [...s.slots.keys()]))],
        ],
      );
    return rows.map((row) => ({
      definition: row.definition,
      digest: row.digest,
      trueCount: row.count,
    }));
  }

  /** The rows that record one answer: its released figures, those withheld, the refusal. */
  private rowsOf(
    question: Question,
    decision: Decision,
    asked: { hash: string; answer: string },
    cost: number,
  ) {
    const { threshold } = this.settings;
    const row = (j: number, outcome: Outcome) => {
      const figure = question.figures[j];
      const signature = signatureFor(figure.definition);
      // Only released figures are searched by neighbour; the others are found by set.
      const searchable = outcome === 'released';
      return {
        question_hash: asked.hash,
        answer_digest: asked.answer,
        definition_hash: signature.hash,
        definition: canonicalise(figure.definition),
        minus_one: searchable ? signature.minusOne : [],
        slots: searchable ? [...signature.slots.keys()] : [],
        set_digest: figure.digest,
        true_count: figure.trueCount,
        outcome,
        cost: j === 0 ? cost : 0,
      };
    };
    if (decision.status === 'refused') {
      return [row(0, 'refused')];
    }
    return question.figures.flatMap((figure, j) => {
      if (!decision.withheld.has(j)) {
        return [row(j, 'released')];
      }
      if (figure.trueCount >= threshold) {
        return [row(j, 'withheld')];
      }
      return j === 0 ? [row(j, 'suppressed')] : [];
    });
  }

  private async record(
    manager: EntityManager,
    scope: { caller: string; project: string },
    at: Date,
    rows: Array<Record<string, unknown>>,
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await manager.query(
      `INSERT INTO query_ledger (caller, project, asked_at, question_hash, answer_digest,
         definition_hash, definition, minus_one, slots, set_digest, true_count, outcome, cost)
       SELECT $1, $2, $3, r.question_hash, r.answer_digest, r.definition_hash, r.definition,
              r.minus_one, r.slots, r.set_digest, r.true_count, r.outcome, r.cost
       FROM jsonb_to_recordset($4::jsonb) AS r(question_hash text, answer_digest text,
         definition_hash text, definition jsonb, minus_one text[], slots text[],
         set_digest text, true_count integer, outcome text, cost integer)`,
      [scope.caller, scope.project, at.toISOString(), JSON.stringify(rows)],
    );
  }
}
