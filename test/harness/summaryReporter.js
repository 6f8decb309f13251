// Prints one plain closing line ("N passed, N failed") that CI reads, after jest's own summary.
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		const line =
			`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed` +
			(skipped ? `, ${skipped} skipped` : '');
		// eslint-disable-next-line no-console
		console.log(`\n${line}`);
	}
}
module.exports = SummaryReporter;
