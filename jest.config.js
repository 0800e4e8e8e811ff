/** Jest: SWC transform with decorator metadata (type-graphql, TypeORM). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // jose is ESM only; Jest on Node 20 cannot require it untransformed (STACK.md).
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testTimeout: 60_000,
  // Tests wait on sockets and databases as much as on the CPU: two workers on two cores.
  maxWorkers: 2,
  slowTestThreshold: 20,
};
