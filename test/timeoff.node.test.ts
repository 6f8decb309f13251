/**
 * Time off through the nodes (HiBob → Time Off reads, Remote Time Off) against the fake HiBob and
 * fake Remote over real HTTP. Assertions look at the fakes' state and counters, not only outputs.
 */
import { DateTime } from 'luxon';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { RemoteTimeOff } from '../nodes/RemoteTimeOff/RemoteTimeOff.node';
import { HiBobFake } from './fakes/hibob';
import { RemoteFake } from './fakes/remote';
import { runExecute } from './harness/n8n';

const HIBOB_USER = 'SERVICE-TIMEOFF';
const HIBOB_TOKEN = 'hibob-test-token-example';
const REMOTE_TOKEN = 'ra_test_example-token';
const APPROVER = 'mgr-user-1';

/** The Monday of next week (UTC), and days after it. */
const monday = DateTime.utc().startOf('week').plus({ weeks: 1 });
const day = (offset: number) => monday.plus({ days: offset }).toISODate() as string;
const yesterday = DateTime.utc().minus({ days: 1 }).toISODate() as string;

interface World {
	hibob: HiBobFake;
	remote: RemoteFake;
	/** employee id → Remote employment id */
	employment: Record<string, string>;
}

let world: World;

async function startWorld(): Promise<World> {
	const people = ['E1', 'E2', 'E3', 'C1', 'N1', 'X1'].map((id) => ({
		id,
		email: `${id.toLowerCase()}@example.com`,
		firstName: id,
		surname: 'Tester',
	}));
	const hibob = await HiBobFake.start({ serviceUserId: HIBOB_USER, token: HIBOB_TOKEN, people });
	const remote = await RemoteFake.start({
		token: REMOTE_TOKEN,
		companyManagers: [
			{ user_id: APPROVER, user_email: 'boss@example.com', user_name: 'Bea Boss', role: 'admin' },
			{
				user_id: 'mgr-user-2',
				user_email: 'people@example.com',
				user_name: 'Pat People',
				role: 'people_manager',
			},
		],
	});
	const employment: Record<string, string> = {};
	employment.E1 = remote.addEmployment({
		external_id: 'E1',
		status: 'active',
		type: 'employee',
	}).id;
	employment.E2 = remote.addEmployment({
		external_id: 'E2',
		status: 'active',
		type: 'global_payroll_employee',
	}).id;
	employment.E3 = remote.addEmployment({
		external_id: 'E3',
		status: 'active',
		type: 'employee',
	}).id;
	employment.C1 = remote.addEmployment({
		external_id: 'C1',
		status: 'active',
		type: 'contractor',
	}).id;
	employment.N1 = remote.addEmployment({
		external_id: 'N1',
		status: 'invited',
		type: 'employee',
	}).id;
	// X1 has no Remote employment at all.
	return { hibob, remote, employment };
}

beforeEach(async () => {
	world = await startWorld();
});

afterEach(async () => {
	await world.hibob.close();
	await world.remote.close();
});

function hibobCredentials() {
	return {
		hiBobApi: {
			serviceUserId: HIBOB_USER,
			token: HIBOB_TOKEN,
			environment: 'custom',
			customUrl: world.hibob.url,
		},
	};
}

function remoteCredentials() {
	return {
		remoteApi: { apiToken: REMOTE_TOKEN, environment: 'custom', customUrl: world.remote.url },
	};
}

async function readHiBob(
	operation: string,
	extra: INodeParameters = {},
	input?: INodeExecutionData[],
) {
	const run = await runExecute(new HiBob(), {
		parameters: { resource: 'timeOff', operation, ...extra },
		credentials: hibobCredentials(),
		input,
	});
	return run.output;
}

async function syncRemote(
	input: INodeExecutionData[],
	options: INodeParameters = {},
	more: INodeParameters = {},
) {
	return runExecute(new RemoteTimeOff(), {
		parameters: { approverId: APPROVER, options, ...more },
		input,
		credentials: remoteCredentials(),
	});
}

const posts = () => world.remote.count('POST /v1/timeoff');
const cancels = () => world.remote.count('POST /v1/timeoff/:id/cancel');
const timeoffsOf = (employeeId: string) =>
	world.remote.timeoffs.filter((t) => t.employment_id === world.employment[employeeId]);

describe('Remote Time Off node against the fakes', () => {
	it('T1/T6/T7: an approved full week is created once, as approved, 8 hours a day; approved_at falls back to now when HiBob gives no time', async () => {
		const request = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(0),
			endDate: day(4),
			approvedAt: '2024-05-01T10:00:00.000Z',
		});
		const items = await readHiBob('getApproved');
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			requestId: String(request.requestId),
			employeeId: 'E1',
			status: 'approved',
		});
		const run = await syncRemote(items);
		expect(run.output).toHaveLength(1);
		expect(run.output[0].pairedItem).toEqual({ item: 0 });
		expect(run.output[0].json).toMatchObject({
			outcome: 'created',
			reason: 'created_in_remote',
			remoteEmploymentId: world.employment.E1,
		});
		expect(posts()).toBe(1);
		const [created] = timeoffsOf('E1');
		expect(created).toMatchObject({
			status: 'approved',
			timeoff_type: 'paid_time_off',
			start_date: day(0),
			end_date: day(4),
			approver_id: APPROVER,
			timezone: 'UTC',
		});
		expect(created.timeoff_days.map((d) => [d.day, d.hours])).toEqual(
			[0, 1, 2, 3, 4].map((i) => [day(i), 8]),
		);
		expect(created.notes).toContain(`HiBob request ${request.requestId}`);
		// whosout has no approval time: T7 falls back to now (the Changes read brings HiBob's time, below).
		expect(Date.parse(String(created.approved_at))).toBeGreaterThan(Date.now() - 60_000);
	});

	it('T1/T3: Output "Changes and Problems Only" keeps the created request and the contractor\'s (needs a human), drops the unchanged one; the summary counts all', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0), endDate: day(1) });
		world.hibob.addTimeoffRequest({ employeeId: 'C1', startDate: day(2) });
		const items = await readHiBob('getApproved');
		await syncRemote(items.slice(0, 1));
		const run = await syncRemote(items, { summary: true, output: 'changes' });
		world.hibob.addTimeoffRequest({ employeeId: 'E3', startDate: day(3) });
		const third = await syncRemote(await readHiBob('getApproved'), {
			summary: true,
			output: 'changes',
		});
		const rows = (out: INodeExecutionData[]) =>
			out
				.filter((o) => !o.json.summary)
				.map((o) => [o.json.hibobId, o.json.outcome, o.json.reason]);
		expect(rows(run.output)).toEqual([['C1', 'skipped', 'contractor_no_timeoff']]);
		expect(run.output.find((o) => o.json.summary)!.json).toMatchObject({
			total: 2,
			byOutcome: { unchanged: 1, skipped: 1 },
		});
		expect(rows(third.output)).toEqual([
			['C1', 'skipped', 'contractor_no_timeoff'],
			['E3', 'created', 'created_in_remote'],
		]);
		expect(posts()).toBe(2);
	});

	it("T7: approved_at is HiBob's approval time when the request details give it (Get Time Off Changes)", async () => {
		world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(1),
			approvedAt: '2024-05-01T10:00:00.000Z',
		});
		const items = await readHiBob('getChanges');
		expect(items[0].json.approvedAt).toBe('2024-05-01T10:00:00.000Z');
		await syncRemote(items);
		expect(timeoffsOf('E1')[0].approved_at).toBe('2024-05-01T10:00:00.000Z');
	});

	it('T6: a half day morning gives 4 hours on that day', async () => {
		world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(2),
			startDatePortion: 'morning',
			endDatePortion: 'morning',
		});
		const run = await syncRemote(await readHiBob('getApproved'));
		expect(run.output[0].json.outcome).toBe('created');
		expect(timeoffsOf('E1')[0].timeoff_days).toEqual([{ day: day(2), hours: 4, minutes: 0 }]);
	});

	it('T6: an hour request gives its hours on its day', async () => {
		world.hibob.addTimeoffRequest({
			employeeId: 'E2',
			startDate: day(1),
			type: 'hours',
			hoursOnDate: 3,
			policyTypeDisplayName: 'Sick',
		});
		const run = await syncRemote(await readHiBob('getApproved'));
		expect(run.output[0].json).toMatchObject({
			outcome: 'created',
			kind: 'global_payroll_employee',
			remoteTimeoffType: 'sick_leave',
		});
		expect(timeoffsOf('E2')[0].timeoff_days).toEqual([{ day: day(1), hours: 3, minutes: 0 }]);
	});

	it('T6: a range across a weekend leaves Saturday and Sunday out', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(3), endDate: day(8) }); // Thu → next Tue
		await syncRemote(await readHiBob('getApproved'));
		expect(timeoffsOf('E1')[0].timeoff_days.map((d) => d.day)).toEqual([
			day(3),
			day(4),
			day(7),
			day(8),
		]);
	});

	it('T6: a fraction of an hour is skipped (timeoff_hours_unsupported, naming the day) before any request', async () => {
		world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(1),
			endDate: day(2),
			type: 'hoursOnRange',
			dailyHours: 7.5,
		});
		const run = await syncRemote(await readHiBob('getApproved'));
		expect(run.output[0].json).toMatchObject({
			outcome: 'skipped',
			reason: 'timeoff_hours_unsupported',
		});
		expect(String(run.output[0].json.message)).toContain(day(1));
		expect(world.remote.writeCount()).toBe(0);
	});

	it('T6: a weekend-only request is skipped as no_working_days', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(5), endDate: day(6) });
		const run = await syncRemote(await readHiBob('getApproved'));
		expect(run.output[0].json).toMatchObject({ outcome: 'skipped', reason: 'no_working_days' });
		expect(world.remote.writeCount()).toBe(0);
	});

	it("T1: a contractor's request, an onboarding employment and an unlinked person create nothing", async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'C1', startDate: day(0) });
		world.hibob.addTimeoffRequest({ employeeId: 'N1', startDate: day(0) });
		world.hibob.addTimeoffRequest({ employeeId: 'X1', startDate: day(0) });
		const run = await syncRemote(await readHiBob('getApproved'));
		const reasons = Object.fromEntries(run.output.map((o) => [o.json.hibobId, o.json.reason]));
		expect(reasons).toEqual({
			C1: 'contractor_no_timeoff',
			N1: 'employment_not_active',
			X1: 'employment_not_linked',
		});
		expect(run.output.every((o) => o.json.outcome === 'skipped')).toBe(true);
		expect(world.remote.writeCount()).toBe(0);
		expect(world.remote.timeoffs).toHaveLength(0);
	});

	it('T2: pending and declined requests create nothing', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0), status: 'pending' });
		const declined = world.hibob.addTimeoffRequest({
			employeeId: 'E3',
			startDate: day(1),
			status: 'pending',
		});
		world.hibob.declineTimeoffRequest(declined.requestId);
		const items = await readHiBob('getChanges', { changesOptions: { includePending: true } });
		const run = await syncRemote(items);
		expect(run.output.map((o) => [o.json.hibobStatus, o.json.outcome, o.json.reason])).toEqual([
			['pending', 'skipped', 'not_approved'],
			['declined', 'skipped', 'not_approved'],
		]);
		expect(world.remote.writeCount()).toBe(0);
		// Pending and declined requests are also not in the approved read.
		expect(await readHiBob('getApproved')).toHaveLength(0);
	});

	it('T2: a request that started yesterday is in_the_past (Get Time Off Request feeds it)', async () => {
		const r = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: yesterday,
			endDate: day(0),
		});
		const items = await readHiBob('getRequest', {
			employeeId: 'E1',
			requestId: String(r.requestId),
		});
		const run = await syncRemote(items);
		expect(run.output[0].json).toMatchObject({ outcome: 'skipped', reason: 'in_the_past' });
		expect(world.remote.writeCount()).toBe(0);
	});

	it('T3: the same request seen twice (in one run and in a second run) is created once', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0), endDate: day(1) });
		const items = await readHiBob('getApproved');
		const first = await syncRemote([...items, ...items]);
		expect(first.output.map((o) => o.json.outcome)).toEqual(['created', 'unchanged']);
		expect(first.output[1].json.reason).toBe('already_synced');
		const second = await syncRemote(await readHiBob('getApproved'));
		expect(second.output[0].json).toMatchObject({ outcome: 'unchanged', reason: 'already_synced' });
		expect(posts()).toBe(1);
		expect(timeoffsOf('E1')).toHaveLength(1);
	});

	it('T4: approved, synced, then cancelled in HiBob → cancelled in Remote', async () => {
		const r = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(0),
			endDate: day(2),
		});
		await syncRemote(await readHiBob('getApproved'));
		expect(timeoffsOf('E1')[0].status).toBe('approved');
		world.hibob.cancelTimeoffRequest(r.requestId);
		const items = await readHiBob('getChanges');
		expect(items).toHaveLength(1);
		expect(items[0].json.status).toBe('cancelled');
		const run = await syncRemote(items);
		expect(run.output[0].json).toMatchObject({ outcome: 'updated', reason: 'cancelled_in_remote' });
		expect(timeoffsOf('E1')[0].status).toBe('cancelled');
		expect(cancels()).toBe(1);
		// Seen again: nothing more.
		const again = await syncRemote(items);
		expect(again.output[0].json).toMatchObject({
			outcome: 'unchanged',
			reason: 'already_cancelled',
		});
		expect(cancels()).toBe(1);
	});

	it('T4: deleted in HiBob (Get Time Off Request answers 404) → cancelled in Remote', async () => {
		const r = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		await syncRemote(await readHiBob('getApproved'));
		world.hibob.deleteTimeoffRequest(r.requestId);
		const items = await readHiBob('getRequest', {
			employeeId: 'E1',
			requestId: String(r.requestId),
		});
		expect(items[0].json).toMatchObject({ status: 'deleted' });
		const run = await syncRemote(items);
		expect(run.output[0].json).toMatchObject({ outcome: 'updated', reason: 'cancelled_in_remote' });
		expect(timeoffsOf('E1')[0].status).toBe('cancelled');
	});

	it('T4: a changed request cancels the old Remote time off and creates the new one (changes feed)', async () => {
		const old = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(0),
			endDate: day(1),
		});
		await syncRemote(await readHiBob('getApproved'));
		const next = world.hibob.replaceTimeoffRequest(old.requestId, {
			startDate: day(7),
			endDate: day(9),
		});
		const run = await syncRemote(await readHiBob('getChanges'));
		const byRequest = Object.fromEntries(
			run.output.map((o) => [o.json.requestId, [o.json.outcome, o.json.reason]]),
		);
		expect(byRequest[String(old.requestId)]).toEqual(['updated', 'cancelled_in_remote']);
		expect(byRequest[String(next.requestId)][0]).toMatch(/created|updated/);
		const list = timeoffsOf('E1');
		expect(list.map((t) => [t.start_date, t.status])).toEqual([
			[day(0), 'cancelled'],
			[day(7), 'approved'],
		]);
		expect(list[1].notes).toContain(`HiBob request ${next.requestId}`);
		expect(cancels()).toBe(1);
		expect(posts()).toBe(2);
	});

	it('T4: a changed request alone (e.g. from a webhook) replaces the old one: updated / replaced_in_remote', async () => {
		const old = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(0),
			endDate: day(1),
		});
		await syncRemote(await readHiBob('getApproved'));
		const next = world.hibob.replaceTimeoffRequest(old.requestId, {
			startDate: day(14),
			endDate: day(15),
		});
		const items = await readHiBob('getRequest', {
			employeeId: 'E1',
			requestId: String(next.requestId),
		});
		expect(items[0].json.previousRequestId).toBe(String(old.requestId));
		const run = await syncRemote(items);
		expect(run.output[0].json).toMatchObject({ outcome: 'updated', reason: 'replaced_in_remote' });
		expect(timeoffsOf('E1').map((t) => t.status)).toEqual(['cancelled', 'approved']);
		// The old one lies outside the new request's dates: the node read that employment's time offs.
		expect(
			world.remote.requests.some(
				(r) => r.endpoint === 'GET /v1/timeoff' && r.query.employment_id === world.employment.E1,
			),
		).toBe(true);
	});

	it('R6: a changed request whose create fails after the cancel reports what was done; the next run finishes it', async () => {
		const old = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		await syncRemote(await readHiBob('getApproved'));
		const next = world.hibob.replaceTimeoffRequest(old.requestId, {
			startDate: day(21),
			endDate: day(21),
		});
		const items = await readHiBob('getRequest', {
			employeeId: 'E1',
			requestId: String(next.requestId),
		});
		world.remote.failNext('POST /v1/timeoff', {
			status: 422,
			body: { message: 'Injected refusal' },
		});
		const failed = await syncRemote(items);
		expect(failed.output[0].json).toMatchObject({ outcome: 'failed', reason: 'remote_error' });
		expect(String(failed.output[0].json.message)).toMatch(
			/Injected refusal.*Before this, the node cancelled/,
		);
		expect(failed.output[0].json.changes).toHaveLength(1);
		expect(timeoffsOf('E1').map((t) => t.status)).toEqual(['cancelled']);
		const retried = await syncRemote(items);
		expect(retried.output[0].json).toMatchObject({ outcome: 'created' });
		expect(timeoffsOf('E1').map((t) => t.status)).toEqual(['cancelled', 'approved']);
		expect(cancels()).toBe(1);
	});

	it('T5: an unmapped type is skipped naming it; a mapping entry sends it', async () => {
		world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(0),
			policyTypeDisplayName: 'Doctor visit',
		});
		const items = await readHiBob('getApproved');
		const skipped = await syncRemote(items);
		expect(skipped.output[0].json).toMatchObject({
			outcome: 'skipped',
			reason: 'unmapped_timeoff_type',
		});
		expect(String(skipped.output[0].json.message)).toContain('"Doctor visit"');
		expect(world.remote.writeCount()).toBe(0);
		const mapped = await syncRemote(
			items,
			{},
			{ policyTypeMapping: { mappings: [{ hibobType: 'doctor VISIT', remoteType: 'other' }] } },
		);
		expect(mapped.output[0].json).toMatchObject({ outcome: 'created', remoteTimeoffType: 'other' });
		expect(timeoffsOf('E1')[0].timeoff_type).toBe('other');
	});

	it('T7: an approver who is not a company manager stops the node with what to do, before any write', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		const items = await readHiBob('getApproved');
		await expect(syncRemote(items, {}, { approverId: 'nobody' })).rejects.toThrow(
			/not a company manager/,
		);
		expect(world.remote.writeCount()).toBe(0);
	});

	it('T7: the timezone option is sent when HiBob gives none', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		await syncRemote(await readHiBob('getApproved'), { timezone: 'Europe/Berlin' });
		expect(timeoffsOf('E1')[0].timezone).toBe('Europe/Berlin');
	});

	it('R2: one bad request does not stop the others (failed with the API message)', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		world.hibob.addTimeoffRequest({ employeeId: 'E3', startDate: day(1) });
		world.remote.failNext('POST /v1/timeoff', {
			status: 422,
			body: { errors: { timeoff_days: ['overlaps an existing time off'] } },
		});
		const run = await syncRemote(await readHiBob('getApproved'));
		expect(run.output.map((o) => o.json.outcome)).toEqual(['failed', 'created']);
		expect(run.output[0].json.reason).toBe('remote_error');
		expect(String(run.output[0].json.message)).toContain('overlaps an existing time off');
		expect(run.output[0].json.changes).toEqual([]);
		expect(timeoffsOf('E3')).toHaveLength(1);
		expect(timeoffsOf('E1')).toHaveLength(0);
	});

	it('R3: a dry run gives the same output and sends no write', async () => {
		const cancelled = world.hibob.addTimeoffRequest({ employeeId: 'E3', startDate: day(0) });
		await syncRemote(await readHiBob('getApproved'));
		world.hibob.cancelTimeoffRequest(cancelled.requestId);
		world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(1),
			startDatePortion: 'afternoon',
			endDatePortion: 'afternoon',
		});
		world.hibob.addTimeoffRequest({ employeeId: 'C1', startDate: day(1) });
		const items = await readHiBob('getChanges');
		world.remote.resetCounters();
		const dry = await syncRemote(items, { dryRun: true });
		expect(world.remote.writeCount()).toBe(0);
		expect(dry.output.every((o) => o.json.dryRun === true)).toBe(true);
		const real = await syncRemote(items);
		const strip = (o: INodeExecutionData) => [
			o.json.requestId,
			o.json.outcome,
			o.json.reason,
			o.json.timeoffDays,
			o.json.requests,
		];
		expect(dry.output.map(strip)).toEqual(real.output.map(strip));
		expect(real.output.map((o) => o.json.outcome).sort()).toEqual([
			'created',
			'skipped',
			'updated',
		]);
		expect(world.remote.writeCount()).toBe(2);
	});

	it('R6: a lost create answer (applied, then the connection drops) is found by the lookup, not created twice', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0), endDate: day(1) });
		const items = await readHiBob('getApproved');
		world.remote.failNext('POST /v1/timeoff', { dropAfterApply: true });
		const run = await syncRemote(items, { summary: true });
		expect(run.output[0].json).toMatchObject({ outcome: 'created' });
		expect(timeoffsOf('E1')).toHaveLength(1);
		expect(posts()).toBe(1);
		expect(run.output[0].json.createdTimeoffId).toBe(timeoffsOf('E1')[0].id);
		expect(run.output[1].json).toMatchObject({ recovered: 1 });
		expect(run.output[1].pairedItem).toEqual([{ item: 0 }]);
	});

	it('R6: a lost cancel answer is found by the lookup, not sent twice', async () => {
		const r = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		await syncRemote(await readHiBob('getApproved'));
		world.hibob.cancelTimeoffRequest(r.requestId);
		world.remote.failNext('POST /v1/timeoff/:id/cancel', { dropAfterApply: true });
		const run = await syncRemote(await readHiBob('getChanges'));
		expect(run.output[0].json).toMatchObject({ outcome: 'updated', reason: 'cancelled_in_remote' });
		expect(cancels()).toBe(1);
		expect(timeoffsOf('E1')[0].status).toBe('cancelled');
	});

	it('R4: reads are batched: managers once, employments and time offs page by page, whatever the number of requests', async () => {
		for (const id of ['E1', 'E2', 'E3'])
			world.hibob.addTimeoffRequest({ employeeId: id, startDate: day(0) });
		await syncRemote(await readHiBob('getApproved'));
		expect(world.remote.count('GET /v1/company-managers')).toBe(1);
		expect(world.remote.count('GET /v1/employments')).toBe(1);
		expect(world.remote.count('GET /v1/timeoff')).toBe(1);
		expect(posts()).toBe(3);
	});

	it('R1: an item that is not a time-off request is skipped with a reason, paired to its input', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		const items = await readHiBob('getApproved');
		const run = await syncRemote([{ json: { hello: 'world' } }, ...items]);
		expect(run.output.map((o) => [o.pairedItem, o.json.outcome, o.json.reason])).toEqual([
			[{ item: 0 }, 'skipped', 'invalid_request'],
			[{ item: 1 }, 'created', 'created_in_remote'],
		]);
	});

	it('R1: a HiBob Trigger event fed in directly is skipped with what to put in between', async () => {
		const run = await syncRemote([
			{
				json: {
					event: 'timeoff.request.approved',
					category: 'timeoff',
					employeeId: 'E1',
					requestId: '1',
				},
			},
		]);
		expect(run.output[0].json).toMatchObject({ outcome: 'skipped', reason: 'invalid_request' });
		expect(String(run.output[0].json.message)).toContain('Get Time Off Request');
		expect(world.remote.writeCount()).toBe(0);
	});

	it('R2: missing Remote credentials stop the node with what to do', async () => {
		await expect(
			runExecute(new RemoteTimeOff(), {
				parameters: { approverId: APPROVER },
				input: [{ json: {} }],
				credentials: {},
			}),
		).rejects.toThrow(/No Remote credential/);
	});

	it('loads the approvers as "name (email)" → user id', async () => {
		const node = new RemoteTimeOff();
		const { makeContext } = await import('./harness/n8n');
		const context = makeContext(node, { parameters: {}, credentials: remoteCredentials() });
		const options = await node.methods.loadOptions.getApprovers.call(context.ctx);
		expect(options.map((o) => [o.name, o.value])).toEqual([
			['Bea Boss (boss@example.com)', APPROVER],
			['Pat People (people@example.com)', 'mgr-user-2'],
		]);
	});
});

describe('HiBob time-off reads against the fake', () => {
	it('Get Time Off Changes reads details only for newly approved requests (minimal calls)', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		world.hibob.addTimeoffRequest({ employeeId: 'E3', startDate: day(1) });
		const gone = world.hibob.addTimeoffRequest({ employeeId: 'E2', startDate: day(2) });
		world.hibob.cancelTimeoffRequest(gone.requestId);
		world.hibob.addTimeoffRequest({ employeeId: 'E2', startDate: day(3), status: 'pending' });
		world.hibob.resetCounters();
		const items = await readHiBob('getChanges', { changesOptions: { includePending: true } });
		expect(items.map((i) => i.json.status).sort()).toEqual([
			'approved',
			'approved',
			'cancelled',
			'pending',
		]);
		expect(world.hibob.count('GET /v1/timeoff/requests/changes')).toBe(1);
		expect(world.hibob.count('GET /v1/timeoff/employees/:id/requests/:requestId')).toBe(2);
		expect(items.every((i) => i.pairedItem && (i.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
	});

	it('Get Time Off Changes without details makes one call', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		world.hibob.resetCounters();
		const items = await readHiBob('getChanges', { changesOptions: { fetchDetails: false } });
		expect(items).toHaveLength(1);
		expect(Object.values(world.hibob.counters).reduce((a, b) => a + b, 0)).toBe(1);
	});

	it('Get Time Off Changes moves a "since" older than 6 months to 6 months ago and says so', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		const items = await readHiBob('getChanges', {
			since: DateTime.utc().minus({ months: 9 }).toISO() as string,
		});
		expect(items).toHaveLength(1);
		expect(String(items[0].json.notice)).toMatch(/6 months/);
	});

	it('Get Approved Time Off is one who-is-out call and leaves out requests that started before today', async () => {
		world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: yesterday, endDate: day(0) });
		world.hibob.addTimeoffRequest({ employeeId: 'E3', startDate: day(0) });
		world.hibob.resetCounters();
		const items = await readHiBob('getApproved');
		expect(items.map((i) => i.json.employeeId)).toEqual(['E3']);
		expect(world.hibob.count('GET /v1/timeoff/whosout')).toBe(1);
		const sinceJanuary = await readHiBob('getApproved', {
			approvedOptions: { includeSinceJanuary: true },
		});
		expect(sinceJanuary).toHaveLength(
			DateTime.utc().minus({ days: 1 }).year === DateTime.utc().year ? 2 : 1,
		);
	});

	it('Get Time Off Request keeps one output item per input item, paired', async () => {
		const a = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(0) });
		const items = await readHiBob(
			'getRequest',
			{ employeeId: 'E1', requestId: String(a.requestId) },
			[{ json: {} }, { json: {} }],
		);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
