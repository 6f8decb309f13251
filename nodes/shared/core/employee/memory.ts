/**
 * The employee sync's rules about what a run remembers and who needs a human (R1, R4): which people
 * are in sync (so the next run need not read their employment again), which held-back differences
 * may be remembered, who needs SSN and salary read from HiBob, and which results someone must act on.
 * Pure: the node keeps what it remembers in n8n's deduplication store (see memoryKeys).
 */
import { fingerprint, isFingerprint } from '../fingerprint';
import type { MatchResult } from '../match';
import type { HeldBackField } from '../outcome';
import type { Person } from '../person';
import type { Lookups, Plan, PlanOptions, SensitiveValues } from './common';
import { heldBackReason, statusFamily } from './common';
import { formChangeField } from './forms';

/** Held-back reasons that stay true while nothing they depend on changes (they are in the fingerprint). */
export const REMEMBERABLE_HELD = new Set([
	'needs_contract_amendment',
	'not_updatable_via_api',
	'supervisor_not_a_remote_manager',
	'department_not_in_remote',
	// The status is in the fingerprint: once onboarding ends, the person is read again.
	'onboarding_in_progress',
]);

/** Reasons that need nobody to act: they report a fact or a wait that resolves by itself. */
export const NO_ACTION_REASONS = new Set([
	'created',
	'created_incomplete',
	'updated',
	'in_sync',
	'not_flagged_for_sync',
	'not_updatable_via_api',
	'onboarding_in_progress',
	'contract_amendment_submitted',
	'contract_amendment_pending',
	'employment_not_active',
]);

/** Whether a person's result belongs in the summary's list of people someone has to look at (R1). */
export function needsAHuman(outcome: string, reason: string): boolean {
	return outcome === 'failed' || !NO_ACTION_REASONS.has(reason);
}

/**
 * Whether a person's SSN (USA, not started or new) or annual salary (global payroll, not gone) may be
 * written by this run, so that HiBob's sensitive fields are read for them at all.
 */
export function wantsSensitive(person: Person, match: MatchResult, options: PlanOptions): boolean {
	const family =
		match.kind === 'match'
			? statusFamily(match.employment.status)
			: match.kind === 'none'
				? 'new'
				: 'none';
	const ssn =
		options.syncSsn &&
		person.countryCode === 'USA' &&
		(family === 'new' || family === 'not_started');
	const salary =
		options.syncSalary &&
		person.kind === 'global_payroll_employee' &&
		(family === 'new' || family === 'not_started' || family === 'active');
	return ssn || salary;
}

/** What earlier versions kept per HiBob id in static data: the fingerprint, with what was held back (`h`). */
export type RememberedEntry = string | { f: string; h?: HeldBackField[] };

/** The static-data entries of earlier versions with keyed fingerprints; anything else is dropped. */
export function currentEntries(value: unknown): Record<string, RememberedEntry> {
	const out: Record<string, RememberedEntry> = {};
	if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
	for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
		if (isFingerprint(entry)) out[id] = entry as string;
		else if (entry && typeof entry === 'object' && isFingerprint((entry as { f?: unknown }).f))
			out[id] = entry as RememberedEntry;
	}
	return out;
}

/**
 * What must stay the same for a person's last result to still hold: their HiBob values, the
 * employment, and the Remote manager and department their supervisor and department resolve to.
 */
export function personFingerprint(
	key: Buffer,
	person: Person,
	employmentId: string,
	status: unknown,
	sensitive: SensitiveValues | undefined,
	lookups: Lookups,
): string {
	const { warnings: _w, missingFields: _m, raw: _r, ...values } = person;
	const manager = person.supervisorEmail
		? (lookups.managers.get(person.supervisorEmail.toLowerCase()) ?? null)
		: null;
	const department = person.department
		? (lookups.departments.get(person.department.trim().toLowerCase())?.id ?? null)
		: null;
	return fingerprint(key, {
		values,
		employmentId,
		status: status ?? null,
		sensitive: sensitive ?? null,
		manager,
		department,
	});
}

/**
 * Whether a plan's result may be remembered: the person is in sync, or in sync except for differences
 * that stay true while nothing changes. A submitted or pending contract amendment is re-checked.
 */
export function isSettled(plan: Plan): boolean {
	// U3: an onboarding person is settled even with nothing waiting (the status is in the fingerprint).
	const heldOnly =
		plan.outcome === 'skipped' &&
		(plan.heldBack.length > 0 || plan.reason === 'onboarding_in_progress') &&
		REMEMBERABLE_HELD.has(plan.reason);
	return (
		(plan.outcome === 'unchanged' ||
			plan.outcome === 'updated' ||
			plan.outcome === 'created' ||
			heldOnly) &&
		!plan.reason.startsWith('contract_amendment') &&
		plan.heldBack.every((h) => REMEMBERABLE_HELD.has(h.reason))
	);
}

/**
 * What must stay the same for a held-back result to still hold without reading the employment: the
 * person's fingerprint and what the employment list shows of the differences (the values held back
 * in the full employment are not kept; the fingerprint covers the HiBob side of them).
 */
export function heldBackFingerprint(
	key: Buffer,
	personFp: string,
	list: { listDiffs: unknown[]; needsExternalId: boolean },
): string {
	return fingerprint(key, {
		personFp,
		listDiffs: list.listDiffs,
		needsExternalId: list.needsExternalId,
	});
}

/**
 * What the employment list will show of the differences once this run's writes are done: the
 * fields it wrote no longer differ, nor does the external_id when it was written.
 */
export function listAfterWrites(
	list: { listDiffs: Array<{ field: string }>; needsExternalId: boolean },
	written: Array<{ field: string }>,
): { listDiffs: Array<{ field: string }>; needsExternalId: boolean } {
	// A create names its basic information as the form does (basic_information.name): as the list does.
	const fields = new Set(
		written.map(({ field }) =>
			field.startsWith('basic_information.')
				? formChangeField('basic_information', field.slice('basic_information.'.length))
				: field,
		),
	);
	return {
		listDiffs: list.listDiffs.filter((d) => !fields.has(d.field)),
		needsExternalId: list.needsExternalId && !fields.has('external_id'),
	};
}

/** The reason a settled held-back result is remembered under (reported again when recalled). */
export function rememberedReason(plan: Plan, employmentStatus: unknown): string {
	return statusFamily(employmentStatus) === 'onboarding'
		? 'onboarding_in_progress'
		: heldBackReason(plan.heldBack);
}

/**
 * The results this person can have been remembered with, most likely first: `null` for in sync (only
 * when the employment list shows no difference: `listClean`), or the reason of a held-back result
 * (onboarding; the department or manager Remote lacks, when the lookups say so; a contract amendment,
 * for an active employment; a field Remote's API does not update). The memory is looked up for the likeliest first: a name looked
 * for and not found costs the store a write and a removal.
 */
export function rememberableResults(
	person: Person,
	employmentStatus: unknown,
	lookups: Lookups,
	listClean: boolean,
): Array<string | null> {
	const inSync = listClean ? [null] : [];
	const family = statusFamily(employmentStatus);
	if (family === 'onboarding') return ['onboarding_in_progress', ...inSync];
	const department =
		!!person.department && !lookups.departments.has(person.department.trim().toLowerCase());
	const supervisor =
		!!person.supervisorEmail && !lookups.managers.has(person.supervisorEmail.toLowerCase());
	const likely: Array<string | null> = [
		...(department ? ['department_not_in_remote'] : []),
		...inSync,
		// Only an active employment's differences wait for a contract amendment (U6).
		...(family === 'active' ? ['needs_contract_amendment'] : []),
		'not_updatable_via_api',
		...(supervisor ? ['supervisor_not_a_remote_manager'] : []),
	];
	return [...new Set(likely)];
}
