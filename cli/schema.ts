import '../common/bootstrap';

import fs from 'node:fs/promises';
import path from 'node:path';

import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, parse } from 'graphql';

import { type SubgraphName, SUBGRAPHS } from '../common/config';
import { projectRoot } from '../common/paths';
import { buildCohortSchema } from '../subgraphs/cohort/schema';
import { buildEhrSchema } from '../subgraphs/ehr/schema';
import { buildGenomicsSchema } from '../subgraphs/genomics/schema';
import { buildGovernanceSchema } from '../subgraphs/governance/schema';
import { buildImagingSchema } from '../subgraphs/imaging/schema';

const BUILDERS: Record<SubgraphName, () => Promise<GraphQLSchema>> = {
  imaging: buildImagingSchema,
  genomics: buildGenomicsSchema,
  ehr: buildEhrSchema,
  cohort: buildCohortSchema,
  governance: buildGovernanceSchema,
};

export const SCHEMA_DIR = path.join(projectRoot(), 'schema');

/** Every subgraph's SDL and the supergraph composed from them, as checked in under schema/. */
export async function generateSchemas(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const services = [];
  for (const name of SUBGRAPHS) {
    const sdl = printSubgraphSchema(await BUILDERS[name]());
    files.set(`${name}.graphql`, `${sdl.trim()}\n`);
    // The URL is a placeholder: the gateway routes by name to the URLs it is configured with.
    services.push({ name, url: `http://${name}.invalid/graphql`, typeDefs: parse(sdl) });
  }
  const composed = composeServices(services);
  if (composed.errors) {
    throw new Error(`Composition failed:\n${composed.errors.map((e) => e.message).join('\n')}`);
  }
  files.set('supergraph.graphql', `${composed.supergraphSdl.trim()}\n`);
  return files;
}

/** Writes schema/ (no flag) or, with `--check`, fails when schema/ differs from the code. */
async function main(check: boolean): Promise<number> {
  const files = await generateSchemas();
  const drifted: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(SCHEMA_DIR, name);
    const current = await fs.readFile(file, 'utf8').catch(() => null);
    if (current !== content) {
      drifted.push(name);
      if (!check) {
        await fs.writeFile(file, content);
      }
    }
  }
  if (check && drifted.length > 0) {
    console.error(
      `schema/ is out of date with the code: ${drifted.join(', ')}. Run \`npm run schema\` ` +
        'and commit the result.',
    );
    return 1;
  }
  console.log(check ? 'schema/ matches the code' : `schema/ written (${drifted.length} changed)`);
  return 0;
}

if (require.main === module) {
  main(process.argv.includes('--check')).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
