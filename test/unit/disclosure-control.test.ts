import type { Criterion, Leaf } from '../../common/criteria';
import {
  canonicalise,
  definitionHash,
  differByOneCriterion,
  signatureOf,
} from '../../subgraphs/cohort/canonical';
import {
  DEFAULT_DISCLOSURE,
  disclosureSettingsFromEnv,
  releaseCount,
} from '../../subgraphs/cohort/disclosure-control';
import { narrows } from '../../subgraphs/cohort/leaf-nesting';
import {
  findDifferencing,
  protectAnswers,
  type Question,
} from '../../subgraphs/cohort/ledger-rules';
import { RequestBatch } from '../../subgraphs/cohort/request-batch';
import { protectTable } from '../../subgraphs/cohort/secondary-suppression';
import { SetFingerprints } from '../../subgraphs/cohort/set-fingerprint';

const dx = (codePrefix: string, from?: string): Criterion => ({
  leaf: { kind: 'diagnosis', codePrefix, from },
});
const lab = (min: number): Criterion => ({ leaf: { kind: 'lab', code: 'HBA1C', min } });
const sex = (value: 'F' | 'M' | 'U'): Criterion => ({ leaf: { kind: 'demographics', sex: value } });

describe('releaseCount', () => {
  it.each([
    [9, 'analyst', { value: null, display: '<10', suppressed: true }],
    [10, 'analyst', { value: 10, display: '10', suppressed: false }],
    [12, 'analyst', { value: 10, display: '10', suppressed: false }],
    [13, 'analyst', { value: 15, display: '15', suppressed: false }],
    [14, 'embed', { value: 10, display: '10', suppressed: false }],
    [1234, 'analyst', { value: 1235, display: '1,235', suppressed: false }],
    [1234, 'embed', { value: 1230, display: '1,230', suppressed: false }],
  ] as const)('should release %i for an %s as %j', (trueCount, role, expected) => {
    expect(releaseCount(trueCount, role)).toEqual({
      ...expected,
      threshold: 10,
      roundedTo: role === 'analyst' ? 5 : 10,
    });
  });

  it('should show a withheld breakdown cell alike whatever its size', () => {
    expect(releaseCount(3, 'analyst', DEFAULT_DISCLOSURE, { withheld: true })).toEqual(
      releaseCount(300, 'analyst', DEFAULT_DISCLOSURE, { withheld: true }),
    );
  });

  it('should add noise before rounding, only when noise is on, never below the threshold', () => {
    const on = { ...DEFAULT_DISCLOSURE, noise: true };
    expect(releaseCount(22, 'analyst', DEFAULT_DISCLOSURE, { noise: 2 }).value).toBe(20);
    expect(releaseCount(22, 'analyst', on, { noise: 2 }).value).toBe(25);
    expect(releaseCount(11, 'analyst', on, { noise: -2 }).value).toBe(10);
    // Suppression looks at the true count: noise cannot lift nine people over the threshold.
    expect(releaseCount(9, 'analyst', on, { noise: 2 }).suppressed).toBe(true);
  });
});

describe('disclosure settings from the environment', () => {
  it('should default to DESIGN.md’s values', () => {
    expect(disclosureSettingsFromEnv({})).toEqual(DEFAULT_DISCLOSURE);
  });

  it('should read every setting', () => {
    expect(
      disclosureSettingsFromEnv({
        DISCLOSURE_THRESHOLD: '20',
        DISCLOSURE_ROUNDING_ANALYST: '3',
        DISCLOSURE_ROUNDING_EMBED: '50',
        DISCLOSURE_NOISE: 'on',
        DISCLOSURE_NOISE_MAX: '4',
        QUERY_BUDGET_PER_DAY: '7',
        DISCLOSURE_HISTORY_HOURS: '72',
      }),
    ).toEqual({
      threshold: 20,
      rounding: { analyst: 3, embed: 50, governance: 50 },
      noise: true,
      noiseMax: 4,
      budgetPerDay: 7,
      historyHours: 72,
    });
  });

  it.each([
    ['DISCLOSURE_THRESHOLD', '0'],
    ['DISCLOSURE_ROUNDING_ANALYST', 'five'],
    ['DISCLOSURE_NOISE', 'maybe'],
    ['QUERY_BUDGET_PER_DAY', '-1'],
  ])('should throw a TypeError naming %s for %j', (name, value) => {
    expect(() => disclosureSettingsFromEnv({ [name]: value })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(name) }),
    );
  });
});

describe('set fingerprints', () => {
  const master = Buffer.alloc(32, 7);
  const fingerprints = new SetFingerprints(master);
  const set = Uint32Array.from([3, 5, 8, 13, 21]);

  it('should give the same set the same digest and noise, and another set another digest', () => {
    const again = new SetFingerprints(Buffer.from(master));
    expect(again.digest(Uint32Array.from(set))).toBe(fingerprints.digest(set));
    expect(again.noise(fingerprints.digest(set), 2)).toBe(
      fingerprints.noise(fingerprints.digest(set), 2),
    );
    expect(fingerprints.digest(Uint32Array.from([3, 5, 8, 13]))).not.toBe(fingerprints.digest(set));
  });

  it('should key the digest with the master secret', () => {
    expect(new SetFingerprints(Buffer.alloc(32, 8)).digest(set)).not.toBe(fingerprints.digest(set));
  });

  it('should spread noise over every whole number from -max to max, and no further', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i += 1) {
      seen.add(fingerprints.noise(fingerprints.digest(Uint32Array.from([i])), 2));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });
});

describe('canonical definitions', () => {
  const definition: Criterion = { all: [dx('E11'), lab(48), sex('F')] };

  it.each([
    ['reordered', { all: [sex('F'), lab(48), dx('E11')] }],
    ['nested', { all: [sex('F'), { all: [lab(48), dx('E11')] }] }],
    ['with a repeated child', { all: [dx('E11'), lab(48), sex('F'), dx('E11')] }],
    ['negated twice', { not: { not: definition } }],
    ['in a one-child any', { any: [definition, definition] }],
  ] as Array<[string, Criterion]>)('should give a definition %s the same hash', (_name, other) => {
    expect(definitionHash(other)).toBe(definitionHash(definition));
    expect(canonicalise(other)).toEqual(canonicalise(definition));
  });

  it('should tell different definitions apart', () => {
    expect(definitionHash({ all: [dx('E11'), lab(48)] })).not.toBe(definitionHash(definition));
    expect(definitionHash({ any: [dx('E11'), lab(48)] })).not.toBe(
      definitionHash({ all: [dx('E11'), lab(48)] }),
    );
  });
});

describe('differing by one criterion', () => {
  const differ = (a: Criterion, b: Criterion) => [
    differByOneCriterion(signatureOf(a), signatureOf(b)),
    differByOneCriterion(signatureOf(b), signatureOf(a)),
  ];

  it.each([
    ['one extra condition', dx('E11'), { all: [dx('E11'), lab(48)] }],
    [
      'one extra condition deep inside',
      { any: [dx('C34'), { all: [dx('E11'), sex('F')] }] },
      { any: [dx('C34'), { all: [dx('E11'), sex('F'), lab(48)] }] },
    ],
    [
      'one extra alternative',
      { any: [dx('E11'), dx('E10')] },
      { any: [dx('E11'), dx('E10'), dx('E13')] },
    ],
    ['one extra exclusion', dx('E11'), { all: [dx('E11'), { not: sex('M') }] }],
    ['a longer code prefix', { all: [dx('E11'), sex('F')] }, { all: [dx('E11.9'), sex('F')] }],
    ['a later start date', dx('E11'), dx('E11', '2010-01-02')],
    ['a higher minimum, under not', { not: lab(48) }, { not: lab(50) }],
  ] as Array<[string, Criterion, Criterion]>)('should find %s', (_name, a, b) => {
    expect(differ(a, b)).toEqual([true, true]);
  });

  it.each([
    ['identical definitions', dx('E11'), { all: [dx('E11'), dx('E11')] }],
    ['two extra conditions', dx('E11'), { all: [dx('E11'), lab(48), sex('F')] }],
    ['a swapped value that nests neither way', sex('F'), sex('M')],
    ['leaves of different kinds', dx('E11'), lab(48)],
    ['a leaf changed beside an extra condition', dx('E11'), { all: [dx('E11.9'), lab(48)] }],
  ] as Array<[string, Criterion, Criterion]>)('should not find %s', (_name, a, b) => {
    expect(differ(a, b)).toEqual([false, false]);
  });
});

describe('narrower leaves', () => {
  it.each([
    [{ kind: 'diagnosis', codePrefix: 'C34.1' }, { kind: 'diagnosis', codePrefix: 'C34' }, true],
    [{ kind: 'diagnosis', codePrefix: 'C34' }, { kind: 'diagnosis', codePrefix: 'C34.1' }, false],
    [
      { kind: 'lab', code: 'HBA1C', min: 50, max: 60 },
      { kind: 'lab', code: 'HBA1C', min: 48 },
      true,
    ],
    [{ kind: 'lab', code: 'HBA1C', min: 50 }, { kind: 'lab', code: 'LDL', min: 48 }, false],
    [
      { kind: 'demographics', sex: 'F', birthYearFrom: 1950 },
      { kind: 'demographics', sex: 'F' },
      true,
    ],
    [{ kind: 'demographics', sex: 'F' }, { kind: 'demographics', birthYearFrom: 1950 }, false],
    [{ kind: 'imaging', modality: 'CT', minStudies: 2 }, { kind: 'imaging', modality: 'CT' }, true],
    [
      { kind: 'imaging', modality: 'CT', from: '2010-01-01' },
      { kind: 'imaging', to: '2020-01-01' },
      false,
    ],
    [{ kind: 'variant', rsId: 'rs1', minAltAlleles: 2 }, { kind: 'variant', rsId: 'rs1' }, true],
    [{ kind: 'apoe', minE4Copies: 1 }, { kind: 'apoe', minE4Copies: 2 }, false],
    [
      { kind: 'polygenicScore', trait: 'AD', minPercentile: 95 },
      { kind: 'polygenicScore', trait: 'AD', minPercentile: 90 },
      true,
    ],
  ] as Array<[Leaf, Leaf, boolean]>)('should judge %j inside %j: %s', (narrow, wide, expected) => {
    expect(narrows(narrow, wide)).toBe(expected);
  });
});

describe('secondary suppression', () => {
  // A one-way table: total, then cells. Worked example 2 of docs/disclosure-control.md.
  const oneWay = (cells: number[], extra: Array<{ known?: boolean; forced?: boolean }> = []) =>
    protectTable(
      [
        { trueCount: cells.reduce((a, b) => a + b, 0) },
        ...cells.map((trueCount, i) => ({ trueCount, ...extra[i] })),
      ],
      [{ members: cells.map((_, i) => i + 1), sum: 0 }],
      10,
    );

  it('should withhold a small cell with the smallest other cell of its line', () => {
    expect(oneWay([100, 17, 3, 0])).toEqual(new Set([2, 3, 4]));
  });

  it('should add cells until the withheld ones hold at least the threshold', () => {
    expect(oneWay([100, 4, 3, 2])).toEqual(new Set([1, 2, 3, 4]));
    expect(oneWay([100, 12, 4, 3, 2])).toEqual(new Set([2, 3, 4, 5]));
  });

  it('should need no partner for empty cells', () => {
    expect(oneWay([100, 20, 0, 0])).toEqual(new Set([3, 4]));
  });

  it('should withhold a cell shown before only when forced, and never use a known cell as partner', () => {
    expect(oneWay([100, 17, 3], [{}, { known: true }])).toEqual(new Set([1, 3]));
    expect(oneWay([100, 17, 30], [{}, {}, { forced: true }])).toEqual(new Set([2, 3]));
  });

  it('should give up when every possible partner is known', () => {
    expect(oneWay([17, 3], [{ known: true }])).toBeNull();
  });

  it('should protect rows and columns of a two-way table', () => {
    // Total 0; margins: rows 1–2, columns 3–4; cells 5 (r1c1), 6 (r1c2), 7 (r2c1), 8 (r2c2).
    const cells = [50, 4, 30, 40];
    const entries = [124, 54, 70, 80, 44, ...cells].map((trueCount) => ({ trueCount }));
    const lines = [
      { members: [1, 2], sum: 0 },
      { members: [3, 4], sum: 0 },
      { members: [5, 6], sum: 1 },
      { members: [7, 8], sum: 2 },
      { members: [5, 7], sum: 3 },
      { members: [6, 8], sum: 4 },
    ];
    // The 4 needs a partner in its row (the 50) and in its column (the 40); each of those
    // then needs one in its own column or row, which the 30 provides.
    expect(protectTable(entries, lines, 10)).toEqual(new Set([5, 6, 7, 8]));
  });
});

describe('ledger rules', () => {
  const figure = (
    definition: Criterion,
    trueCount: number,
    digest = definitionHash(definition),
  ) => ({
    definition,
    digest,
    trueCount,
  });
  const countOf = (definition: Criterion, trueCount: number): Question => ({
    field: 'Query.cohortCount',
    shape: 'count',
    figures: [figure(definition, trueCount)],
    lines: [],
    cost: 1,
  });
  const none = { released: new Set<string>(), withheld: new Set<string>() };
  const e11 = dx('E11');
  const narrower = { all: [e11, lab(48)] };

  it('should refuse a count of a set withheld before, and a breakdown whose total was', () => {
    const asked = countOf(e11, 120);
    const decisions = protectAnswers(
      [asked],
      { ...none, withheld: new Set([asked.figures[0].digest]) },
      10,
    );
    expect(decisions).toEqual([{ status: 'refused' }]);
  });

  it('should judge a breakdown before a count asked beside it', () => {
    const men = figure({ all: [e11, sex('M')] }, 17);
    const table: Question = {
      field: 'Query.cohortBreakdown',
      shape: 'breakdown:SEX',
      figures: [
        figure(e11, 120),
        figure({ all: [e11, sex('F')] }, 100),
        men,
        figure({ all: [e11, sex('U')] }, 3),
      ],
      lines: [{ members: [1, 2, 3], sum: 0 }],
      cost: 3,
    };
    const decisions = protectAnswers([countOf(men.definition, 17), table], none, 10);
    expect(decisions[1]).toEqual({
      status: 'answered',
      withheld: new Set([2, 3]),
      released: [0, 1],
    });
    expect(decisions[0]).toEqual({ status: 'refused' });
  });

  it('should refuse a count near one in the history, and both of a pair in one request', () => {
    const questions = [countOf(narrower, 116)];
    const decisions = protectAnswers(questions, none, 10);
    const history = [figure(e11, 120)];
    expect(findDifferencing(questions, decisions, history, 10)).toEqual(new Set([0]));

    const pair = [countOf(e11, 120), countOf(narrower, 116), countOf(dx('C34'), 118)];
    expect(findDifferencing(pair, protectAnswers(pair, none, 10), [], 10)).toEqual(new Set([0, 1]));
  });

  it('should not refuse counts at least the threshold apart, or a repeat of a released figure', () => {
    const questions = [countOf(narrower, 110)];
    expect(
      findDifferencing(questions, protectAnswers(questions, none, 10), [figure(e11, 120)], 10),
    ).toEqual(new Set());
    const repeat = [countOf(e11, 120)];
    const history = [figure(e11, 120), figure(narrower, 116)];
    expect(findDifferencing(repeat, protectAnswers(repeat, none, 10), history, 10)).toEqual(
      new Set(),
    );
  });

  it('should exempt figures of one table from each other and from its own total', () => {
    // Everyone in the cohort is a woman: her cell equals the total, a difference of none.
    const table: Question = {
      field: 'Query.cohortBreakdown',
      shape: 'breakdown:SEX',
      figures: [
        figure(e11, 120),
        figure({ all: [e11, sex('F')] }, 120),
        figure({ all: [e11, sex('M')] }, 0),
      ],
      lines: [{ members: [1, 2], sum: 0 }],
      cost: 2,
    };
    const decisions = protectAnswers([table], none, 10);
    expect(decisions[0]).toEqual({ status: 'answered', withheld: new Set([2]), released: [0, 1] });
    expect(findDifferencing([table], decisions, [], 10)).toEqual(new Set());
    expect(findDifferencing([table], decisions, [figure(e11, 120, 'other')], 10)).toEqual(
      new Set(),
    );
    // A count of the women beside the total asked before is another matter.
    const women = [countOf({ all: [e11, sex('F')] }, 120)];
    const history = [figure(e11, 120)];
    expect(findDifferencing(women, protectAnswers(women, none, 10), history, 10)).toEqual(
      new Set([0]),
    );
  });
});

describe('request batch', () => {
  it('should ask the ledger once for every field of a request, after the last submits or leaves', async () => {
    const rounds: number[] = [];
    const batch = new RequestBatch(async (questions) => {
      rounds.push(questions.length);
      return questions.map(() => ({ withheld: new Set<number>() }));
    });
    const first = batch.enter();
    const second = batch.enter();
    const third = batch.enter();
    const question: Question = {
      field: 'Query.cohortCount',
      shape: 'count',
      figures: [],
      lines: [],
      cost: 1,
    };
    const answers = [first.submit(question)];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(rounds).toEqual([]);
    third.leave();
    answers.push(second.submit(question));
    expect(await Promise.all(answers)).toHaveLength(2);
    expect(rounds).toEqual([2]);
  });

  it('should pass the ledger’s failure to every field of the round', async () => {
    const batch = new RequestBatch(() => Promise.reject(new Error('database down')));
    const question: Question = {
      field: 'Query.cohortCount',
      shape: 'count',
      figures: [],
      lines: [],
      cost: 1,
    };
    const [a, b] = [batch.enter(), batch.enter()];
    await expect(Promise.all([a.submit(question), b.submit(question)])).rejects.toThrow(
      'database down',
    );
  });
});
