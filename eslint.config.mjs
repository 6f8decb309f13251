// n8n's community-node rule sets, applied the way `n8n-node lint` (@n8n/node-cli 0.48) applies them,
// without @n8n/node-cli itself (its resolver does not install with `npm ci` here: ../shared/N8N.md).
// Shipped code (nodes/, credentials/) and package.json get the full community rules, as n8n's
// verification scanner lints them. Tests, fakes and scripts never ship and run in Node, so they get
// the TypeScript rules only (they need `http`, `process` and timers to run servers and n8n).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { jsonTextParser, templatePlugin } from './scripts/lib/template-lint.mjs';

const shipped = ['nodes/**/*.ts', 'credentials/**/*.ts'];

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'.build/**',
			'node_modules/**',
			'.e2e/**',
			'coverage/**',
			'**/*.js',
			'**/*.mjs',
		],
	},
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, ...tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
			],
		},
	},
	{
		files: shipped,
		extends: [n8nCommunityNodesPlugin.configs.recommended],
		rules: { 'no-console': 'error' },
	},
	{
		files: ['package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
		plugins: {
			'n8n-nodes-base': n8nNodesBase,
			...n8nCommunityNodesPlugin.configs.recommended.plugins,
		},
		rules: {
			...n8nCommunityNodesPlugin.configs.recommended.rules,
			...n8nNodesBase.configs.community.rules,
		},
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// shipped workflow templates: checked as JSON by scripts/lib/template-lint.mjs
		files: ['templates/**/*.json'],
		languageOptions: { parser: jsonTextParser },
		plugins: { 'hibob-remote-templates': templatePlugin },
		rules: { 'hibob-remote-templates/valid-template': 'error' },
	},
	{
		files: ['test/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
		},
	},
);
