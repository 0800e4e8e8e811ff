import { schemaCoordinates } from '../../common/disclosure';
import { SUBGRAPH_PARTS } from '../helpers/subgraphs';

describe('disclosure policies', () => {
  it.each(Object.keys(SUBGRAPH_PARTS))(
    'should give every field of the %s schema an access rule, and list no field it lacks',
    async (name) => {
      const { buildSchema, policy } = SUBGRAPH_PARTS[name];
      const coordinates = schemaCoordinates(await buildSchema());
      const listed = Object.keys(policy.fields).sort();
      expect(coordinates.filter((field) => !listed.includes(field))).toEqual([]);
      expect(listed.filter((field) => !coordinates.includes(field))).toEqual([]);
    },
  );

  it('should keep internal fields of each site hidden from the supergraph', async () => {
    for (const { buildSchema, policy } of Object.values(SUBGRAPH_PARTS)) {
      const schema = await buildSchema();
      for (const [field, access] of Object.entries(policy.fields)) {
        if (access !== 'internal') {
          continue;
        }
        const [type, name] = field.split('.');
        const root = type === 'Mutation' ? schema.getMutationType() : schema.getQueryType();
        const directives = root?.getFields()[name]?.astNode?.directives ?? [];
        expect([field, directives.map((d) => d.name.value)]).toEqual([field, ['inaccessible']]);
        expect(['Query', 'Mutation']).toContain(type);
      }
    }
  });
});
