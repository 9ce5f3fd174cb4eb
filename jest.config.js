// Unit tests: pure functions and in-process parts. Integration tests: real
// Slurm (and sshd) started by scripts/slurm/start.sh before jest runs.
const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');
const babelConfig = require('@jupyterlab/testing/lib/babel-config').default;

const tsJest = ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json', diagnostics: false }];

// JupyterLab's packages ship ES modules: babel turns them (and the few ESM packages they use)
// into CommonJS for jest, as JupyterLab's extension template does; CSS and assets are stubs.
const jupyterLab = jestJupyterLab(__dirname);
const esModules = [
  '@jupyterlab/',
  '@jupyter/',
  '@codemirror',
  '@marijn',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

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
      // The Lab frontend's models and views, in JupyterLab's own jsdom environment (with fetch)
      // and shims; they talk to the companion through the wire messages of protocol/.
      ...common,
      displayName: 'frontend',
      testMatch: ['<rootDir>/test/unit/frontend/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/helpers/jsdom-environment.js',
      setupFiles: jupyterLab.setupFiles,
      // ws's Node build, not its browser stub: the companion's code runs here too
      resolver: jupyterLab.resolver,
      moduleNameMapper: jupyterLab.moduleNameMapper,
      moduleFileExtensions: jupyterLab.moduleFileExtensions,
      transform: {
        ...common.transform,
        '\\.svg$': jupyterLab.transform['\\.svg$'],
        '^.+\\.m?jsx?$': ['babel-jest', babelConfig]
      },
      transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      slowTestThreshold: 30
    }
  ]
};
