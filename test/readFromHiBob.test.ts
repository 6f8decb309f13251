/**
 * Remote Upsert Employee with "People: Read From HiBob" (the template's default since issue 16): the node
 * reads the flagged people itself, with the same reader as HiBob → Get Employees, so that n8n does not
 * store every person with each execution. It must decide exactly as the chained nodes do (E1, E2, R4),
 * pair its output with the input item that named the person, and stop with a clear message without a
 * HiBob credential (S2). Real HTTP against the fake HiBob and Remote.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { RemoteUpsertEmployee } from '../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import { runExecute } from './harness/n8n';
import { DEFAULT_LEGAL_ENTITY_ID } from './fakes/remote';
import { makeWorld } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

const worlds: World[] = [];
afterEach(async () => {
	await Promise.all(worlds.splice(0).map((w) => w.close()));
});

/** Five people: the three kinds, one not flagged, one with an unknown "Sync to Remote" value. */
async function company(): Promise<World> {
	const w = await makeWorld({}, ({ person, sync }) => ({
		people: [
			person('1', 'employee'),
			person('2', 'contractor'),
			person('3', 'global_payroll_employee'),
			person('4', null),
			person('5', 'employee', {
				work: { custom: { [sync.fieldId.split('.').pop()!]: sync.extraItemIds['As intern'] } },
			}),
		],
		employments: [
			{
				id: 'emp-1',
				external_id: '1',
				status: 'active',
				personal_email: 'p1.home@example.org',
				full_name: 'First1 Last1',
				job_title: 'Old title',
			},
		],
	}));
	worlds.push(w);
	return w;
}

async function upsertReading(
	w: World,
	input: INodeExecutionData[],
	person: string,
	options: IDataObject = {},
	credentials: Record<string, unknown> = w.credentials,
) {
	return runExecute(new RemoteUpsertEmployee(), {
		parameters: {
			people: 'hibob',
			person,
			options: { gpLegalEntityId: DEFAULT_LEGAL_ENTITY_ID, ...options } as never,
		},
		input,
		credentials: credentials as never,
		staticData: w.staticData,
		processedData: w.store,
		logs: w.logs,
	});
}

const byPerson = (out: INodeExecutionData[]) =>
	out
		.filter((o) => !o.json.summary)
		.map((o) => [o.json.hibobId, o.json.outcome, o.json.reason])
		.sort((a, b) => String(a[0]).localeCompare(String(b[0])));

const remoteState = (w: World) =>
	w.fakes.remote.state.employments
		.map((e) => [e.external_id, e.type, e.status, e.job_title ?? null])
		.sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('People: Read From HiBob', () => {
	it('E1/E2: decides and writes exactly as HiBob → Get Employees → Upsert does', async () => {
		const chained = await company();
		const viaChain = await chained.upsert(await chained.getEmployees(), { summary: true });
		const reading = await company();
		const { output: viaNode } = await upsertReading(reading, [{ json: {} }], '', {
			summary: true,
		});

		expect(byPerson(viaNode)).toEqual(byPerson(viaChain));
		// Not a vacuous comparison: three created, one updated, one unknown value, the unflagged one absent.
		// Not a vacuous comparison: created, updated with a title held back, an unknown value reported,
		// the unflagged person absent.
		expect(byPerson(viaNode)).toEqual([
			['1', 'updated', 'needs_contract_amendment'],
			['2', 'created', 'created'],
			['3', 'created', 'created'],
			['5', 'skipped', 'unknown_sync_kind'],
		]);
		expect(remoteState(reading)).toEqual(remoteState(chained));
		expect(reading.writes()).toBe(chained.writes());
		expect(reading.writes()).toBeGreaterThan(0);
		const summary = viaNode.find((o) => o.json.summary)!.json;
		expect(summary.total).toBe(4);
		// Every item pairs with the one input item.
		for (const o of viaNode)
			expect([o.pairedItem].flat()).toEqual(expect.arrayContaining([{ item: 0 }]));
	});

	it('R4: a second run reads nobody in full and writes nothing (the in-sync memory is the same)', async () => {
		const w = await company();
		await upsertReading(w, [{ json: {} }], '');
		const writesBefore = w.writes();
		const detailBefore = w.fakes.remote.requests.filter(
			(r) => r.endpoint === 'GET /v1/employments/:id',
		).length;
		const { output } = await upsertReading(w, [{ json: {} }], '');
		expect(w.writes()).toBe(writesBefore);
		expect(
			w.fakes.remote.requests.filter((r) => r.endpoint === 'GET /v1/employments/:id').length,
		).toBe(detailBefore);
		// What is remembered is reported again without a read: the title that needs an amendment (U5),
		// the contractor Remote will not update (U7), the one in sync.
		expect(byPerson(output)).toEqual([
			['1', 'skipped', 'needs_contract_amendment'],
			['2', 'skipped', 'not_updatable_via_api'],
			['3', 'unchanged', 'in_sync'],
			['5', 'skipped', 'unknown_sync_kind'],
		]);
	});

	it('R4/E1: "Read HiBob in Batches" reads everyone\'s ID first, then only the flagged people, and decides exactly as one search does', async () => {
		const once = await company();
		const { output: viaOne } = await upsertReading(once, [{ json: {} }], '', { summary: true });
		const batched = await company();
		const { output: viaBatches } = await upsertReading(batched, [{ json: {} }], '', {
			summary: true,
			hibobBatches: true,
		});
		expect(byPerson(viaBatches)).toEqual(byPerson(viaOne));
		expect(byPerson(viaBatches)).toHaveLength(4);
		expect(remoteState(batched)).toEqual(remoteState(once));
		expect(batched.writes()).toBe(once.writes());
		const searches = (w: World) =>
			w.fakes.hibob.requests
				.filter((r) => r.endpoint === 'POST /v1/people/search')
				.map((r) => r.body as IDataObject);
		// One search without the option (and the SSN/salary one for the global payroll hire).
		expect(searches(once)).toHaveLength(2);
		const [light, full, sensitive] = searches(batched);
		expect(searches(batched)).toHaveLength(3);
		// First everyone's ID, emails and "Sync to Remote" value, without labels...
		expect(light).toEqual({
			fields: ['root.id', 'root.email', 'home.privateEmail', batched.sync.fieldId],
			showInactive: true,
		});
		// ...then the flagged people in full (the unknown value too, to be reported); person 4 is not read.
		expect(full.filters).toEqual([
			{ fieldPath: 'root.id', operator: 'equals', values: ['1', '2', '3', '5'] },
		]);
		expect(full.humanReadable).toBe('APPEND');
		expect(sensitive.fields).toContain('identification.ssn');
	});

	it('R4: in batches of 1,000, a duplicate email is still found when its other owner is not flagged', async () => {
		const w = await makeWorld({}, ({ person }) => ({
			people: [
				...Array.from({ length: 2100 }, (_, i) => person(String(i + 1), 'contractor')),
				...Array.from({ length: 300 }, (_, i) => person(String(3001 + i), null)),
				// Not flagged, but holds person 7's work email: person 7 must not be synced.
				person('4000', null, { email: 'p7@example.com' }),
			],
		}));
		worlds.push(w);
		const options = { onlyFlagged: true, includeRaw: false };
		const one = await w.getEmployees(options);
		const before = w.fakes.hibob.requests.length;
		const batched = await w.getEmployees({ ...options, hibobBatches: true });
		const searches = w.fakes.hibob.requests
			.slice(before)
			.filter((r) => r.endpoint === 'POST /v1/people/search')
			.map((r) => r.body as IDataObject);
		// 1 light read + ceil(2,100 / 1,000) = 3 batches of the flagged people only.
		expect(searches.map((b) => (b.filters as IDataObject[] | undefined)?.[0]?.values)).toEqual([
			undefined,
			Array.from({ length: 1000 }, (_, i) => String(i + 1)),
			Array.from({ length: 1000 }, (_, i) => String(i + 1001)),
			Array.from({ length: 100 }, (_, i) => String(i + 2001)),
		]);
		expect(batched.map((o) => o.json)).toEqual(one.map((o) => o.json));
		expect(batched).toHaveLength(2100);
		expect(batched.find((o) => o.json.hibobId === '7')!.json).toMatchObject({
			valid: false,
			reason: 'duplicate_hibob_email',
		});
		expect(batched.filter((o) => o.json.valid === false)).toHaveLength(1);
	});

	it('Person: an ID syncs only that person, paired with the input item that named them', async () => {
		const w = await company();
		const { output } = await upsertReading(w, [{ json: { employeeId: '3' } }], '3');
		expect(byPerson(output)).toEqual([['3', 'created', expect.any(String)]]);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(w.fakes.remote.state.employments.map((e) => e.external_id).sort()).toEqual(['1', '3']);
		const search = w.fakes.hibob.requests.filter((r) => r.endpoint === 'POST /v1/people/search');
		expect(JSON.stringify(search[0].body)).toContain('"3"');
	});

	it('S2: without a HiBob credential the node stops before any write, saying what to do', async () => {
		const w = await company();
		const { hiBobApi: _dropped, ...remoteOnly } = w.credentials as Record<string, unknown>;
		await expect(upsertReading(w, [{ json: {} }], '', {}, remoteOnly)).rejects.toThrow(
			/No HiBob credential/,
		);
		await expect(upsertReading(w, [{ json: {} }], '', {}, remoteOnly)).rejects.toMatchObject({
			description: expect.stringContaining('From Input Items'),
		});
		expect(w.writes()).toBe(0);
	});
});
