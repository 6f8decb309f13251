/**
 * Runs in every test file (jest `setupFilesAfterEnv`): every write request the product sends to a
 * fake (recognised by n8n's `User-Agent: n8n`) is checked against the vendor's request schema
 * (test/harness/specContract.ts). Any request outside the contract fails the test file.
 */
import { FakeHttpServer } from '../fakes/server';
import type { RequestLogEntry } from '../fakes/server';
import type { Api } from './specContract';
import { checkRequest } from './specContract';

export interface ContractLog {
	checked: number;
	problems: string[];
}

const log: ContractLog = { checked: 0, problems: [] };
(globalThis as any).__productRequestContract = log;

function apiOf(fake: FakeHttpServer): Api | undefined {
	const name = fake.constructor.name;
	return name === 'RemoteFake' ? 'remote' : name === 'HiBobFake' ? 'hibob' : undefined;
}

const observer = (fake: FakeHttpServer, entry: RequestLogEntry) => {
	if (entry.userAgent !== 'n8n' || entry.method === 'GET' || entry.path.startsWith('/__fake'))
		return;
	const api = apiOf(fake);
	if (!api) return;
	log.checked++;
	log.problems.push(...checkRequest(api, entry.method, entry.path, entry.body));
};
FakeHttpServer.observers.add(observer);

afterAll(() => {
	FakeHttpServer.observers.delete(observer);
	const problems = [...new Set(log.problems)];
	if (problems.length)
		throw new Error(
			`Requests the product sent outside the vendors' documented contract:\n${problems.join('\n')}`,
		);
});
