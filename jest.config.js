/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json', isolatedModules: true }],
	},
	testTimeout: 60000,
	// Every request body the product sends is checked against the vendors' request schemas.
	setupFilesAfterEnv: ['<rootDir>/test/harness/contractSetup.ts'],
	maxWorkers: 2,
	setupFiles: ['<rootDir>/test/harness/pinClock.ts'],
	reporters: ['default', '<rootDir>/test/harness/summaryReporter.js'],
};
