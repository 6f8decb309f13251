/**
 * Time-off benchmark: 500 people (active, linked in Remote) and 2,000 approved future requests.
 * Runs HiBob → Get Approved Time Off, then Remote Time Off, through the jest-free harness against
 * the fakes over real HTTP, twice. Reports the API calls made against the minimum the sync rules
 * allow (R4: one HiBob read, employments 100 a page, the time offs of the window page by page, the
 * managers list once, one POST per request) and the writes of the second run (goal: 0).
 *
 *   npm run build:dev && node .build/scripts/bench-timeoff.js
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { RemoteTimeOff } from '../nodes/RemoteTimeOff/RemoteTimeOff.node';
import type { HibobTimeoffRequest, NewHibobPerson, NewRemoteEmployment } from '../test/fakes';
import { addDays, isoDate, mulberry32, startFakes } from '../test/fakes';
import { runExecute } from '../test/harness/n8n';

const PEOPLE = 500;
const REQUESTS = 2000;
const PAGE = 100;
const SERVICE_USER = 'SERVICE-BENCH';
const HIBOB_TOKEN = 'bench-hibob-token';
const REMOTE_TOKEN = 'bench-remote-token';
const APPROVER = 'bench-approver';
const POLICIES = ['Holiday', 'Vacation', 'Sick', 'Unpaid leave', 'Parental leave', 'Annual leave'];

function weekday(d: Date): Date {
	let out = d;
	while (out.getUTCDay() === 0 || out.getUTCDay() === 6) out = addDays(out, 1);
	return out;
}

function sumCounters(counters: Record<string, number>, filter: (key: string) => boolean = () => true): number {
	return Object.entries(counters)
		.filter(([key]) => filter(key))
		.reduce((sum, [, n]) => sum + n, 0);
}

export async function benchTimeOff(): Promise<Record<string, number | string>> {
	const rand = mulberry32(20240501);
	const today = new Date(`${isoDate(new Date())}T00:00:00Z`);
	const people: NewHibobPerson[] = [];
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
	const requests: HibobTimeoffRequest[] = [];
	for (let k = 0; k < REQUESTS; k++) {
		const employeeId = people[Math.floor(rand() * PEOPLE)].id;
		const start = weekday(addDays(today, 1 + Math.floor(rand() * 120)));
		const shape = rand();
		const base = {
			requestId: 50001 + k,
			employeeId,
			policyTypeDisplayName: POLICIES[Math.floor(rand() * POLICIES.length)],
			status: 'approved' as const,
			approved: true,
			approvedBy: 'Bench Approver',
			approvedAt: addDays(today, -1).toISOString(),
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
			companyManagers: [{ user_id: APPROVER, user_email: 'approver@example.com', user_name: 'Bench Approver', role: 'admin' }],
			employments,
		},
	});
	const hibobCredentials = { hiBobApi: { serviceUserId: SERVICE_USER, token: HIBOB_TOKEN, environment: 'custom', customUrl: fakes.hibobUrl } };
	const remoteCredentials = { remoteApi: { apiToken: REMOTE_TOKEN, environment: 'custom', customUrl: fakes.remoteUrl } };

	const runOnce = async () => {
		fakes.hibob.resetCounters();
		fakes.remote.resetCounters();
		const existingBefore = fakes.remote.timeoffs.length;
		// Requests not yet in Remote (no time off carries their marker): each needs exactly one POST.
		const synced = new Set(fakes.remote.timeoffs.map((t) => /HiBob request (\d+)/.exec(t.notes ?? '')?.[1]));
		const toCreate = requests.filter((r) => !synced.has(String(r.requestId))).length;
		const started = Date.now();
		const read = await runExecute(new HiBob(), {
			parameters: { resource: 'timeOff', operation: 'getApproved' },
			credentials: hibobCredentials,
		});
		const readMs = Date.now() - started;
		const sync = await runExecute(new RemoteTimeOff(), {
			parameters: { approverId: APPROVER },
			input: read.output as INodeExecutionData[],
			credentials: remoteCredentials,
		});
		const ms = Date.now() - started;
		const outcomes: Record<string, number> = {};
		for (const item of sync.output) outcomes[String(item.json.outcome)] = (outcomes[String(item.json.outcome)] ?? 0) + 1;
		const hibobCalls = sumCounters(fakes.hibob.counters);
		const remoteCalls = sumCounters(fakes.remote.counters);
		const remoteWrites = fakes.remote.writeCount();
		const employmentPages = Math.ceil(PEOPLE / PAGE);
		const timeoffPages = Math.max(1, Math.ceil(existingBefore / PAGE));
		const minimum = 1 + employmentPages + timeoffPages + 1 + toCreate;
		return {
			items: read.output.length,
			hibobCalls,
			remoteCalls,
			remoteReads: remoteCalls - remoteWrites,
			remoteWrites,
			totalCalls: hibobCalls + remoteCalls,
			minimumCalls: minimum,
			created: outcomes.created ?? 0,
			unchanged: outcomes.unchanged ?? 0,
			skipped: outcomes.skipped ?? 0,
			failed: outcomes.failed ?? 0,
			readMs,
			ms,
		};
	};

	try {
		const first = await runOnce();
		const second = await runOnce();
		const result: Record<string, number | string> = {
			people: PEOPLE,
			requests: REQUESTS,
			minimumFormula: 'HiBob reads (1 whosout) + ceil(employments/100) + time-off list pages + 1 manager list + 1 POST per created request',
		};
		for (const [key, value] of Object.entries(first)) result[`run1_${key}`] = value;
		for (const [key, value] of Object.entries(second)) result[`run2_${key}`] = value;
		result.run1_overMinimum = first.totalCalls - first.minimumCalls;
		result.run2_overMinimum = second.totalCalls - second.minimumCalls;
		result.remoteTimeoffsAfter = fakes.remote.timeoffs.length;
		return result;
	} finally {
		await fakes.close();
	}
}

if (require.main === module) {
	benchTimeOff()
		.then((result) => {
			console.log(JSON.stringify(result, null, 2));
		})
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}
