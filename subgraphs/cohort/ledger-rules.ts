import type { Criterion } from '../../common/criteria';
import { differByOneCriterion, type Signature, signatureOf } from './canonical';
import { protectTable, type TableLine } from './secondary-suppression';

/** One number an answer would release: the definition behind it, its set and true count. */
export interface Figure {
  definition: Criterion;
  /** Keyed digest of the set of subjects (set-fingerprint.ts). */
  digest: string;
  trueCount: number;
}

/** One root field's question to the ledger: a count, or a breakdown with its table. */
export interface Question {
  /** Schema coordinate, for errors. */
  field: string;
  /** `count`, or `breakdown:` and the dimensions: with the definition, what was asked. */
  shape: string;
  /** The cohort's own count first; then a breakdown's margins and cells. */
  figures: Figure[];
  /** Lines of a breakdown table over `figures` (none for a count). */
  lines: TableLine[];
  /** Units of query budget, unless the same question got the same answer before. */
  cost: number;
}

/** What the ledger already holds for this caller, by set digest. */
export interface SeenSets {
  released: Set<string>;
  withheld: Set<string>;
}

export type Decision =
  { status: 'answered'; withheld: Set<number>; released: number[] } | { status: 'refused' };

const signatures = new WeakMap<Criterion, Signature>();

/** A figure's signature, computed once per definition object. */
export function signatureFor(definition: Criterion): Signature {
  let signature = signatures.get(definition);
  if (!signature) {
    signature = signatureOf(definition);
    signatures.set(definition, signature);
  }
  return signature;
}

/**
 * Primary and secondary suppression of each question's figures, given what this caller was
 * already shown. Breakdowns go first, so that a count asked beside a breakdown in one
 * request meets the cells the breakdown withheld. A figure whose set was withheld before is
 * withheld again (a count or a total so placed is refused); a figure whose set was released
 * before cannot protect another by being withheld now.
 */
export function protectAnswers(
  questions: Question[],
  seen: SeenSets,
  threshold: number,
): Decision[] {
  const known = new Set(seen.released);
  const kept = new Set(seen.withheld);
  const order = questions
    .map((_, i) => i)
    .sort((a, b) => questions[b].lines.length - questions[a].lines.length || a - b);
  const decisions: Decision[] = [];
  for (const i of order) {
    const { figures, lines } = questions[i];
    const entries = figures.map((figure) => ({
      trueCount: figure.trueCount,
      forced: kept.has(figure.digest),
      known: known.has(figure.digest),
    }));
    const withheld = entries[0].forced ? null : protectTable(entries, lines, threshold);
    if (!withheld) {
      decisions[i] = { status: 'refused' };
      continue;
    }
    const released = figures.map((_, j) => j).filter((j) => !withheld.has(j));
    released.forEach((j) => known.add(figures[j].digest));
    withheld.forEach((j) => figures[j].trueCount >= threshold && kept.add(figures[j].digest));
    decisions[i] = { status: 'answered', withheld, released };
  }
  return decisions;
}

/** A figure released earlier to this caller, as the ledger holds it. */
export interface LedgerRow {
  definition: Criterion;
  digest: string;
  trueCount: number;
}

interface Indexed {
  question: number;
  signature: Signature;
  digest: string;
  trueCount: number;
}

/** Finds, among indexed figures, those that may differ from a signature by one criterion. */
class NeighbourIndex {
  private readonly byKey = new Map<string, Indexed[]>();

  constructor(items: Indexed[]) {
    for (const item of items) {
      const { hash, minusOne, slots } = item.signature;
      for (const key of [
        `h:${hash}`,
        ...minusOne.map((m) => `m:${m}`),
        ...[...slots.keys()].map((s) => `s:${s}`),
      ]) {
        const list = this.byKey.get(key) ?? [];
        list.push(item);
        this.byKey.set(key, list);
      }
    }
  }

  near(signature: Signature): Indexed[] {
    const keys = [
      ...signature.minusOne.map((m) => `h:${m}`),
      `m:${signature.hash}`,
      ...[...signature.slots.keys()].map((s) => `s:${s}`),
    ];
    return [...new Set(keys.flatMap((key) => this.byKey.get(key) ?? []))].filter((item) =>
      differByOneCriterion(signature, item.signature),
    );
  }

  has(signature: Signature, digest: string): boolean {
    return (this.byKey.get(`h:${signature.hash}`) ?? []).some((item) => item.digest === digest);
  }
}

/**
 * The questions to refuse as differencing: a released figure and another released to the
 * same caller, earlier or in the same request, whose definitions differ by one criterion
 * (canonical.ts) and whose true counts differ by fewer than the threshold. Their difference
 * would count a group too small to release, so the later question is refused, and both when
 * they come in one request. Figures of one breakdown table are exempt from each other (and
 * from earlier figures with the same definitions): secondary suppression protects those.
 * A figure already released with the same definition and set adds nothing and is not checked.
 */
export function findDifferencing(
  questions: Question[],
  decisions: Decision[],
  history: LedgerRow[],
  threshold: number,
): Set<number> {
  const own = questions.map(
    (question) => new Set(question.figures.map((figure) => signatureFor(figure.definition).hash)),
  );
  const fresh: Indexed[] = decisions.flatMap((decision, question) =>
    decision.status === 'answered'
      ? decision.released.map((j) => {
          const figure = questions[question].figures[j];
          const signature = signatureFor(figure.definition);
          return { question, signature, digest: figure.digest, trueCount: figure.trueCount };
        })
      : [],
  );
  const past = new NeighbourIndex(
    history.map((row) => ({
      question: -1,
      signature: signatureFor(row.definition),
      digest: row.digest,
      trueCount: row.trueCount,
    })),
  );
  const present = new NeighbourIndex(fresh);
  const close = (a: Indexed, b: Indexed) => Math.abs(a.trueCount - b.trueCount) < threshold;

  const refused = new Set<number>();
  for (const item of fresh) {
    if (past.has(item.signature, item.digest)) {
      continue;
    }
    for (const other of past.near(item.signature)) {
      if (!own[item.question].has(other.signature.hash) && close(item, other)) {
        refused.add(item.question);
      }
    }
    for (const other of present.near(item.signature)) {
      const exempt =
        other.question === item.question ||
        own[item.question].has(other.signature.hash) ||
        own[other.question].has(item.signature.hash);
      if (!exempt && close(item, other)) {
        refused.add(item.question);
        refused.add(other.question);
      }
    }
  }
  return refused;
}
