import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'examples/**/node_modules/**',
      // A third-party-shaped project (CommonJS, mocha) that the real-repository bench installs.
      'test/fixtures/real-repo/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            'bin/*.js',
            'scripts/*.js',
            'scripts/bench/*.js',
            'examples/*/*.js',
            'test/fixtures/*.mjs',
            'test/fixtures/*/*.js',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engines never depend on the CLI layer: commands → core, never the reverse.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/commands/**', '**/cli/**', '@oclif/*'],
              message: 'src/core must not depend on oclif or the CLI layer.',
            },
          ],
        },
      ],
    },
  },
  {
    // One front door: the CLI and the programmatic API reach the core only through its facade
    // (src/core/index.ts), its errors and the SDK — and the record path through the small facade
    // that loads no engine (src/core/recording.ts).
    files: ['src/commands/**/*.ts', 'src/cli/**/*.ts', 'src/oclif-hooks/**/*.ts', 'src/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\./|(\\.\\./)+)core/(?!index\\.js$|recording\\.js$|errors\\.js$|errors/|sdk/)',
              message:
                'Commands and the API import src/core/index.js (the facade), core/errors and the SDK only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Built-in plugins are written like a third party's: against the public SDK only.
    files: ['src/plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^\\.\\./\\.\\./core/(?!sdk/index\\.js$)|^\\.\\./core/(?!sdk/index\\.js$)|commands/|/cli/',
              message: 'Built-in plugins import only src/core/sdk/index.js, like any third-party plugin.',
            },
          ],
        },
      ],
    },
  },
  {
    // The SDK is what third parties import: it depends on nothing else of kv1nt, so core
    // engines import their public types from it, never the reverse.
    files: ['src/core/sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message: 'src/core/sdk imports only its own files (./…): no other part of kv1nt, no package.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
);
