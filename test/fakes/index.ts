/**
 * Fake HiBob and Remote servers for tests, the demo and benchmarks.
 *
 *   const fakes = await startFakes({ hibob: company.hibob, remote: company.remote });
 *   // ... point the credentials at fakes.hibobUrl / fakes.remoteUrl ...
 *   await fakes.close();
 */
import type { HiBobFakeOptions, HiBobFixture } from './hibob';
import { HiBobFake } from './hibob';
import type { RemoteFakeOptions, RemoteFixture } from './remote';
import { RemoteFake } from './remote';
import type { NowFn } from './server';

export * from './server';
export * from './hibob';
export * from './remote';
export * from './remoteWebhooks';
export * from './company';
export { mulberry32, fakeUuid, isoDate, addDays, addMonths } from './prng';

export interface StartFakesOptions {
	hibob: HiBobFixture;
	remote: RemoteFixture;
	/** Business clock shared by both fakes (start dates, 6-month windows, timestamps). */
	now?: NowFn;
	/** Options for one fake (rate limit, faults, port, inspection); `now` above is the default clock. */
	hibobOptions?: HiBobFakeOptions;
	remoteOptions?: RemoteFakeOptions;
	/** Serve the `/__fake/*` inspection endpoints on both fakes. */
	inspection?: boolean;
}

export interface RunningFakes {
	hibob: HiBobFake;
	remote: RemoteFake;
	hibobUrl: string;
	remoteUrl: string;
	close(): Promise<void>;
}

/** Starts both fakes on 127.0.0.1 (free ports unless options give one). */
export async function startFakes(options: StartFakesOptions): Promise<RunningFakes> {
	const common = { now: options.now, inspection: options.inspection };
	const hibob = await HiBobFake.start(options.hibob, {
		...common,
		...(options.hibobOptions ?? {}),
	});
	let remote: RemoteFake;
	try {
		remote = await RemoteFake.start(options.remote, {
			...common,
			...(options.remoteOptions ?? {}),
		});
	} catch (error) {
		await hibob.close();
		throw error;
	}
	return {
		hibob,
		remote,
		hibobUrl: hibob.url,
		remoteUrl: remote.url,
		close: async () => {
			await Promise.all([hibob.close(), remote.close()]);
		},
	};
}

// The fixtures the fakes serve, for tests that need the same metadata and schemas.
export * from '../fixtures/hibob-metadata';
export * from '../fixtures/remote-schemas';
