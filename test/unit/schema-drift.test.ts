import fs from 'node:fs/promises';
import path from 'node:path';

import { generateSchemas, SCHEMA_DIR } from '../../cli/schema';

describe('checked-in schema', () => {
  it('should match the SDL the code builds, subgraph by subgraph and composed', async () => {
    const generated = await generateSchemas();
    expect([...generated.keys()].sort()).toEqual([
      'cohort.graphql',
      'ehr.graphql',
      'genomics.graphql',
      'governance.graphql',
      'imaging.graphql',
      'supergraph.graphql',
    ]);
    for (const [name, content] of generated) {
      const checkedIn = await fs.readFile(path.join(SCHEMA_DIR, name), 'utf8');
      // A failure here means: run `npm run schema` and commit schema/.
      expect({ name, content: checkedIn }).toEqual({ name, content });
    }
  });
});
