import { mergeTimeOff, normaliseTimeOff, toUtcIso } from '../nodes/shared/core/hibobTimeoff';
import type { TimeOffRequest } from '../nodes/shared/core/hibobTimeoff';
import {
	buildTimeoffDays,
	dateWindow,
	DO_NOT_SYNC,
	indexByMarker,
	mapPolicyType,
	markerIds,
	markerNote,
	planTimeOff,
	timeOffNeedsAHuman,
} from '../nodes/shared/core/timeoff';
import { todayIn } from '../nodes/shared/core/today';
import type {
	RemoteEmploymentLite,
	RemoteTimeoffLite,
	TimeOffContext,
} from '../nodes/shared/core/timeoff';
import { DateTime } from 'luxon';

function req(overrides: Partial<TimeOffRequest> = {}): TimeOffRequest {
	return {
		requestId: '1001',
		employeeId: 'E1',
		policyType: 'Holiday',
		unit: 'days',
		type: 'days',
		startDate: '2030-03-04', // a Monday
		endDate: '2030-03-08', // Friday
		startPortion: 'all_day',
		endPortion: 'all_day',
		status: 'approved',
		...overrides,
	};
}

const activeEmployee: RemoteEmploymentLite = {
	id: 'emp-1',
	status: 'active',
	type: 'employee',
	external_id: 'E1',
};

function ctx(
	overrides: Partial<TimeOffContext> = {},
	options: Partial<TimeOffContext['options']> = {},
): TimeOffContext {
	return {
		employments: [activeEmployee],
		existing: [],
		today: '2030-03-01',
		now: '2030-03-01T09:00:00.000Z',
		options: {
			mapping: [],
			approverId: 'mgr-1',
			timezone: 'Europe/Berlin',
			includeSinceJanuary: false,
			dryRun: false,
			...options,
		},
		...overrides,
	};
}

function synced(requestId: string, status = 'approved', id = `to-${requestId}`): RemoteTimeoffLite {
	return {
		id,
		employment_id: 'emp-1',
		status,
		notes: `HiBob request ${requestId} (Holiday), synced by n8n.`,
	};
}

describe('HiBob time-off normaliser', () => {
	it('reads a changes-feed row (startPortion, changeType Created, numeric requestId)', () => {
		const r = normaliseTimeOff({
			changeType: 'Created',
			employeeId: '3332883884017713938',
			employeeEmail: 'ann@example.com',
			requestId: 12345,
			policyTypeDisplayName: 'Holiday',
			type: 'days',
			startDate: '2030-03-04',
			startPortion: 'morning',
			endDate: '2030-03-05',
			endPortion: 'all_day',
			durationUnit: 'days',
		});
		expect(r).toEqual({
			ok: true,
			request: expect.objectContaining({
				requestId: '12345',
				employeeId: '3332883884017713938',
				employeeEmail: 'ann@example.com',
				policyType: 'Holiday',
				unit: 'days',
				status: 'approved',
				startPortion: 'morning',
				endPortion: 'all_day',
			}),
		});
	});

	it('reads request details (startDatePortion, status disapproved → declined, approvedAt → UTC)', () => {
		const r = normaliseTimeOff({
			requestId: 7,
			employeeId: 'E1',
			policyTypeDisplayName: 'Sick',
			type: 'days',
			startDate: '2030-03-04',
			startDatePortion: 'all_day',
			endDate: '2030-03-04',
			endDatePortion: 'afternoon',
			status: 'disapproved',
			approvedAt: '2030-03-01T10:00:00+02:00',
			previousRequestId: 6,
		});
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.request.status).toBe('declined');
		expect(r.request.endPortion).toBe('afternoon');
		expect(r.request.approvedAt).toBe('2030-03-01T08:00:00.000Z');
		expect(r.request.previousRequestId).toBe('6');
	});

	it.each([
		['canceled', 'cancelled'],
		['Cancelled', 'cancelled'],
		['CANCELED', 'cancelled'],
		['deleted', 'deleted'],
		['Pending', 'pending'],
		['Approved', 'approved'],
	])('accepts status spelling %s', (word, status) => {
		const r = normaliseTimeOff({
			requestId: 1,
			employeeId: 'E',
			policyType: 'Holiday',
			startDate: '2030-01-01',
			endDate: '2030-01-01',
			status: word,
		});
		expect(r.ok && r.request.status).toBe(status);
	});

	it.each([
		['Created', 'approved'],
		['Canceled', 'cancelled'],
		['Deleted', 'deleted'],
		['Pending', 'pending'],
	])('maps changeType %s', (changeType, status) => {
		const r = normaliseTimeOff({
			requestId: 1,
			employeeId: 'E',
			policyTypeDisplayName: 'Holiday',
			startDate: '2030-01-01',
			endDate: '2030-01-01',
			changeType,
		});
		expect(r.ok && r.request.status).toBe(status);
	});

	it('reads a whosout hour row (date + hoursOnDate, status Approved)', () => {
		const r = normaliseTimeOff({
			requestId: 99,
			employeeId: 'E1',
			policyType: 'Doctor',
			policyTypeDisplayName: 'Doctor visit',
			type: 'hours',
			date: '2030-03-05',
			hoursOnDate: 3,
			status: 'Approved',
		});
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.request).toMatchObject({
			unit: 'hours',
			startDate: '2030-03-05',
			endDate: '2030-03-05',
			hoursOnDate: 3,
			policyType: 'Doctor',
		});
	});

	it('adds minutes to hours as a fraction (so T6 can refuse them)', () => {
		const r = normaliseTimeOff({
			requestId: 1,
			employeeId: 'E',
			policyType: 'X',
			type: 'hours',
			date: '2030-03-05',
			hours: 2,
			minutes: 30,
			status: 'approved',
		});
		expect(r.ok && r.request.hoursOnDate).toBe(2.5);
	});

	it('the most final status wins when a row carries both status and changeType', () => {
		const r = normaliseTimeOff({
			requestId: 1,
			employeeId: 'E',
			policyType: 'X',
			startDate: '2030-01-01',
			endDate: '2030-01-01',
			status: 'approved',
			changeType: 'Canceled',
		});
		expect(r.ok && r.request.status).toBe('cancelled');
	});

	it('a cancelled row may come without dates or type (e.g. a deleted request)', () => {
		const r = normaliseTimeOff({ requestId: 5, employeeId: 'E', changeType: 'Deleted' });
		expect(r).toEqual({
			ok: true,
			request: expect.objectContaining({ status: 'deleted', startDate: '', policyType: '' }),
		});
	});

	it('re-normalising a normalised request gives the same request', () => {
		const first = normaliseTimeOff({
			requestId: 3,
			employeeId: 'E',
			policyType: 'Holiday',
			type: 'hoursOnRange',
			startDate: '2030-01-01',
			endDate: '2030-01-03',
			dailyHours: 6,
			status: 'approved',
			timeZone: 'Europe/Paris',
		});
		expect(first.ok).toBe(true);
		if (!first.ok) return;
		const second = normaliseTimeOff(JSON.parse(JSON.stringify(first.request)));
		expect(second).toEqual(first);
	});

	it.each([
		[null, /not a HiBob time-off request/],
		[{ employeeId: 'E', status: 'approved' }, /no requestId/],
		[{ requestId: 1, status: 'approved', startDate: '2030-01-01' }, /no employeeId/],
		[
			{
				requestId: 1,
				employeeId: 'E',
				policyType: 'X',
				startDate: '2030-01-01',
				endDate: '2030-01-01',
			},
			/no status/,
		],
		[
			{
				requestId: 1,
				employeeId: 'E',
				policyType: 'X',
				startDate: '2030-01-01',
				endDate: '2030-01-01',
				status: 'weird',
			},
			/unknown status "weird"/,
		],
		[
			{
				requestId: 1,
				employeeId: 'E',
				policyType: 'X',
				startDate: '01/02/2030',
				endDate: '2030-01-01',
				status: 'approved',
			},
			/invalid startDate/,
		],
		[
			{ requestId: 1, employeeId: 'E', policyType: 'X', status: 'approved' },
			/no start or end date/,
		],
		[
			{
				requestId: 1,
				employeeId: 'E',
				startDate: '2030-01-01',
				endDate: '2030-01-01',
				status: 'approved',
			},
			/no policy type/,
		],
		[
			{
				requestId: 1,
				employeeId: 'E',
				policyType: 'X',
				startDate: '2030-01-03',
				endDate: '2030-01-01',
				status: 'approved',
			},
			/ends .* before it starts/,
		],
		[
			{
				requestId: 1,
				employeeId: 'E',
				policyType: 'X',
				startDate: '2030-01-01',
				endDate: '2030-01-01',
				status: 'approved',
				startPortion: 'evening',
			},
			/unknown start portion/,
		],
		[{ requestId: { a: 1 }, employeeId: 'E' }, /requestId/],
		[
			{
				requestId: 1,
				employeeId: 'E',
				policyType: 'X',
				type: 'hours',
				date: '2030-01-01',
				hoursOnDate: 'many',
				status: 'approved',
			},
			/hoursOnDate/,
		],
	])('an unusable row gives a reason, not an exception (%#)', (row, reason) => {
		const r = normaliseTimeOff(row);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.reason).toMatch(reason);
	});

	it('merging a Created and a Canceled row of one request keeps the dates and the cancellation, whatever the order', () => {
		const created = normaliseTimeOff({
			requestId: 1,
			employeeId: 'E',
			policyTypeDisplayName: 'Holiday',
			startDate: '2030-01-07',
			endDate: '2030-01-08',
			changeType: 'Created',
		});
		const cancelled = normaliseTimeOff({ requestId: 1, employeeId: 'E', changeType: 'Canceled' });
		if (!created.ok || !cancelled.ok) throw new Error('fixture');
		for (const merged of [
			mergeTimeOff(created.request, cancelled.request),
			mergeTimeOff(cancelled.request, created.request),
		]) {
			expect(merged).toMatchObject({
				status: 'cancelled',
				startDate: '2030-01-07',
				policyType: 'Holiday',
			});
		}
	});

	it('toUtcIso takes a time without offset as UTC', () => {
		expect(toUtcIso('2030-03-01T10:00:00')).toBe('2030-03-01T10:00:00.000Z');
		expect(toUtcIso('2030-03-01 10:00:00')).toBe('2030-03-01T10:00:00.000Z');
		expect(toUtcIso('nonsense')).toBeUndefined();
	});
});

describe('T6: the day builder', () => {
	it('T6: a full-day week gives 8 hours on each of five days', () => {
		const r = buildTimeoffDays(req());
		expect(r).toEqual({
			ok: true,
			days: ['2030-03-04', '2030-03-05', '2030-03-06', '2030-03-07', '2030-03-08'].map((day) => ({
				day,
				hours: 8,
			})),
		});
	});

	it('T6: a half day morning gives 4 hours on that day', () => {
		const r = buildTimeoffDays(
			req({
				startDate: '2030-03-05',
				endDate: '2030-03-05',
				startPortion: 'morning',
				endPortion: 'morning',
			}),
		);
		expect(r).toEqual({ ok: true, days: [{ day: '2030-03-05', hours: 4 }] });
	});

	it('T6: an afternoon on the first day and a morning on the last give 4 hours on each, 8 between', () => {
		const r = buildTimeoffDays(
			req({
				startDate: '2030-03-04',
				endDate: '2030-03-06',
				startPortion: 'afternoon',
				endPortion: 'morning',
			}),
		);
		expect(r.ok && r.days).toEqual([
			{ day: '2030-03-04', hours: 4 },
			{ day: '2030-03-05', hours: 8 },
			{ day: '2030-03-06', hours: 4 },
		]);
	});

	it('T6: a range across a weekend leaves Saturday and Sunday out', () => {
		const r = buildTimeoffDays(req({ startDate: '2030-03-07', endDate: '2030-03-12' }));
		expect(r.ok && r.days.map((d) => d.day)).toEqual([
			'2030-03-07',
			'2030-03-08',
			'2030-03-11',
			'2030-03-12',
		]);
	});

	it('T6: an hour request gives its hours on its day', () => {
		const r = buildTimeoffDays(
			req({
				type: 'hours',
				unit: 'hours',
				startDate: '2030-03-05',
				endDate: '2030-03-05',
				hoursOnDate: 3,
			}),
		);
		expect(r).toEqual({ ok: true, days: [{ day: '2030-03-05', hours: 3 }] });
	});

	it('T6: hoursOnRange gives the daily hours on each working day', () => {
		const r = buildTimeoffDays(
			req({
				type: 'hoursOnRange',
				unit: 'hours',
				startDate: '2030-03-08',
				endDate: '2030-03-11',
				dailyHours: 2,
			}),
		);
		expect(r.ok && r.days).toEqual([
			{ day: '2030-03-08', hours: 2 },
			{ day: '2030-03-11', hours: 2 },
		]);
	});

	it('T6: portionOnRange gives 4 hours every working day', () => {
		const r = buildTimeoffDays(
			req({
				type: 'portionOnRange',
				dayPortion: 'morning',
				startDate: '2030-03-04',
				endDate: '2030-03-05',
			}),
		);
		expect(r.ok && r.days).toEqual([
			{ day: '2030-03-04', hours: 4 },
			{ day: '2030-03-05', hours: 4 },
		]);
	});

	it('T6: a fraction of an hour is timeoff_hours_unsupported, naming the day', () => {
		const r = buildTimeoffDays(
			req({
				type: 'hours',
				unit: 'hours',
				startDate: '2030-03-05',
				endDate: '2030-03-05',
				hoursOnDate: 2.5,
			}),
		);
		expect(r).toMatchObject({ ok: false, reason: 'timeoff_hours_unsupported', day: '2030-03-05' });
		expect(!r.ok && r.message).toMatch(/2\.5 hours on 2030-03-05/);
	});

	it('T6: more than 8 hours a day is timeoff_hours_unsupported, naming the day', () => {
		const r = buildTimeoffDays(
			req({
				type: 'hoursOnRange',
				unit: 'hours',
				startDate: '2030-03-04',
				endDate: '2030-03-05',
				dailyHours: 10,
			}),
		);
		expect(r).toMatchObject({ ok: false, reason: 'timeoff_hours_unsupported', day: '2030-03-04' });
	});

	it('T6: a weekend-only range is no_working_days', () => {
		const r = buildTimeoffDays(req({ startDate: '2030-03-09', endDate: '2030-03-10' }));
		expect(r).toMatchObject({ ok: false, reason: 'no_working_days' });
	});

	it('T6: fractional hours on a weekend day do not matter (the day is left out)', () => {
		const r = buildTimeoffDays(
			req({ type: 'hoursOnRange', startDate: '2030-03-08', endDate: '2030-03-09', dailyHours: 7 }),
		);
		expect(r.ok && r.days).toEqual([{ day: '2030-03-08', hours: 7 }]);
	});

	it('T6: day-by-day durations are used as sent', () => {
		const r = buildTimeoffDays(
			req({
				type: 'differentSpecificHoursDayDurations',
				startDate: '2030-03-04',
				endDate: '2030-03-05',
				dayDurations: [
					{ date: '2030-03-04', hours: 3 },
					{ date: '2030-03-05', hours: 5 },
				],
			}),
		);
		expect(r.ok && r.days).toEqual([
			{ day: '2030-03-04', hours: 3 },
			{ day: '2030-03-05', hours: 5 },
		]);
	});

	it('T6: a day-by-day type without durations is unsupported_request_type', () => {
		expect(buildTimeoffDays(req({ type: 'DifferentDayDurations' }))).toMatchObject({
			ok: false,
			reason: 'unsupported_request_type',
		});
	});
});

describe('T5: policy type mapping', () => {
	it.each([
		['Holiday', 'paid_time_off'],
		['vacation', 'paid_time_off'],
		['Annual Leave', 'paid_time_off'],
		['PTO', 'paid_time_off'],
		['Sick', 'sick_leave'],
		['Sick leave', 'sick_leave'],
		['Unpaid leave', 'unpaid_leave'],
		['Unpaid parental leave', 'unpaid_leave'],
		['Parental leave', 'parental_leave'],
		['Maternity', 'maternity_leave'],
		['Paternity Leave', 'paternity_leave'],
		['Bereavement', 'bereavement'],
		['Military service', 'military_leave'],
	])('T5: the default maps %s to %s', (hibob, remote) => {
		expect(mapPolicyType(hibob)).toEqual({ remoteType: remote, source: 'default' });
	});

	it('T5: other types are left unmapped', () => {
		expect(mapPolicyType('Work from home')).toEqual({});
		expect(mapPolicyType('Other')).toEqual({});
	});

	it('T5: a user entry wins over the defaults and matches case-insensitively', () => {
		const mapping = [{ hibobType: '  holiday ', remoteType: 'time_off' }];
		expect(mapPolicyType('HOLIDAY', mapping)).toEqual({ remoteType: 'time_off', source: 'user' });
		expect(mapPolicyType('Sick', mapping)).toEqual({ remoteType: 'sick_leave', source: 'default' });
	});

	it('T5: a user entry set to Do Not Sync excludes the type', () => {
		expect(mapPolicyType('Holiday', [{ hibobType: 'Holiday', remoteType: DO_NOT_SYNC }])).toEqual({
			source: 'excluded',
		});
	});
});

describe('T3: markers', () => {
	it('T3: the marker note carries the request id and is read back exactly (12 is not 123)', () => {
		const note = markerNote(req({ requestId: '123' }));
		expect(markerIds(note)).toEqual(['123']);
		const index = indexByMarker([{ id: 'a', notes: note }]);
		expect(index.get('123')?.map((t) => t.id)).toEqual(['a']);
		expect(index.get('12')).toBeUndefined();
		expect(markerIds(null)).toEqual([]);
	});
});

describe('planTimeOff', () => {
	it('T1: no linked employment → skipped employment_not_linked', () => {
		expect(planTimeOff(req(), ctx({ employments: [] }))).toMatchObject({
			outcome: 'skipped',
			reason: 'employment_not_linked',
			actions: [],
		});
	});

	it('T1: a contractor → skipped contractor_no_timeoff', () => {
		const p = planTimeOff(req(), ctx({ employments: [{ ...activeEmployee, type: 'contractor' }] }));
		expect(p).toMatchObject({ outcome: 'skipped', reason: 'contractor_no_timeoff', actions: [] });
	});

	it('T1: an onboarding employment → skipped employment_not_active', () => {
		const p = planTimeOff(req(), ctx({ employments: [{ ...activeEmployee, status: 'invited' }] }));
		expect(p).toMatchObject({ outcome: 'skipped', reason: 'employment_not_active' });
	});

	it('T1: a global payroll employee gets time off', () => {
		const p = planTimeOff(
			req(),
			ctx({ employments: [{ ...activeEmployee, type: 'global_payroll_employee' }] }),
		);
		expect(p).toMatchObject({ outcome: 'created' });
	});

	it('T1: two employments with the same external_id → skipped ambiguous_match', () => {
		const p = planTimeOff(
			req(),
			ctx({ employments: [activeEmployee, { ...activeEmployee, id: 'emp-2' }] }),
		);
		expect(p).toMatchObject({ outcome: 'skipped', reason: 'ambiguous_match', actions: [] });
	});

	it('T2: a pending request → skipped not_approved', () => {
		expect(planTimeOff(req({ status: 'pending' }), ctx())).toMatchObject({
			outcome: 'skipped',
			reason: 'not_approved',
			actions: [],
		});
	});

	it('T2: a request that started yesterday → skipped in_the_past; since 1 January it is created', () => {
		const r = req({ startDate: '2030-02-28', endDate: '2030-03-04' });
		expect(planTimeOff(r, ctx())).toMatchObject({ outcome: 'skipped', reason: 'in_the_past' });
		expect(planTimeOff(r, ctx({}, { includeSinceJanuary: true }))).toMatchObject({
			outcome: 'created',
		});
		expect(
			planTimeOff(
				req({ startDate: '2029-12-31', endDate: '2030-01-02' }),
				ctx({}, { includeSinceJanuary: true }),
			),
		).toMatchObject({
			reason: 'in_the_past',
		});
	});

	it('T2: a request starting today is synced', () => {
		expect(
			planTimeOff(req({ startDate: '2030-03-01', endDate: '2030-03-01' }), ctx()),
		).toMatchObject({ outcome: 'created' });
	});

	it('T3: a request already in Remote → unchanged already_synced, no write', () => {
		const p = planTimeOff(req(), ctx({ existing: [synced('1001')] }));
		expect(p).toMatchObject({
			outcome: 'unchanged',
			reason: 'already_synced',
			actions: [],
			existingTimeoffIds: ['to-1001'],
		});
	});

	it('T3: a synced request cancelled by hand in Remote is not created again', () => {
		const p = planTimeOff(req(), ctx({ existing: [synced('1001', 'cancelled')] }));
		expect(p).toMatchObject({
			outcome: 'skipped',
			reason: 'remote_timeoff_cancelled',
			actions: [],
		});
	});

	it('T4: cancelled in HiBob after it was synced → cancel in Remote (updated, cancelled_in_remote)', () => {
		const p = planTimeOff(req({ status: 'cancelled' }), ctx({ existing: [synced('1001')] }));
		expect(p).toMatchObject({ outcome: 'updated', reason: 'cancelled_in_remote' });
		expect(p.actions).toEqual([expect.objectContaining({ kind: 'cancel', timeoffId: 'to-1001' })]);
		expect(p.requests[0]).toMatchObject({ method: 'POST', path: '/v1/timeoff/to-1001/cancel' });
	});

	it.each(['deleted', 'declined'] as const)('T4: %s after sync → cancel in Remote', (status) => {
		expect(planTimeOff(req({ status }), ctx({ existing: [synced('1001')] }))).toMatchObject({
			outcome: 'updated',
			reason: 'cancelled_in_remote',
		});
	});

	it('T4: cancelled and never synced → skipped, nothing to cancel', () => {
		expect(planTimeOff(req({ status: 'cancelled' }), ctx())).toMatchObject({
			outcome: 'skipped',
			reason: 'not_approved',
			actions: [],
		});
	});

	it('T4: cancelled twice → unchanged already_cancelled', () => {
		expect(
			planTimeOff(req({ status: 'cancelled' }), ctx({ existing: [synced('1001', 'cancelled')] })),
		).toMatchObject({
			outcome: 'unchanged',
			reason: 'already_cancelled',
			actions: [],
		});
	});

	it('T4: a taken time off cannot be cancelled through the API → skipped remote_status_not_cancellable', () => {
		expect(
			planTimeOff(req({ status: 'cancelled' }), ctx({ existing: [synced('1001', 'taken')] })),
		).toMatchObject({
			outcome: 'skipped',
			reason: 'remote_status_not_cancellable',
			actions: [],
		});
	});

	it('T4: a changed request cancels the old Remote time off, then creates the new one', () => {
		const p = planTimeOff(
			req({ requestId: '1002', previousRequestId: '1001' }),
			ctx({ existing: [synced('1001')] }),
		);
		expect(p).toMatchObject({ outcome: 'updated', reason: 'replaced_in_remote' });
		expect(p.actions.map((a) => a.kind)).toEqual(['cancel', 'create']);
		expect(p.actions[0]).toMatchObject({ timeoffId: 'to-1001' });
	});

	it('T4: a changed request whose new version is already in Remote only finishes the cancel (R6)', () => {
		const p = planTimeOff(
			req({ requestId: '1002', previousRequestId: '1001' }),
			ctx({ existing: [synced('1001'), synced('1002')] }),
		);
		expect(p).toMatchObject({ outcome: 'updated', reason: 'replaced_in_remote' });
		expect(p.actions.map((a) => a.kind)).toEqual(['cancel']);
	});

	it('T4: a changed request whose new version cannot be sent leaves the old one alone (no write at all)', () => {
		const p = planTimeOff(
			req({
				requestId: '1002',
				previousRequestId: '1001',
				startDate: '2030-03-09',
				endDate: '2030-03-10',
			}),
			ctx({ existing: [synced('1001')] }),
		);
		expect(p).toMatchObject({
			outcome: 'skipped',
			reason: 'no_working_days',
			actions: [],
			requests: [],
		});
		expect(p.message).toMatch(/left as it is/);
	});

	it('T5: an unmapped type → skipped unmapped_timeoff_type naming the type', () => {
		const p = planTimeOff(req({ policyType: 'Work from home' }), ctx());
		expect(p).toMatchObject({ outcome: 'skipped', reason: 'unmapped_timeoff_type', actions: [] });
		expect(p.message).toContain('"Work from home"');
	});

	it('T6: an unsupported day is refused before any request', () => {
		const p = planTimeOff(
			req({ type: 'hours', startDate: '2030-03-05', endDate: '2030-03-05', hoursOnDate: 1.5 }),
			ctx(),
		);
		expect(p).toMatchObject({
			outcome: 'skipped',
			reason: 'timeoff_hours_unsupported',
			actions: [],
			requests: [],
		});
		expect(p.message).toContain('2030-03-05');
	});

	it('T7: the create body carries approver, HiBob approval time, request timezone and the marker', () => {
		const p = planTimeOff(
			req({ approvedAt: '2030-02-20T08:00:00.000Z', timeZone: 'America/New_York' }),
			ctx(),
		);
		const create = p.actions.find((a) => a.kind === 'create');
		expect(create && create.kind === 'create' && create.body).toMatchObject({
			employment_id: 'emp-1',
			timeoff_type: 'paid_time_off',
			start_date: '2030-03-04',
			end_date: '2030-03-08',
			status: 'approved',
			approver_id: 'mgr-1',
			approved_at: '2030-02-20T08:00:00.000Z',
			timezone: 'America/New_York',
			notes: expect.stringContaining('HiBob request 1001'),
		});
	});

	it('T7: without HiBob approval time or timezone: now and the node option', () => {
		const p = planTimeOff(req(), ctx());
		const body = (p.actions[0] as { body: Record<string, unknown> }).body;
		expect(body.approved_at).toBe('2030-03-01T09:00:00.000Z');
		expect(body.timezone).toBe('Europe/Berlin');
	});
});

describe('helpers', () => {
	it('dateWindow spans every dated request', () => {
		expect(
			dateWindow([
				req(),
				req({ startDate: '2030-01-02', endDate: '2030-01-03' }),
				req({ startDate: '', endDate: '' }),
			]),
		).toEqual({
			from: '2030-01-02',
			to: '2030-03-08',
		});
		expect(dateWindow([])).toBeUndefined();
	});

	it('todayIn uses the timezone', () => {
		const instant = DateTime.fromISO('2030-03-01T23:30:00Z', { zone: 'utc' });
		expect(todayIn('UTC', instant)).toBe('2030-03-01');
		expect(todayIn('Europe/Berlin', instant)).toBe('2030-03-02');
		expect(todayIn('Not/AZone', instant)).toBe('2030-03-01');
	});
});

describe('T1: which employment', () => {
	it('T1: a re-hire (one archived, one active with the same external_id) uses the active one', () => {
		const p = planTimeOff(
			req(),
			ctx({ employments: [{ ...activeEmployee, id: 'old', status: 'archived' }, activeEmployee] }),
		);
		expect(p).toMatchObject({ outcome: 'created', employmentId: 'emp-1' });
	});
});

describe('who needs a human (time off)', () => {
	it('R1: failures and skips someone must act on are listed; not approved and in the past are not', () => {
		expect(timeOffNeedsAHuman('failed', 'remote_error')).toBe(true);
		expect(timeOffNeedsAHuman('skipped', 'no_remote_employment')).toBe(true);
		expect(timeOffNeedsAHuman('skipped', 'invalid_request')).toBe(true);
		expect(timeOffNeedsAHuman('skipped', 'not_approved')).toBe(false);
		expect(timeOffNeedsAHuman('skipped', 'in_the_past')).toBe(false);
		expect(timeOffNeedsAHuman('created', 'created')).toBe(false);
		expect(timeOffNeedsAHuman('unchanged', 'already_in_remote')).toBe(false);
	});
});
