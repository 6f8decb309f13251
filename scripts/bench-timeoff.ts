/**
 * Time-off benchmark (T8): 500 people (active, linked in Remote) and 2,000 approved future requests,
 * approved 30 to 90 days before the first run. Remote Time Off in "Reconcile With HiBob" mode runs
 * through the jest-free harness against the fakes over real HTTP:
 *   run 1  first reconcile after import (every request is missing in Remote),
 *   run 2  nothing changed (goal: reads only, 0 writes),
 *   run 3  after 30 days of downtime (cancelled, declined, deleted, changed and new requests).
 * Each run's calls are set against a minimum worked out from the benchmark's own data (what is in
 * HiBob and Remote before the run), not from the product's plan: writes must equal the required
 * work, reads may not exceed the minimum. "Today" is pinned (luxon's clock and the fakes').
 *
 *   npm run build:dev && node .build/scripts/bench-timeoff.js   (exit code 1 on a missed goal)
 */
import { DateTime, Settings } from 'luxon';
import { RemoteTimeOff } from '../nodes/RemoteTimeOff/RemoteTimeOff.node';
import type { HiBobTimeoffRequest, NewHiBobPerson, NewRemoteEmployment } from '../test/fakes';
import { addDays, isoDate, mulberry32, startFakes } from '../test/fakes';
import { runExecute } from '../test/harness/n8n';

const PEOPLE = 500;
const REQUESTS = 2000;
const PAGE = 100;
/** How far ahead the node reconciles (its default). */
const HORIZON_DAYS = 365;
const SERVICE_USER = 'SERVICE-BENCH';
const HIBOB_TOKEN = 'bench-hibob-token';
const REMOTE_TOKEN = 'bench-remote-token';
const APPROVER = 'bench-approver';
const POLICIES = ['Holiday', 'Vacation', 'Sick', 'Unpaid leave', 'Parental leave', 'Annual leave'];
/** Pinned "today" of the first run (a Monday). */
const TODAY = '2031-03-03';
/** Days n8n is off between run 2 and run 3. */
const DOWNTIME_DAYS = 30;

function weekday(d: Date): Date {
	let out = d;
	while (out.getUTCDay() === 0 || out.getUTCDay() === 6) out = addDays(out, 1);
	return out;
}

function sumCounters(
	counters: Record<string, number>,
	filter: (key: string) => boolean = () => true,
): number {
	return Object.entries(counters)
		.filter(([key]) => filter(key))
		.reduce((sum, [, n]) => sum + n, 0);
}

export async function benchTimeOff(): Promise<Record<string, number | string>> {
	const rand = mulberry32(20240501);
	// The business clock: luxon (the nodes' "today") and the fakes run from the pinned day; time passes.
	const realStart = Date.now();
	let pinned = Date.parse(`${TODAY}T09:00:00Z`);
	const clock = () => pinned + (Date.now() - realStart);
	const savedNow = Settings.now;
	Settings.now = clock;
	const today = new Date(`${TODAY}T00:00:00Z`);
	const people: NewHiBobPerson[] = [];
	const employments: NewRemoteEmployment[] = [];
	for (let n = 1; n <= PEOPLE; n++) {
		const id = String(3332883884017700000n + BigInt(n) * 1009n);
		people.push({ id, email: `person${n}@example.com`, firstName: `Person${n}`, surname: 'Bench' });
		employments.push({
			external_id: id,
			status: 'active',
			type: n % 5 === 0 ? 'global_payroll_employee' : 'employee',
			full_name: `Person${n} Bench`,
			personal_email: `person${n}@example.com`,
		});
	}
	const requests: HiBobTimeoffRequest[] = [];
	for (let k = 0; k < REQUESTS; k++) {
		const employeeId = people[Math.floor(rand() * PEOPLE)].id;
		const start = weekday(addDays(today, 1 + Math.floor(rand() * 180)));
		const shape = rand();
		const base = {
			requestId: 50001 + k,
			employeeId,
			policyTypeDisplayName: POLICIES[Math.floor(rand() * POLICIES.length)],
			status: 'approved' as const,
			approved: true,
			approvedBy: 'Bench Approver',
			// Approved long before the first run: a changes-feed window would not see them.
			approvedAt: addDays(today, -30 - Math.floor(rand() * 60)).toISOString(),
		};
		if (shape < 0.7) {
			const end = weekday(addDays(start, Math.floor(rand() * 5)));
			requests.push({
				...base,
				type: 'days',
				startDate: isoDate(start),
				startDatePortion: 'all_day',
				endDate: isoDate(end),
				endDatePortion: rand() < 0.2 ? 'morning' : 'all_day',
				durationUnit: 'days',
				totalDuration: 1,
			});
		} else if (shape < 0.85) {
			requests.push({
				...base,
				type: 'days',
				startDate: isoDate(start),
				startDatePortion: rand() < 0.5 ? 'morning' : 'afternoon',
				endDate: isoDate(start),
				endDatePortion: 'all_day',
				durationUnit: 'days',
				totalDuration: 0.5,
			});
		} else {
			const hours = 1 + Math.floor(rand() * 6);
			requests.push({
				...base,
				type: 'hours',
				startDate: isoDate(start),
				startDatePortion: 'all_day',
				endDate: isoDate(start),
				endDatePortion: 'all_day',
				date: isoDate(start),
				hoursOnDate: hours,
				durationUnit: 'hours',
				totalDuration: hours,
			});
		}
	}

	const fakes = await startFakes({
		hibob: { serviceUserId: SERVICE_USER, token: HIBOB_TOKEN, people, timeoffRequests: requests },
		remote: {
			token: REMOTE_TOKEN,
			companyManagers: [
				{
					user_id: APPROVER,
					user_email: 'approver@example.com',
					user_name: 'Bench Approver',
					role: 'admin',
				},
			],
			employments,
		},
		now: () => new Date(clock()),
	});
	const credentials = {
		hiBobApi: {
			serviceUserId: SERVICE_USER,
			token: HIBOB_TOKEN,
			environment: 'custom',
			customUrl: fakes.hibobUrl,
		},
		remoteApi: { apiToken: REMOTE_TOKEN, environment: 'custom', customUrl: fakes.remoteUrl },
	};
	const eligible = new Set(employments.map((e) => String(e.external_id)));

	/** What the run must do, from the fakes' data before it (not from the product's plan). */
	const required = () => {
		const day = DateTime.fromMillis(clock(), { zone: 'utc' });
		const from = day.toISODate() as string;
		const to = day.plus({ days: HORIZON_DAYS }).toISODate() as string;
		const approved = new Set(
			fakes.hibob.state.timeoffRequests
				.filter(
					(r) =>
						r.status === 'approved' &&
						r.startDate >= from &&
						r.startDate <= to &&
						eligible.has(r.employeeId),
				)
				.map((r) => String(r.requestId)),
		);
		const idOf = (notes: string | null) => /HiBob request (\d+)/.exec(notes ?? '')?.[1];
		const inScope = fakes.remote.timeoffs.filter((t) => t.end_date >= from && t.start_date <= to);
		const live = new Set(inScope.filter((t) => t.status === 'approved').map((t) => idOf(t.notes)));
		const everSynced = new Set(fakes.remote.timeoffs.map((t) => idOf(t.notes)));
		const creates = [...approved].filter((id) => !everSynced.has(id)).length;
		// Remote time off in scope with a HiBob id HiBob no longer approves: one confirming read, one cancel.
		const remoteOnly = inScope.filter(
			(t) =>
				t.status === 'approved' &&
				t.start_date >= from &&
				idOf(t.notes) &&
				!approved.has(idOf(t.notes)!),
		).length;
		return {
			creates,
			cancels: remoteOnly,
			// One who's out for the whole company and range, plus the confirming reads.
			hibobReads: 1 + remoteOnly,
			// Employments 100 a page, the time offs of the scope 100 a page (one page when there are none),
			// the company managers once (the approver is checked before anything is created).
			remoteReads:
				Math.ceil(employments.length / PAGE) +
				Math.max(1, Math.ceil(inScope.length / PAGE)) +
				(approved.size ? 1 : 0),
			liveBefore: live.size,
		};
	};

	const runOnce = async () => {
		fakes.hibob.resetCounters();
		fakes.remote.resetCounters();
		const need = required();
		const started = Date.now();
		const sync = await runExecute(new RemoteTimeOff(), {
			parameters: { mode: 'reconcile', approverId: APPROVER, options: { summary: true } },
			input: [{ json: {} }],
			credentials,
		});
		const ms = Date.now() - started;
		const outcomes: Record<string, number> = {};
		for (const item of sync.output)
			if (item.json.summary !== true)
				outcomes[String(item.json.outcome)] = (outcomes[String(item.json.outcome)] ?? 0) + 1;
		const hibobCalls = sumCounters(fakes.hibob.counters);
		const hibobWrites = fakes.hibob.writeCount();
		const remoteCalls = sumCounters(fakes.remote.counters);
		const remoteWrites = fakes.remote.writeCount();
		return {
			items: sync.output.length - 1,
			hibobCalls,
			hibobReads: hibobCalls - hibobWrites,
			minHiBobReads: need.hibobReads,
			remoteReads: remoteCalls - remoteWrites,
			minRemoteReads: need.remoteReads,
			remoteWrites,
			requiredWrites: need.creates + need.cancels,
			creates: fakes.remote.count('POST /v1/timeoff'),
			requiredCreates: need.creates,
			cancels: fakes.remote.count('POST /v1/timeoff/:id/cancel'),
			requiredCancels: need.cancels,
			totalCalls: hibobCalls + remoteCalls,
			created: outcomes.created ?? 0,
			updated: outcomes.updated ?? 0,
			unchanged: outcomes.unchanged ?? 0,
			skipped: outcomes.skipped ?? 0,
			failed: outcomes.failed ?? 0,
			ms,
		};
	};

	try {
		const first = await runOnce();
		const second = await runOnce();
		// n8n is off for 30 days; HiBob changes meanwhile (approved requests before the new "today" stay).
		pinned += DOWNTIME_DAYS * 86_400_000;
		const later = DateTime.fromMillis(clock(), { zone: 'utc' }).toISODate() as string;
		const live = () =>
			fakes.hibob.state.timeoffRequests.filter(
				(r) => r.status === 'approved' && r.startDate > later,
			);
		const pick = (n: number) =>
			live()
				.slice(0, n)
				.map((r) => r.requestId);
		for (const id of pick(100)) fakes.hibob.cancelTimeoffRequest(id);
		for (const id of pick(50)) fakes.hibob.declineTimeoffRequest(id);
		for (const id of pick(50)) fakes.hibob.deleteTimeoffRequest(id);
		for (const id of pick(50)) {
			const old = fakes.hibob.getTimeoffRequest(id)!;
			const start = isoDate(weekday(addDays(new Date(`${old.endDate}T00:00:00Z`), 7)));
			fakes.hibob.replaceTimeoffRequest(id, {
				startDate: start,
				endDate: start,
				type: 'days',
				startDatePortion: 'all_day',
				endDatePortion: 'all_day',
			});
		}
		for (let k = 0; k < 100; k++) {
			const start = isoDate(
				weekday(addDays(new Date(`${later}T00:00:00Z`), 1 + Math.floor(rand() * 150))),
			);
			fakes.hibob.addTimeoffRequest({
				employeeId: people[Math.floor(rand() * PEOPLE)].id,
				startDate: start,
				policyTypeDisplayName: 'Holiday',
			});
		}
		const third = await runOnce();
		const result: Record<string, number | string> = {
			people: PEOPLE,
			requests: REQUESTS,
			today: TODAY,
			downtimeDays: DOWNTIME_DAYS,
			minimumFormula:
				"HiBob: 1 who's out + 1 read per Remote-only request; Remote: ceil(employments/100) + ceil(time offs in scope/100) + 1 manager list; writes: 1 POST per approved request never synced + 1 cancel per Remote-only request",
		};
		for (const [run, figures] of [
			['run1', first],
			['run2', second],
			['run3', third],
		] as const) {
			for (const [key, value] of Object.entries(figures)) result[`${run}_${key}`] = value;
		}
		result.remoteTimeoffsAfter = fakes.remote.timeoffs.length;
		return result;
	} finally {
		Settings.now = savedNow;
		await fakes.close();
	}
}

/** The goals: writes == required work; reads <= the minimum; no failure. */
export function timeOffVerdicts(
	t: Record<string, number | string>,
): Array<{ figure: string; value: string; goal: string; ok: boolean }> {
	const get = (k: string) => Number(t[k] ?? 0);
	const out: Array<{ figure: string; value: string; goal: string; ok: boolean }> = [];
	for (const [run, label] of [
		['run1', 'first reconcile'],
		['run2', 'no change'],
		['run3', `after ${String(t.downtimeDays)} days down`],
	] as const) {
		out.push({
			figure: `Time off ${label}: creates`,
			value: String(get(`${run}_creates`)),
			goal: `== ${get(`${run}_requiredCreates`)}`,
			ok: get(`${run}_creates`) === get(`${run}_requiredCreates`),
		});
		out.push({
			figure: `Time off ${label}: cancels`,
			value: String(get(`${run}_cancels`)),
			goal: `== ${get(`${run}_requiredCancels`)}`,
			ok: get(`${run}_cancels`) === get(`${run}_requiredCancels`),
		});
		out.push({
			figure: `Time off ${label}: HiBob reads`,
			value: String(get(`${run}_hibobReads`)),
			goal: `<= ${get(`${run}_minHiBobReads`)}`,
			ok:
				get(`${run}_hibobReads`) <= get(`${run}_minHiBobReads`) &&
				get(`${run}_hibobCalls`) === get(`${run}_hibobReads`),
		});
		out.push({
			figure: `Time off ${label}: Remote reads`,
			value: String(get(`${run}_remoteReads`)),
			goal: `<= ${get(`${run}_minRemoteReads`)}`,
			ok: get(`${run}_remoteReads`) <= get(`${run}_minRemoteReads`),
		});
		out.push({
			figure: `Time off ${label}: failed items`,
			value: String(get(`${run}_failed`)),
			goal: '0',
			ok: get(`${run}_failed`) === 0,
		});
	}
	out.push({
		figure: 'Time off no change: writes',
		value: String(get('run2_remoteWrites')),
		goal: '0',
		ok: get('run2_remoteWrites') === 0,
	});
	return out;
}

if (require.main === module) {
	benchTimeOff()
		.then((result) => {
			console.log(JSON.stringify(result, null, 2));
			const verdicts = timeOffVerdicts(result);
			for (const v of verdicts)
				console.log(`${v.ok ? '✔' : '✘'} ${v.figure}: ${v.value} (goal ${v.goal})`);
			if (verdicts.some((v) => !v.ok)) process.exitCode = 1;
		})
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}
