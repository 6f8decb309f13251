/**
 * T8: the time-off reconcile (Remote Time Off → "Reconcile With HiBob") against the fake HiBob and
 * fake Remote over real HTTP. "Today" is pinned for the node (Date only; timers stay real) and for
 * both fakes' business clocks; no assertion depends on the real date.
 */
import { DateTime } from 'luxon';
import type { INodeParameters } from 'n8n-workflow';
import { RemoteTimeOff } from '../nodes/RemoteTimeOff/RemoteTimeOff.node';
import { approvedInScope, reconcileScope, remoteOnly } from '../nodes/shared/core/timeoffReconcile';
import { HiBobFake } from './fakes/hibob';
import { RemoteFake } from './fakes/remote';
import { runExecute } from './harness/n8n';

const HIBOB_USER = 'SERVICE-RECONCILE';
const HIBOB_TOKEN = 'hibob-test-token-example';
const REMOTE_TOKEN = 'ra_test_example-token';
const APPROVER = 'mgr-user-1';

/** Pinned "today": Monday 3 March 2031, 09:00 UTC. */
const START = DateTime.fromISO('2031-03-03T09:00:00Z', { zone: 'utc' });
let clock = START;
const setClock = (t: DateTime) => {
	clock = t;
	jest.setSystemTime(t.toJSDate());
};
/** A date `offset` days after the pinned start. */
const day = (offset: number) => START.plus({ days: offset }).toISODate() as string;

interface World {
	hibob: HiBobFake;
	remote: RemoteFake;
	employment: Record<string, string>;
}
let world: World;

beforeAll(() => {
	jest.useFakeTimers({
		now: START.toJSDate(),
		doNotFake: [
			'nextTick',
			'setImmediate',
			'clearImmediate',
			'setTimeout',
			'clearTimeout',
			'setInterval',
			'clearInterval',
			'queueMicrotask',
			'hrtime',
			'performance',
		],
	});
});
afterAll(() => {
	jest.useRealTimers();
});

beforeEach(async () => {
	setClock(START);
	const now = () => clock.toJSDate();
	const people = ['E1', 'E2', 'E3', 'C1', 'N1', 'X1'].map((id) => ({
		id,
		email: `${id.toLowerCase()}@example.com`,
		firstName: id,
		surname: 'Tester',
	}));
	const hibob = await HiBobFake.start(
		{ serviceUserId: HIBOB_USER, token: HIBOB_TOKEN, people },
		{ now },
	);
	const remote = await RemoteFake.start(
		{
			token: REMOTE_TOKEN,
			companyManagers: [
				{ user_id: APPROVER, user_email: 'boss@example.com', user_name: 'Bea Boss', role: 'admin' },
			],
		},
		{ now },
	);
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
		status: 'archived',
		type: 'employee',
	}).id;
	// X1 is in HiBob only.
	world = { hibob, remote, employment };
});

afterEach(async () => {
	await world.hibob.close();
	await world.remote.close();
});

function credentials(withHiBob = true) {
	return {
		remoteApi: { apiToken: REMOTE_TOKEN, environment: 'custom', customUrl: world.remote.url },
		...(withHiBob
			? {
					hiBobApi: {
						serviceUserId: HIBOB_USER,
						token: HIBOB_TOKEN,
						environment: 'custom',
						customUrl: world.hibob.url,
					},
				}
			: {}),
	};
}

async function reconcile(
	options: INodeParameters = {},
	more: { withHiBob?: boolean; mapping?: INodeParameters } = {},
) {
	return runExecute(new RemoteTimeOff(), {
		parameters: {
			mode: 'reconcile',
			approverId: APPROVER,
			policyTypeMapping: more.mapping ?? {},
			options: { summary: true, ...options },
		},
		input: [{ json: { trigger: 'Manual sync' } }],
		credentials: credentials(more.withHiBob !== false),
	});
}

const rows = (run: { output: Array<{ json: Record<string, any> }> }) =>
	run.output.filter((o) => o.json.summary !== true).map((o) => o.json);
const summaryOf = (run: { output: Array<{ json: Record<string, any> }> }) =>
	run.output.find((o) => o.json.summary === true)!.json;
const rowFor = (
	run: { output: Array<{ json: Record<string, any> }> },
	requestId: number | string,
) => rows(run).filter((r) => r.requestId === String(requestId));
/** HiBob request ids carried by approved Remote time off starting on `from` or later. */
const approvedInRemote = (from = day(0)) =>
	world.remote.timeoffs
		.filter(
			(t) =>
				t.status === 'approved' &&
				t.start_date >= from &&
				/HiBob request \d+/.test(String(t.notes ?? '')),
		)
		.map((t) => /HiBob request (\d+)/.exec(String(t.notes))![1])
		.sort();
const timeoffOf = (requestId: number) =>
	world.remote.timeoffs.filter((t) =>
		String(t.notes ?? '').includes(`HiBob request ${requestId} `),
	);
/** What HiBob has approved and in scope (from today on) for the active employee and GP employments. */
const approvedInHiBob = (today: string) =>
	world.hibob.state.timeoffRequests
		.filter(
			(r) =>
				r.status === 'approved' &&
				r.startDate >= today &&
				['E1', 'E2', 'E3'].includes(r.employeeId),
		)
		.map((r) => String(r.requestId))
		.sort();

describe('T8: Remote Time Off reconciles with HiBob on the schedule and manual runs', () => {
	it('T8/T2/T3: the first run after import creates every approved future request, however long ago it was approved (hourly included); a second run writes nothing', async () => {
		// Approved 60, 40 and 30 days before the first run (the fast path reads 7 days of changes).
		setClock(START.minus({ days: 60 }));
		const old = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(7),
			endDate: day(11),
		});
		setClock(START.minus({ days: 40 }));
		const gp = world.hibob.addTimeoffRequest({
			employeeId: 'E2',
			startDate: day(14),
			endDate: day(14),
			policyTypeDisplayName: 'Sick',
		});
		setClock(START.minus({ days: 30 }));
		const hourly = world.hibob.addTimeoffRequest({
			employeeId: 'E3',
			type: 'hours',
			startDate: day(2),
			hoursOnDate: 3,
		});
		const past = world.hibob.addTimeoffRequest({
			employeeId: 'E3',
			startDate: day(-3),
			endDate: day(-2),
		});
		const contractor = world.hibob.addTimeoffRequest({ employeeId: 'C1', startDate: day(8) });
		const offboarded = world.hibob.addTimeoffRequest({ employeeId: 'N1', startDate: day(8) });
		const stranger = world.hibob.addTimeoffRequest({ employeeId: 'X1', startDate: day(8) });
		const pending = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(21),
			status: 'pending',
		});
		setClock(START);
		expect(world.hibob.getTimeoffRequest(old.requestId)!.approvedAt).toBe(
			START.minus({ days: 60 }).toJSDate().toISOString(),
		);

		const first = await reconcile();
		expect(world.remote.count('POST /v1/timeoff')).toBe(3);
		expect(approvedInRemote()).toEqual([old, gp, hourly].map((r) => String(r.requestId)).sort());
		expect(approvedInRemote()).toEqual(approvedInHiBob(day(0)));
		expect(timeoffOf(hourly.requestId)[0].timeoff_days).toEqual([
			{ day: day(2), hours: 3, minutes: 0 },
		]);
		expect(timeoffOf(gp.requestId)[0].timeoff_type).toBe('sick_leave');
		for (const r of [old, gp, hourly])
			expect(rowFor(first, r.requestId)).toMatchObject([
				{ outcome: 'created', reason: 'created_in_remote' },
			]);
		expect(rowFor(first, contractor.requestId)).toMatchObject([
			{ outcome: 'skipped', reason: 'contractor_no_timeoff' },
		]);
		expect(rowFor(first, offboarded.requestId)).toMatchObject([
			{ outcome: 'skipped', reason: 'employment_not_active' },
		]);
		// Not linked to Remote at all, in the past, pending: not reported one by one.
		for (const r of [stranger, past, pending]) expect(rowFor(first, r.requestId)).toEqual([]);
		expect(first.output.every((o) => o.pairedItem !== undefined)).toBe(true);
		const s1 = summaryOf(first);
		expect(s1.reconcile).toMatchObject({
			from: day(0),
			hibobApproved: 6,
			withoutRemoteEmployment: 1,
			remoteOnly: 0,
			confirmReads: 0,
		});
		expect(s1.hibobCalls).toBe(1);
		expect(world.hibob.count('GET /v1/timeoff/whosout')).toBe(1);

		world.remote.resetCounters();
		world.hibob.resetCounters();
		const second = await reconcile();
		expect(world.remote.writeCount()).toBe(0);
		expect(world.hibob.writeCount()).toBe(0);
		expect(world.hibob.count('GET /v1/timeoff/whosout')).toBe(1);
		expect(world.hibob.count('GET /v1/timeoff/employees/:id/requests/:requestId')).toBe(0);
		for (const r of [old, gp, hourly])
			expect(rowFor(second, r.requestId)).toMatchObject([
				{ outcome: 'unchanged', reason: 'already_synced' },
			]);
		expect(approvedInRemote()).toEqual(approvedInHiBob(day(0)));
	});

	it('T8/T4: n8n off for 30 days, then one run → Remote matches HiBob (creates, and cancels each confirmed with one read)', async () => {
		const keep = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			startDate: day(42),
			endDate: day(43),
		});
		const toCancel = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(50) });
		const toDecline = world.hibob.addTimeoffRequest({ employeeId: 'E2', startDate: day(45) });
		const toDelete = world.hibob.addTimeoffRequest({ employeeId: 'E3', startDate: day(60) });
		const toChange = world.hibob.addTimeoffRequest({
			employeeId: 'E3',
			startDate: day(70),
			endDate: day(72),
		});
		const lapses = world.hibob.addTimeoffRequest({ employeeId: 'E2', startDate: day(10) });
		await reconcile();
		expect(approvedInRemote()).toEqual(approvedInHiBob(day(0)));
		expect(world.remote.timeoffs).toHaveLength(6);
		// Entered in Remote by hand (no HiBob id): never touched.
		const manual = world.remote.addTimeoff({
			employment_id: world.employment.E1,
			start_date: day(55),
			notes: 'Dentist',
		});

		// n8n is off; over 30 days HiBob changes.
		setClock(START.plus({ days: 3 }));
		world.hibob.cancelTimeoffRequest(toCancel.requestId);
		setClock(START.plus({ days: 9 }));
		world.hibob.declineTimeoffRequest(toDecline.requestId);
		world.hibob.deleteTimeoffRequest(toDelete.requestId);
		const changed = world.hibob.replaceTimeoffRequest(toChange.requestId, {
			startDate: day(71),
			endDate: day(73),
		});
		const approvedEarly = world.hibob.addTimeoffRequest({
			employeeId: 'E2',
			startDate: day(35),
			endDate: day(36),
		});
		setClock(START.plus({ days: 28 }));
		const approvedLate = world.hibob.addTimeoffRequest({
			employeeId: 'E1',
			type: 'hours',
			startDate: day(32),
			hoursOnDate: 2,
		});
		setClock(START.plus({ days: 30 }));
		world.remote.resetCounters();
		world.hibob.resetCounters();

		const run = await reconcile();
		// Remote matches HiBob: every approved request in scope, and nothing else with a HiBob id.
		expect(approvedInRemote(day(30))).toEqual(approvedInHiBob(day(30)));
		expect(approvedInRemote(day(30))).toEqual(
			[keep, changed, approvedEarly, approvedLate].map((r) => String(r.requestId)).sort(),
		);
		for (const r of [toCancel, toDecline, toDelete, toChange]) {
			expect(timeoffOf(r.requestId).map((t) => t.status)).toEqual(['cancelled']);
		}
		expect(world.remote.count('POST /v1/timeoff/:id/cancel')).toBe(4);
		expect(world.remote.count('POST /v1/timeoff')).toBe(3);
		// One HiBob read per Remote-only request; `lapses` started in the past and is out of scope.
		expect(world.hibob.count('GET /v1/timeoff/employees/:id/requests/:requestId')).toBe(4);
		expect(world.hibob.count('GET /v1/timeoff/whosout')).toBe(1);
		expect(timeoffOf(lapses.requestId).map((t) => t.status)).toEqual(['approved']);
		expect(world.remote.timeoffs.find((t) => t.id === manual.id)!.status).toBe('approved');

		expect(rowFor(run, toCancel.requestId)).toMatchObject([
			{ outcome: 'updated', reason: 'cancelled_in_remote', hibobStatus: 'cancelled' },
		]);
		expect(rowFor(run, toDecline.requestId)).toMatchObject([
			{ outcome: 'updated', reason: 'cancelled_in_remote', hibobStatus: 'declined' },
		]);
		expect(rowFor(run, toDelete.requestId)).toMatchObject([
			{ outcome: 'updated', reason: 'cancelled_in_remote', hibobStatus: 'deleted' },
		]);
		expect(rowFor(run, toChange.requestId)).toMatchObject([
			{ outcome: 'updated', reason: 'cancelled_in_remote' },
		]);
		expect(rowFor(run, changed.requestId)).toMatchObject([{ outcome: 'created' }]);
		// Cancels come before creates (Remote never holds the old and the new request at once).
		const log = world.remote.requests
			.filter((r) => r.method === 'POST')
			.map((r) => (r.path.endsWith('/cancel') ? 'cancel' : 'create'));
		expect(log).toEqual(['cancel', 'cancel', 'cancel', 'cancel', 'create', 'create', 'create']);
		expect(summaryOf(run).reconcile).toMatchObject({
			from: day(30),
			remoteOnly: 4,
			confirmReads: 4,
		});

		// And the run after that: reads only.
		world.remote.resetCounters();
		world.hibob.resetCounters();
		await reconcile();
		expect(world.remote.writeCount()).toBe(0);
		expect(world.hibob.count('GET /v1/timeoff/employees/:id/requests/:requestId')).toBe(0);
	});

	it('T4: a request HiBob does not list but still reads as approved is left alone (one read, no cancel)', async () => {
		const r = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(4) });
		await reconcile();
		// Who's out lists active people only: E1 leaves HiBob, the request stays approved.
		world.hibob.state.people.find((p) => p.id === 'E1')!.internal!.status = 'Inactive';
		world.remote.resetCounters();
		world.hibob.resetCounters();
		const run = await reconcile();
		expect(world.hibob.count('GET /v1/timeoff/employees/:id/requests/:requestId')).toBe(1);
		expect(world.remote.writeCount()).toBe(0);
		expect(rowFor(run, r.requestId)).toMatchObject([
			{ outcome: 'unchanged', reason: 'already_synced' },
		]);
	});

	it('T8: bad input stays per item: an unknown policy type, a malformed HiBob note in Remote, a failed HiBob read; the rest syncs', async () => {
		const good = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(4) });
		const odd = world.hibob.addTimeoffRequest({
			employeeId: 'E2',
			startDate: day(8),
			policyTypeDisplayName: 'Jury duty',
		});
		const gone = world.hibob.addTimeoffRequest({ employeeId: 'E3', startDate: day(9) });
		await reconcile();
		world.hibob.cancelTimeoffRequest(gone.requestId);
		const malformed = world.remote.addTimeoff({
			employment_id: world.employment.E3,
			start_date: day(12),
			notes: 'HiBob request #abc, synced by n8n',
		});
		const noId = world.remote.addTimeoff({
			employment_id: world.employment.E1,
			start_date: day(13),
			notes: 'HiBob request (Holiday)',
		});
		const later = world.hibob.addTimeoffRequest({ employeeId: 'E2', startDate: day(15) });
		world.hibob.failNext('GET /v1/timeoff/employees/:id/requests/:requestId', { status: 500 }, 10);
		world.remote.resetCounters();

		const run = await reconcile();
		expect(rowFor(run, odd.requestId)).toMatchObject([
			{ outcome: 'skipped', reason: 'unmapped_timeoff_type' },
		]);
		expect(rowFor(run, gone.requestId)).toMatchObject([
			{ outcome: 'failed', reason: 'hibob_error' },
		]);
		expect(timeoffOf(gone.requestId).map((t) => t.status)).toEqual(['approved']);
		const bad = rows(run).filter((r) => r.reason === 'malformed_hibob_note');
		expect(bad.map((r) => r.existingTimeoffIds[0]).sort()).toEqual([malformed.id, noId.id].sort());
		expect(
			world.remote.timeoffs
				.filter((t) => [malformed.id, noId.id].includes(t.id))
				.map((t) => t.status),
		).toEqual(['approved', 'approved']);
		expect(rowFor(run, later.requestId)).toMatchObject([{ outcome: 'created' }]);
		expect(rowFor(run, good.requestId)).toMatchObject([{ outcome: 'unchanged' }]);
		expect(world.remote.count('POST /v1/timeoff/:id/cancel')).toBe(0);

		// HiBob answers again: the next run cancels it.
		world.hibob.clearFaultQueue();
		await reconcile();
		expect(timeoffOf(gone.requestId).map((t) => t.status)).toEqual(['cancelled']);
	});

	it('T8/R3: a dry run reads the same (confirm reads included) and writes nothing', async () => {
		const a = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: day(4) });
		await reconcile();
		world.hibob.cancelTimeoffRequest(a.requestId);
		world.hibob.addTimeoffRequest({ employeeId: 'E2', startDate: day(8) });
		world.remote.resetCounters();
		const run = await reconcile({ dryRun: true });
		expect(world.remote.writeCount()).toBe(0);
		expect(
			rows(run)
				.map((r) => r.outcome)
				.sort(),
		).toEqual(['created', 'updated']);
	});

	it('T2: with "since 1 January" the scope starts on 1 January', async () => {
		const january = world.hibob.addTimeoffRequest({ employeeId: 'E1', startDate: '2031-01-14' });
		await reconcile();
		expect(timeoffOf(january.requestId)).toHaveLength(0);
		const run = await reconcile({ includeSinceJanuary: true });
		expect(rowFor(run, january.requestId)).toMatchObject([{ outcome: 'created' }]);
		expect(summaryOf(run).reconcile).toMatchObject({ from: '2031-01-01' });
	});

	it('R2: reconcile without a HiBob credential stops the node and says what to do', async () => {
		await expect(reconcile({}, { withHiBob: false })).rejects.toThrow(/No HiBob credential/);
		expect(world.remote.writeCount()).toBe(0);
	});
});

describe('T8: which Remote time off the reconcile looks at (pure)', () => {
	const scope = reconcileScope('2031-03-03', false, 365);
	const employments = new Map(
		[
			{ id: 'emp-1', status: 'active', type: 'employee', external_id: 'E1' },
			{ id: 'emp-2', status: 'archived', type: 'employee', external_id: 'E2' },
			{ id: 'emp-3', status: 'active', type: 'contractor', external_id: 'E3' },
		].map((e) => [e.id, e]),
	);
	const t = (id: string, over: Record<string, unknown>) => ({
		id,
		employment_id: 'emp-1',
		status: 'approved',
		start_date: '2031-03-10',
		end_date: '2031-03-10',
		...over,
	});

	it('T8/T1/T2/T4: only approved time off with a HiBob id, of an active employee or GP employment, starting in scope, whose request HiBob no longer approves', () => {
		const found = remoteOnly(
			[
				t('keep', { notes: 'HiBob request 1, synced by n8n.' }),
				t('orphan', { notes: 'HiBob request 2, synced by n8n.' }),
				t('manual', { notes: 'Dentist' }),
				t('no-note', { notes: null }),
				t('archived', { employment_id: 'emp-2', notes: 'HiBob request 3' }),
				t('contractor', { employment_id: 'emp-3', notes: 'HiBob request 4' }),
				t('past', { start_date: '2031-03-02', notes: 'HiBob request 5' }),
				t('far', { start_date: '2032-03-04', notes: 'HiBob request 6' }),
				t('cancelled', { status: 'cancelled', notes: 'HiBob request 7' }),
				t('bad', { notes: 'HiBob request #abc' }),
			],
			employments,
			new Set(['1']),
			scope,
		);
		expect(found.toConfirm.map((e) => [e.timeoff.id, e.employeeId, e.requestId])).toEqual([
			['orphan', 'E1', '2'],
		]);
		expect(found.malformed.map((m) => m.timeoff.id)).toEqual(['bad']);
		expect(found.malformed[0].message).toMatch(/"abc", which is not a HiBob request id/);
	});

	it('T2: the scope runs from today (or 1 January) to the horizon; only approved requests starting in it', () => {
		expect(reconcileScope('2031-03-03', false, 10)).toEqual({
			from: '2031-03-03',
			to: '2031-03-13',
		});
		expect(reconcileScope('2031-03-03', true, 10).from).toBe('2031-01-01');
		const r = (requestId: string, startDate: string, status = 'approved') =>
			({ requestId, startDate, status }) as never;
		expect(
			approvedInScope(
				[
					r('a', '2031-03-03'),
					r('b', '2031-03-02'),
					r('c', '2031-03-14'),
					r('d', '2031-03-05', 'pending'),
				],
				reconcileScope('2031-03-03', false, 10),
			).map((x: { requestId: string }) => x.requestId),
		).toEqual(['a']);
	});
});
