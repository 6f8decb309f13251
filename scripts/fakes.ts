/**
 * Starts the fake HiBob and fake Remote servers with a generated company and prints one JSON line:
 *   {"hibobUrl","remoteUrl","hibobServiceUserId","hibobToken","remoteToken","approverId","remoteCompanyId"}
 * then serves until SIGINT/SIGTERM. Each fake also answers (without auth) GET /__fake/state,
 * GET /__fake/counters, GET /__fake/requests and POST /__fake/reset-counters.
 *
 * Usage (after `npm run build:dev`):
 *   node .build/scripts/fakes.js [--company demo|small|<N>] [--seed 1] [--hibob-port 0] [--remote-port 0]
 *        [--now 2030-01-15] [--hibob-rate 50:60000] [--remote-rate 20:60000]
 *        [--hibob-faults '{"seed":1,"error5xxRate":0.05}'] [--remote-faults '{...}']
 */
import type { FaultConfig, RateLimitConfig } from '../test/fakes';
import { companyPreset, startFakes } from '../test/fakes';

function parseArgs(argv: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
		const eq = arg.indexOf('=');
		if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
		else {
			const value = argv[i + 1];
			if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
			out[arg.slice(2)] = value;
			i++;
		}
	}
	return out;
}

function rate(text: string | undefined): RateLimitConfig | undefined {
	if (!text) return undefined;
	const [limit, windowMs] = text.split(':').map(Number);
	if (!Number.isInteger(limit) || !Number.isInteger(windowMs))
		throw new Error(`bad rate limit "${text}" (use limit:windowMs)`);
	return { limit, windowMs };
}

function faults(text: string | undefined): FaultConfig | undefined {
	return text ? (JSON.parse(text) as FaultConfig) : undefined;
}

function port(text: string | undefined): number {
	const n = text === undefined ? 0 : Number(text);
	if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`bad port "${text}"`);
	return n;
}

function shiftedClock(start: Date): () => Date {
	const offset = start.getTime() - Date.now();
	return () => new Date(Date.now() + offset);
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const now = args.now ? new Date(args.now) : undefined;
	if (now && Number.isNaN(now.getTime())) throw new Error(`bad --now "${args.now}"`);
	const company = companyPreset(args.company ?? 'demo', Number(args.seed ?? 1), now);
	const fakes = await startFakes({
		hibob: company.hibob,
		remote: company.remote,
		// A shifted clock that still runs: "now" at start-up, then real time passing.
		now: now ? shiftedClock(now) : undefined,
		inspection: true,
		hibobOptions: {
			port: port(args['hibob-port']),
			rateLimit: rate(args['hibob-rate']),
			faults: faults(args['hibob-faults']),
		},
		remoteOptions: {
			port: port(args['remote-port']),
			rateLimit: rate(args['remote-rate']),
			faults: faults(args['remote-faults']),
		},
	});
	process.stdout.write(
		JSON.stringify({
			hibobUrl: fakes.hibobUrl,
			remoteUrl: fakes.remoteUrl,
			hibobServiceUserId: company.credentials.hibobServiceUserId,
			hibobToken: company.credentials.hibobToken,
			remoteToken: company.credentials.remoteToken,
			approverId: company.approverId,
			remoteCompanyId: company.remote.companyId,
		}) + '\n',
	);
	const stop = () => {
		fakes.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	process.stderr.write(`fakes: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
