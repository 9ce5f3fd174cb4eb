// TypeScript strictness beyond tsc: no floating promises in the companion,
// no `any` without a reason, no unused code.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'lib/**',
      'dist/**',
      '.venv/**',
      '.run/**',
      'jupyterlab_hpc/**',
      'test-results/**',
      'playwright-report/**',
      '**/*.js',
      '**/*.mjs'
    ]
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // JupyterLab's own style: CommandIDs and Foo.IOptions namespaces
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      curly: ['error', 'all'],
      'prefer-const': 'error'
    }
  }
);
