import { type DisclosurePolicy, ENTITY_FIELDS } from '../../common/disclosure';

/** Genomics fields by disclosure category (DESIGN.md, "Disclosure rules"). */
export const genomicsPolicy: DisclosurePolicy = {
  dataset: 'genomics',
  internalFieldScopes: { 'Mutation.genomicsFreezeExtract': ['extract'] },
  fields: {
    ...ENTITY_FIELDS,
    'Query.genomicsMatch': 'internal',
    'Mutation.genomicsFreezeExtract': 'internal',
    'Subject.id': 'caller',
    'Subject.samples': 'core',
    'Subject.apoe': 'special',
    'Subject.genotypes': 'special',
    'Subject.polygenicScores': 'supplemental',
    'GenomicSample.assay': 'core',
    'GenomicSample.date': 'core',
    'Genotype.rsId': 'special',
    'Genotype.gene': 'special',
    'Genotype.chromosome': 'special',
    'Genotype.position': 'special',
    'Genotype.refAllele': 'special',
    'Genotype.altAllele': 'special',
    'Genotype.altAlleles': 'special',
    'PolygenicScore.trait': 'supplemental',
    'PolygenicScore.score': 'supplemental',
    'PolygenicScore.percentile': 'supplemental',
  },
};
