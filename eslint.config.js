// ESLint: typescript-eslint's recommended rules everywhere, React's rules of hooks for the page's code.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  // build output, test output, and the device pack bench/device/pack.mjs generates
  globalIgnores(['dist/', 'artifacts/', 'test-results/', 'playwright-report/', 'bench/device/pack/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  // a leading underscore marks a name unused on purpose, as tsc's noUnusedParameters reads it
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  // the plain JavaScript files are all Node scripts (bin/, scripts/, bench/, tests/e2e/serve.mjs, this file)
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  // its page.evaluate callbacks run in the page
  { files: ['scripts/screenshot.mjs'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
]);
