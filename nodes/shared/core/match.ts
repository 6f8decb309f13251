/**
 * Matching a HiBob person to a Remote employment (M1–M3): a pure function over the employment
 * list, indexed once per run so 10,000 people match in linear time.
 */
import type { Person } from './person';

export interface RemoteEmployment {
	id: string;
	status?: string | null;
	type?: string | null;
	full_name?: string | null;
	job_title?: string | null;
	login_email?: string | null;
	personal_email?: string | null;
	work_email?: string | null;
	external_id?: string | null;
	department?: string | null;
	department_id?: string | null;
	country?: { code?: string | null } | null;
	[key: string]: unknown;
}

export type MatchResult =
	| { kind: 'none' }
	| { kind: 'match'; employment: RemoteEmployment; by: MatchStep }
	| { kind: 'ambiguous'; candidates: RemoteEmployment[]; by: MatchStep }
	| { kind: 'archived'; employment: RemoteEmployment; by: MatchStep }
	/** An earlier run synced the person, and nothing Remote lists matches them now (U8). */
	| { kind: 'vanished'; by: 'earlier_run' };

export type MatchStep = 'external_id' | 'work_email' | 'personal_email' | 'earlier_run';

const GONE = new Set(['archived', 'deleted']);

const key = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '');

export interface EmploymentIndex {
	byExternalId: Map<string, RemoteEmployment[]>;
	byEmail: Map<string, RemoteEmployment[]>;
}

function add(map: Map<string, RemoteEmployment[]>, k: string, employment: RemoteEmployment) {
	if (!k) return;
	const list = map.get(k);
	if (!list) map.set(k, [employment]);
	else if (!list.includes(employment)) list.push(employment);
}

export function indexEmployments(employments: RemoteEmployment[]): EmploymentIndex {
	const byExternalId = new Map<string, RemoteEmployment[]>();
	const byEmail = new Map<string, RemoteEmployment[]>();
	for (const employment of employments) {
		if (employment.external_id !== undefined && employment.external_id !== null) {
			add(byExternalId, String(employment.external_id).trim(), employment);
		}
		for (const email of [
			employment.work_email,
			employment.personal_email,
			employment.login_email,
		]) {
			add(byEmail, key(email), employment);
		}
	}
	return { byExternalId, byEmail };
}

/**
 * M1: external_id = HiBob id, then the HiBob work email, then the personal email, each compared
 * with the work, personal and login email of every employment (trimmed, lower-cased).
 * M2: several candidates at the first step that finds any → ambiguous. M3: the only match is
 * archived or deleted → archived.
 */
export function matchPerson(
	person: Pick<Person, 'hibobId' | 'workEmail' | 'personalEmail'>,
	index: EmploymentIndex,
): MatchResult {
	const steps: Array<[MatchStep, RemoteEmployment[] | undefined]> = [
		['external_id', index.byExternalId.get(person.hibobId)],
		['work_email', person.workEmail ? index.byEmail.get(key(person.workEmail)) : undefined],
		[
			'personal_email',
			person.personalEmail ? index.byEmail.get(key(person.personalEmail)) : undefined,
		],
	];
	for (const [by, candidates] of steps) {
		if (!candidates || candidates.length === 0) continue;
		if (candidates.length > 1) return { kind: 'ambiguous', candidates, by };
		const employment = candidates[0];
		if (GONE.has(String(employment.status ?? '').toLowerCase()))
			return { kind: 'archived', employment, by };
		return { kind: 'match', employment, by };
	}
	return { kind: 'none' };
}

/**
 * U8/R6: a person nothing in Remote's list matches, whom an earlier run matched or created an
 * employment for. Remote lists every employment except deleted ones, so that employment was deleted
 * (or no longer matches: its external ID and emails changed); creating the person again would
 * duplicate them. Otherwise the match stands.
 */
export function withEarlierRun(match: MatchResult, linkedBefore: boolean): MatchResult {
	return match.kind === 'none' && linkedBefore ? { kind: 'vanished', by: 'earlier_run' } : match;
}
