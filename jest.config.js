// Unit tests: pure functions and in-process parts. Integration tests: real
// Slurm (and sshd) started by scripts/slurm/start.sh before jest runs.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json', diagnostics: false }];

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/server'],
  transform: { '^.+\\.tsx?$': tsJest, '^.+\\.py$': '<rootDir>/test/helpers/py-transform.js' },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json', 'py'],
  // the built labextension has a package.json of the same name
  modulePathIgnorePatterns: ['<rootDir>/jupyterlab_hpc/', '<rootDir>/lib/']
};

module.exports = {
  // integration tests wait on real Slurm scheduling; unit tests finish in ms anyway
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/unit/frontend/']
    },
    {
      // The Lab frontend's models: pure TypeScript, no DOM (none needs
      // jsdom yet: widgets are covered by the Playwright suite).
      ...common,
      displayName: 'frontend',
      testMatch: ['<rootDir>/test/unit/frontend/**/*.test.ts']
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      slowTestThreshold: 30
    }
  ]
};
