/**
 * The employee sync's rules about remembering and "needs a human", as pure core functions
 * (nodes/shared/core/employee/memory.ts). The node-level behaviour they drive is proven in
 * test/employees.test.ts (R4 remembered runs, R1 summary); these pin the rules themselves.
 */
import type { Plan, PlanOptions } from '../nodes/shared/core/employee/plan';
import {
	currentEntries,
	isSettled,
	needsAHuman,
	personFingerprint,
	rememberableResults,
	wantsSensitive,
} from '../nodes/shared/core/employee/memory';
import {
	hoursBetween,
	inSyncKey,
	linkKeys,
	minutesOf,
	stampNames,
} from '../nodes/shared/core/memoryKeys';
import { fingerprintKey } from '../nodes/shared/core/fingerprint';
import type { MatchResult, RemoteEmployment } from '../nodes/shared/core/match';
import type { Person } from '../nodes/shared/core/person';

const options: PlanOptions = { today: '2030-01-15', syncSsn: true, syncSalary: true };

function person(overrides: Partial<Person> = {}): Person {
	return {
		hibobId: '101',
		kind: 'employee',
		countryCode: 'USA',
		fullName: 'Ada Lovelace',
		...overrides,
	} as Person;
}

function matched(status: string): MatchResult {
	return {
		kind: 'match',
		by: 'external_id',
		employment: { id: 'emp-1', status } as RemoteEmployment,
	} as MatchResult;
}

const none = { kind: 'none' } as MatchResult;

function plan(overrides: Partial<Plan> = {}): Plan {
	return {
		hibobId: '101',
		remoteEmploymentId: 'emp-1',
		kind: 'employee',
		outcome: 'unchanged',
		reason: 'in_sync',
		message: '',
		changes: [],
		heldBack: [],
		actions: [],
		requests: [],
		...overrides,
	};
}

describe('who needs SSN and salary read from HiBob', () => {
	it('R4: SSN only for people in the USA who are new or not started; never when the option is off', () => {
		expect(wantsSensitive(person(), none, options)).toBe(true);
		expect(wantsSensitive(person(), matched('created'), options)).toBe(true);
		expect(wantsSensitive(person(), matched('active'), options)).toBe(false);
		expect(wantsSensitive(person(), matched('invited'), options)).toBe(false);
		expect(wantsSensitive(person({ countryCode: 'DEU' }), none, options)).toBe(false);
		expect(wantsSensitive(person(), none, { ...options, syncSsn: false })).toBe(false);
	});

	it('R4: salary only for global payroll employees who are new, not started or active', () => {
		const gp = person({ kind: 'global_payroll_employee', countryCode: 'DEU' });
		expect(wantsSensitive(gp, none, options)).toBe(true);
		expect(wantsSensitive(gp, matched('active'), options)).toBe(true);
		expect(wantsSensitive(gp, matched('pending'), options)).toBe(false);
		expect(wantsSensitive(gp, matched('archived'), options)).toBe(false);
		expect(wantsSensitive(gp, { kind: 'ambiguous' } as MatchResult, options)).toBe(false);
		expect(wantsSensitive(gp, none, { ...options, syncSalary: false })).toBe(false);
	});
});

describe('what a run remembers', () => {
	it('R4: in sync, updated and created people are remembered; failures and submitted amendments are not', () => {
		expect(isSettled(plan())).toBe(true);
		expect(isSettled(plan({ outcome: 'updated', reason: 'updated' }))).toBe(true);
		expect(isSettled(plan({ outcome: 'created', reason: 'created' }))).toBe(true);
		expect(isSettled(plan({ outcome: 'failed', reason: 'remote_api_error' }))).toBe(false);
		expect(isSettled(plan({ outcome: 'updated', reason: 'contract_amendment_submitted' }))).toBe(
			false,
		);
	});

	it('R4: a person skipped only for differences that stay true is remembered; any other held-back reason is read again', () => {
		const held = [{ field: 'job_title', reason: 'needs_contract_amendment', from: 'A', to: 'B' }];
		expect(
			isSettled(plan({ outcome: 'skipped', reason: 'needs_contract_amendment', heldBack: held })),
		).toBe(true);
		expect(
			isSettled(
				plan({
					outcome: 'skipped',
					reason: 'onboarding_in_progress',
					heldBack: [{ field: 'x', reason: 'onboarding_in_progress' }],
				}),
			),
		).toBe(true);
		expect(
			isSettled(
				plan({
					outcome: 'skipped',
					reason: 'remote_schema_invalid',
					heldBack: [{ field: 'x', reason: 'remote_schema_invalid' }],
				}),
			),
		).toBe(false);
		expect(
			isSettled(
				plan({
					outcome: 'updated',
					reason: 'updated',
					heldBack: [{ field: 'x', reason: 'remote_refused' }],
				}),
			),
		).toBe(false);
		expect(isSettled(plan({ outcome: 'skipped', reason: 'terminated_in_hibob' }))).toBe(false);
	});

	it('R4/U8: the names kept in n8n’s store: one per person and fingerprint, one per person linked, a time as its hour and minute', () => {
		const fp = 'a'.repeat(32);
		expect(inSyncKey('101', fp)).toBe(`s:101:${fp}`);
		expect(inSyncKey('101', 'b'.repeat(32))).not.toBe(inSyncKey('101', fp));
		expect(inSyncKey('102', fp)).not.toBe(inSyncKey('101', fp));
		expect(linkKeys('101')).toEqual(['l:101', 'L:101']);
		expect(stampNames('ok', Date.parse('2026-12-04T11:59:30Z'))).toEqual([
			'ok:2026-12-04T11',
			'ok:2026-12-04T11:59',
		]);
		const hours = hoursBetween(Date.parse('2026-12-31T22:30Z'), Date.parse('2027-01-01T00:10Z'));
		expect(hours.map((h) => new Date(h).toISOString())).toEqual([
			'2027-01-01T00:00:00.000Z',
			'2026-12-31T23:00:00.000Z',
			'2026-12-31T22:00:00.000Z',
		]);
		expect(hoursBetween(Date.parse('2026-12-04T12:00Z'), Date.parse('2026-12-04T11:00Z'))).toEqual(
			[],
		);
		const minutes = minutesOf(Date.parse('2026-12-04T11:00Z'));
		expect(minutes).toHaveLength(60);
		expect(new Date(minutes[0]).toISOString()).toBe('2026-12-04T11:59:00.000Z');
		expect(new Date(minutes[59]).toISOString()).toBe('2026-12-04T11:00:00.000Z');
	});

	it('R4: the results looked for in the memory: in sync only when the list shows no difference; a contract amendment only for an active employment; what the lookups say first', () => {
		const lookups = { managers: new Map(), departments: new Map() };
		const p = person({ department: 'Data', supervisorEmail: 'boss@example.com' });
		expect(rememberableResults(person(), 'active', lookups, true)).toEqual([
			null,
			'needs_contract_amendment',
			'not_updatable_via_api',
		]);
		expect(rememberableResults(person(), 'active', lookups, false)).not.toContain(null);
		expect(rememberableResults(person(), 'created', lookups, true)).not.toContain(
			'needs_contract_amendment',
		);
		expect(rememberableResults(p, 'active', lookups, true)).toEqual([
			'department_not_in_remote',
			null,
			'needs_contract_amendment',
			'not_updatable_via_api',
			'supervisor_not_a_remote_manager',
		]);
		expect(rememberableResults(p, 'invited', lookups, true)).toEqual([
			'onboarding_in_progress',
			null,
		]);
	});

	it('R1: only keyed fingerprints survive from the static data of earlier versions; anything else is dropped', () => {
		const fp = 'c'.repeat(32);
		expect(
			currentEntries({ a: fp, b: { f: fp, h: [] }, c: 'plain-old-hash', d: { f: 'x' }, e: 42 }),
		).toEqual({ a: fp, b: { f: fp, h: [] } });
		expect(currentEntries(undefined)).toEqual({});
		expect(currentEntries([fp])).toEqual({});
	});

	it('R1: the fingerprint is keyed (another key, another fingerprint) and follows the manager the supervisor resolves to', () => {
		const lookups = { managers: new Map([['boss@example.com', 'user-1']]), departments: new Map() };
		const p = person({ supervisorEmail: 'boss@example.com' });
		const key = fingerprintKey('employee', 'token-a');
		const first = personFingerprint(key, p, 'emp-1', 'active', undefined, lookups);
		expect(first).toMatch(/^[0-9a-f]{32}$/);
		expect(personFingerprint(key, p, 'emp-1', 'active', undefined, lookups)).toBe(first);
		expect(
			personFingerprint(
				fingerprintKey('employee', 'token-b'),
				p,
				'emp-1',
				'active',
				undefined,
				lookups,
			),
		).not.toBe(first);
		const moved = { managers: new Map([['boss@example.com', 'user-2']]), departments: new Map() };
		expect(personFingerprint(key, p, 'emp-1', 'active', undefined, moved)).not.toBe(first);
		expect(personFingerprint(key, p, 'emp-1', 'pending', undefined, lookups)).not.toBe(first);
	});
});

describe('who needs a human', () => {
	it('R1: failures and reasons someone must act on are listed; facts and waits that resolve themselves are not', () => {
		expect(needsAHuman('failed', 'updated')).toBe(true);
		expect(needsAHuman('skipped', 'ambiguous_match')).toBe(true);
		expect(needsAHuman('skipped', 'needs_contract_amendment')).toBe(true);
		expect(needsAHuman('skipped', 'remote_schema_invalid')).toBe(true);
		for (const reason of [
			'created',
			'updated',
			'in_sync',
			'onboarding_in_progress',
			'contract_amendment_pending',
			'employment_not_active',
			'not_flagged_for_sync',
		]) {
			expect(needsAHuman('skipped', reason)).toBe(false);
		}
	});
});
