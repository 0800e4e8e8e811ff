import { type DisclosurePolicy, ENTITY_FIELDS } from '../../common/disclosure';

/**
 * The cohort service releases no record fields of its own: disclosure-controlled counts and
 * breakdowns, the caller's query budget, and release IDs. Grants are checked in the
 * resolvers, which know the datasets a definition touches.
 */
export const cohortPolicy: DisclosurePolicy = {
  dataset: null,
  fields: {
    ...ENTITY_FIELDS,
    'Query.subject': 'analyst',
    'Query.cohortCount': 'caller',
    'Query.cohortBreakdown': 'caller',
    'Query.cohort': 'analyst',
    'Mutation.saveCohort': 'analyst',
    'Mutation.requestExtract': 'analyst',
    'ExtractRequest.id': 'caller',
    'Subject.id': 'caller',
    'CohortCount.value': 'caller',
    'CohortCount.display': 'caller',
    'CohortCount.suppressed': 'caller',
    'CohortCount.threshold': 'caller',
    'CohortCount.roundedTo': 'caller',
    'CohortBreakdown.by': 'caller',
    'CohortBreakdown.total': 'caller',
    'CohortBreakdown.margins': 'caller',
    'CohortBreakdown.cells': 'caller',
    'BreakdownMargin.dimension': 'caller',
    'BreakdownMargin.value': 'caller',
    'BreakdownMargin.count': 'caller',
    'BreakdownCell.values': 'caller',
    'BreakdownCell.count': 'caller',
    'Caller.subject': 'caller',
    'Caller.queryBudget': 'caller',
    'QueryBudget.limit': 'caller',
    'QueryBudget.used': 'caller',
    'QueryBudget.remaining': 'caller',
    'QueryBudget.resetsAt': 'caller',
    'Cohort.id': 'analyst',
    'Cohort.name': 'analyst',
    'Cohort.createdAt': 'analyst',
    'Cohort.count': 'analyst',
    'Cohort.subjects': 'analyst',
    'SubjectConnection.edges': 'analyst',
    'SubjectConnection.pageInfo': 'analyst',
    'SubjectEdge.cursor': 'analyst',
    'SubjectEdge.node': 'analyst',
    'PageInfo.hasNextPage': 'analyst',
    'PageInfo.endCursor': 'analyst',
  },
};
