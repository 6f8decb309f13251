/**
 * The status written back to HiBob (S5, R8): the pure decision, then the real nodes (HiBob → Setup,
 * Get Employees → Remote Upsert Employee with "Write Status Back to HiBob") against the fakes over HTTP.
 */
import { HiBob } from '../nodes/HiBob/HiBob.node';
import {
	planStatusWriteBack,
	resultText,
	statusUpdateBody,
} from '../nodes/shared/core/statusWriteBack';
import { advanceClock, todayIso } from './harness/clock';
import { runExecute } from './harness/n8n';
import { isoIn, makeWorld } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

const TODAY = '2026-06-10';
const ids = {
	employmentId: 'work.custom.field_1',
	status: 'work.custom.field_2',
	result: 'work.custom.field_3',
	lastSynced: 'work.custom.field_4',
};

describe('R8: the write-back decision (pure)', () => {
	const result = {
		hibobId: '7',
		remoteEmploymentId: 'emp-7',
		remoteStatus: 'active',
		outcome: 'updated',
		reason: 'updated',
	};

	it('R8: a person HiBob holds nothing for gets all four values', () => {
		expect(planStatusWriteBack([result], new Map(), TODAY)).toEqual([
			{
				hibobId: '7',
				values: {
					employmentId: 'emp-7',
					status: 'active',
					result: 'updated: updated',
					lastSynced: TODAY,
				},
				changed: ['employmentId', 'status', 'result', 'lastSynced'],
			},
		]);
	});

	it('R8: values HiBob already holds, written today → nothing to write', () => {
		const current = new Map([
			[
				'7',
				{
					employmentId: 'emp-7',
					status: 'active',
					result: 'updated: updated',
					lastSynced: TODAY,
				},
			],
		]);
		expect(planStatusWriteBack([result], current, TODAY)).toEqual([]);
	});

	it('R8: only the changed values, with today as the last-synced date', () => {
		const current = new Map([
			['7', { employmentId: 'emp-7', status: 'onboarding', result: 'x', lastSynced: TODAY }],
		]);
		const [write] = planStatusWriteBack([result], current, TODAY);
		expect(write.changed).toEqual(['status', 'result', 'lastSynced']);
		expect(statusUpdateBody(write, ids)).toEqual({
			work: { custom: { field_2: 'active', field_3: 'updated: updated', field_4: TODAY } },
		});
	});

	it('R8: nothing else changed → last synced is refreshed at most once a day (the first run of a later day)', () => {
		const current = new Map([
			[
				'7',
				{
					employmentId: 'emp-7',
					status: 'active',
					result: 'updated: updated',
					lastSynced: '2026-06-09',
				},
			],
		]);
		const [write] = planStatusWriteBack([result], current, TODAY);
		expect(write.changed).toEqual(['lastSynced']);
		expect(statusUpdateBody(write, ids)).toEqual({ work: { custom: { field_4: TODAY } } });
	});

	it('R8: no Remote employment → empty id and status are written as null (cleared)', () => {
		const [write] = planStatusWriteBack(
			[
				{
					hibobId: '8',
					remoteEmploymentId: null,
					remoteStatus: null,
					outcome: 'skipped',
					reason: 'start_date_not_in_future',
				},
			],
			new Map([['8', { employmentId: 'emp-old', status: 'archived' }]]),
			TODAY,
		);
		expect(statusUpdateBody(write, ids)).toMatchObject({
			work: {
				custom: { field_1: null, field_2: null, field_3: 'skipped: start_date_not_in_future' },
			},
		});
	});

	it('R8: the result names the fields of its reason, never a value', () => {
		expect(
			resultText({
				outcome: 'skipped',
				reason: 'remote_schema_invalid',
				fields: ['mobile_number', 'mobile_number', 'ssn'],
			}),
		).toBe('skipped: remote_schema_invalid (mobile_number, ssn)');
		const long = resultText({
			outcome: 'skipped',
			reason: 'remote_schema_invalid',
			fields: Array.from({ length: 40 }, (_, i) => `field_number_${i}`),
		});
		expect(long.length).toBeLessThanOrEqual(200);
		// A field "name" that smuggles a value keeps no separators or digits grouping of an SSN.
		expect(resultText({ outcome: 'failed', reason: 'x', fields: ['123-45-6789: {"a"}'] })).toBe(
			'failed: x (123-45-6789 a)',
		);
	});

	it('R8: a person listed twice is decided once', () => {
		expect(planStatusWriteBack([result, result], new Map(), TODAY)).toHaveLength(1);
	});
});

async function setupStatusFields(world: World) {
	return runExecute(new HiBob(), {
		parameters: { resource: 'setup', operation: 'createStatusFields' },
		credentials: world.credentials as any,
	});
}

function statusOf(world: World, hibobId: string) {
	const person = world.fakes.hibob.state.people.find((p) => p.id === hibobId) as any;
	const byName = (name: string) => {
		const field = world.fakes.hibob.state.fields.find((f) => f.name === name)!;
		return field.jsonPath.split('.').reduce((o: any, k) => o?.[k], person);
	};
	return {
		employmentId: byName('Remote employment ID'),
		status: byName('Remote status'),
		result: byName('Remote sync result'),
		lastSynced: byName('Remote last synced'),
	};
}

const hibobPuts = (world: World) =>
	world.fakes.hibob.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/v1/people/'));

describe('S5: Setup → Create Remote Status Fields', () => {
	it('S5: creates the four fields in the Work section; a second run creates nothing', async () => {
		w = await makeWorld();
		const first = await setupStatusFields(w);
		expect(first.output[0].json).toMatchObject({
			changed: true,
			created: [
				'Remote employment ID',
				'Remote status',
				'Remote sync result',
				'Remote last synced',
			],
		});
		const fields = w.fakes.hibob.state.fields.filter((f) => f.name.startsWith('Remote '));
		expect(fields.map((f) => [f.category, f.type, f.historical])).toEqual([
			['work', 'text', false],
			['work', 'text', false],
			['work', 'text', false],
			['work', 'date', false],
		]);
		for (const f of fields) expect(f.id).toMatch(/^work\.custom\.field_\d+$/);
		const writes = w.fakes.hibob.writeCount();
		const second = await setupStatusFields(w);
		expect(second.output[0].json).toMatchObject({ changed: false, created: [] });
		expect(w.fakes.hibob.writeCount()).toBe(writes);
		expect(second.output[0].pairedItem).toEqual({ item: 0 });
	});

	it('S5: a field already there is kept; only the missing ones are created', async () => {
		w = await makeWorld();
		await setupStatusFields(w);
		w.fakes.hibob.state.fields = w.fakes.hibob.state.fields.filter(
			(f) => f.name !== 'Remote status',
		);
		const again = await setupStatusFields(w);
		expect(again.output[0].json).toMatchObject({ created: ['Remote status'] });
		expect(w.fakes.hibob.state.fields.filter((f) => f.name.startsWith('Remote '))).toHaveLength(4);
	});

	it('S5: the fake refuses what CreateFieldRequest does not allow, and PUT of unknown or historical fields', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'employee')] }));
		const url = w.fakes.hibobUrl;
		const auth = { authorization: w.fakes.hibob.authHeader(), 'content-type': 'application/json' };
		const post = (body: unknown) =>
			fetch(`${url}/v1/company/people/fields`, {
				method: 'POST',
				headers: auth,
				body: JSON.stringify(body),
			}).then((r) => r.status);
		expect(await post({ name: 'X', category: 'work', type: 'text', colour: 'red' })).toBe(400);
		expect(await post({ name: 'X', category: 'work', type: 'text', historical: 'maybe' })).toBe(
			400,
		);
		expect(await post({ name: 'X', category: 'work', type: 'blob' })).toBe(400);
		expect(await post({ name: 'X', category: 'root', type: 'text' })).toBe(400);
		expect(await post({ name: 'X', category: 'nowhere', type: 'text' })).toBe(404);
		const put = (body: unknown) =>
			fetch(`${url}/v1/people/1`, {
				method: 'PUT',
				headers: auth,
				body: JSON.stringify(body),
			}).then((r) => r.status);
		expect(await put({ work: { custom: { field_404: 'x' } } })).toBe(400);
		const historical = w.fakes.hibob.state.fields.find((f) => f.historical);
		if (historical) {
			const body: any = {};
			historical.jsonPath
				.split('.')
				.reduce((o: any, k, i, a) => (o[k] = i === a.length - 1 ? 'x' : {}), body);
			expect(await put(body)).toBe(400);
		}
		expect(await put({ firstName: 'Renamed' })).toBe(200);
		expect(await put({ firstName: 'Renamed' })).toBe(304);
	});

	it('S5: Check Permissions lists the status fields and the permission the write-back needs', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'employee')] }));
		const check = () =>
			runExecute(new HiBob(), {
				parameters: { resource: 'setup', operation: 'checkPermissions' },
				credentials: w!.credentials as any,
			});
		const before = (await check()).output[0].json as any;
		expect(before.statusFields).toMatchObject({
			found: false,
			missing: [
				'Remote employment ID',
				'Remote status',
				'Remote sync result',
				'Remote last synced',
			],
			fix: 'Run Setup → Create Remote Status Fields',
			permission: expect.stringMatching(/Work → View and Edit/),
		});
		await setupStatusFields(w);
		const after = (await check()).output[0].json as any;
		expect(after.statusFields).toMatchObject({ found: true, missing: [] });
		expect(after.statusFields.fix).toBeUndefined();
	});
});

describe('R8: Remote Upsert Employee → Write Status Back to HiBob', () => {
	const world = () =>
		makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee'),
				person('2', 'employee', { work: { startDate: isoIn(-3) } }),
				person('3', 'contractor'),
			],
			employments: [
				{
					id: 'emp-1',
					external_id: '1',
					status: 'active',
					type: 'employee',
					full_name: 'First1 Last1',
					job_title: 'Software Engineer',
					work_email: 'p1@example.com',
					personal_email: 'p1.home@example.org',
				} as any,
			],
		}));

	it('R8: off by default: nothing is read from or written to HiBob by the Upsert node', async () => {
		w = await world();
		const people = await w.getEmployees();
		w.fakes.hibob.resetCounters();
		const out = await w.upsert(people);
		// (It reads SSN and salary as before: R4.) Never the status fields, never a PUT.
		expect(w.fakes.hibob.requests.map((r) => JSON.stringify(r.body ?? ''))).not.toContainEqual(
			expect.stringContaining('work.custom.field_'),
		);
		expect(hibobPuts(w)).toEqual([]);
		expect(out[0].json.hibobStatus).toBeUndefined();
	});

	it('R8: writes the four values once per changed person; a run with nothing new writes nothing; a later day refreshes only the date', async () => {
		w = await world();
		await setupStatusFields(w);
		const first = await w.run({ writeStatusToHibob: true });
		const today = todayIso(); // the pinned clock's day (test:dates moves it)
		expect(hibobPuts(w)).toHaveLength(3);
		expect(first.get('1')).toMatchObject({ hibobStatus: 'written' });
		expect(statusOf(w, '1')).toEqual({
			employmentId: 'emp-1',
			status: 'active',
			result: `${first.get('1')!.outcome}: ${first.get('1')!.reason} (provisional_start_date)`,
			lastSynced: today,
		});
		// Nothing held and nothing to hold: the empty values are not sent at all.
		expect(statusOf(w, '2')).toEqual({
			employmentId: undefined,
			status: undefined,
			result: 'skipped: start_date_not_in_future',
			lastSynced: today,
		});
		const created = first.get('3')!;
		expect(created.outcome).toBe('created');
		expect(statusOf(w, '3')).toMatchObject({
			employmentId: created.remoteEmploymentId,
			status: expect.any(String),
			result: 'created: created',
		});
		expect(statusOf(w, '3').status).not.toBe('');

		// The next run's outcomes differ (created → unchanged, the first update done): only those are written.
		w.fakes.hibob.resetCounters();
		await w.run({ writeStatusToHibob: true });
		const resultField = w.fakes.hibob.state.fields
			.find((f) => f.name === 'Remote sync result')!
			.id.split('.')
			.pop()!;
		for (const put of hibobPuts(w))
			expect((put.body as any).work.custom).toHaveProperty(resultField);
		expect(hibobPuts(w).map((p) => p.path)).not.toContain('/v1/people/2');

		w.fakes.hibob.resetCounters();
		const second = await w.run({ writeStatusToHibob: true });
		expect(hibobPuts(w)).toEqual([]);
		expect([...second.values()].map((o) => o.hibobStatus)).toEqual([
			'unchanged',
			'unchanged',
			'unchanged',
		]);
		// Get Employees' search, the SSN/salary search (R4) and one bulk read of the status: never one per person.
		expect(w.fakes.hibob.requests.filter((r) => r.path === '/v1/people/search')).toHaveLength(3);

		advanceClock(24 * 3600_000);
		const tomorrow = todayIso();
		w.fakes.hibob.resetCounters();
		await w.run({ writeStatusToHibob: true });
		const puts = hibobPuts(w);
		expect(puts).toHaveLength(3);
		const dateField = w.fakes.hibob.state.fields
			.find((f) => f.name === 'Remote last synced')!
			.id.split('.')
			.pop()!;
		for (const put of puts) expect((put.body as any).work.custom[dateField]).toBe(tomorrow);
		// Person 2's status did not change: the date alone.
		const two = puts.find((p) => p.path === '/v1/people/2')!;
		expect((two.body as any).work.custom).toEqual({ [dateField]: tomorrow });
		expect(statusOf(w, '1').lastSynced).toBe(tomorrow);
	});

	it('R8: HiBob answering 429 to a write-back: the transport waits for the window and every person is written (R5)', async () => {
		w = await world();
		await setupStatusFields(w);
		w.fakes.hibob.failNext('PUT /v1/people/:identifier', { status: 429 }, 2);
		const out = await w.run({ writeStatusToHibob: true });
		expect([...out.values()].map((o) => o.hibobStatus)).toEqual(['written', 'written', 'written']);
		const puts = hibobPuts(w);
		expect(puts.map((p) => p.status)).toEqual([429, 429, 200, 200, 200]);
	});

	it('R8: dry run writes nothing to HiBob either, and says what it would write', async () => {
		w = await world();
		await setupStatusFields(w);
		w.fakes.hibob.resetCounters();
		const out = await w.run({ writeStatusToHibob: true, dryRun: true });
		expect(hibobPuts(w)).toEqual([]);
		expect(w.fakes.hibob.requests.filter((r) => r.applied)).toEqual([]);
		expect(w.writes()).toBe(0);
		expect(out.get('2')).toMatchObject({
			hibobStatus: 'planned',
			hibobStatusValues: { 'Remote sync result': 'skipped: start_date_not_in_future' },
		});
	});

	it('R8: fields missing → the node stops before any write, saying to run HiBob → Setup', async () => {
		w = await world();
		const people = await w.getEmployees();
		await expect(w.upsert(people, { writeStatusToHibob: true })).rejects.toThrow(
			/no "Remote employment ID", "Remote status", "Remote sync result", "Remote last synced" fields/,
		);
		await expect(w.upsert(people, { writeStatusToHibob: true })).rejects.toMatchObject({
			description: expect.stringMatching(/Setup → Create Remote Status Fields/),
		});
		expect(w.writes()).toBe(0);
	});

	it("R8: one refused write-back is that person's warning; the others are written and the Remote outcomes stand", async () => {
		w = await world();
		await setupStatusFields(w);
		w.fakes.hibob.failNext('PUT /v1/people/:identifier', {
			status: 403,
			body: { key: 'forbidden', error: 'No permission to edit field' },
		});
		const out = await w.run({ writeStatusToHibob: true, summary: true });
		const failed = [...out.values()].filter((o) => o.hibobStatus === 'failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].hibobStatusMessage).toMatch(/not written to HiBob .*403/);
		expect(failed[0].outcome).not.toBe('failed');
		expect([...out.values()].filter((o) => o.hibobStatus === 'written')).toHaveLength(2);
		expect(out.get('3')!.outcome).toBe('created');
		// With Output "Changes and Problems Only", a refused write-back stays in view even for an unchanged person.
		advanceClock(24 * 3600_000);
		await w.run({ writeStatusToHibob: true });
		advanceClock(24 * 3600_000);
		w.fakes.hibob.failNext('PUT /v1/people/:identifier', { status: 403, body: { error: 'No' } }, 3);
		const quiet = await w.run({ writeStatusToHibob: true, output: 'changes' });
		expect([...quiet.values()].filter((o) => o.hibobStatus === 'failed')).toHaveLength(3);
		const text = JSON.stringify([...out.values(), ...quiet.values()]);
		expect(text).not.toContain(w.credentials.hiBobApi.token as string);
		expect(text).not.toContain('123-45-6789');
	});
});
