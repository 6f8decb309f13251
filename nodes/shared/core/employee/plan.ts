/**
 * The sync decision for one person (rules E, M, N, U and R): a pure function of the HiBob person,
 * the Remote match (and, when needed, the full employment or the country schemas), today and the
 * options. It returns a plan: outcome, reason, sentence, field changes, what was held back, and the
 * exact requests to send. It performs no I/O; when it needs more data it says which (`needs`).
 */
import type { PlanInput, PlanStep } from './common';
import { result } from './common';
import { planCreate } from './create';
import { planUpdate } from './update';

export * from './actions';
export * from './common';
export { listDifferences } from './update';

/**
 * Plans one person. Call it with what the previous step asked for (detail, schemas) until it
 * answers `done`.
 */
export function planEmployee(input: PlanInput): PlanStep {
	const { person, match } = input;
	const kind = person.kind;
	if (!kind) {
		return result(
			input,
			'skipped',
			'not_flagged_for_sync',
			'The "Sync to Remote" field is empty for this person in HiBob.',
		);
	}
	if (match.kind === 'ambiguous') {
		const ids = match.candidates.map((c) => c.id);
		return result(
			input,
			'skipped',
			'ambiguous_match',
			`${ids.length} Remote employments match by ${match.by.replace('_', ' ')} (${ids.join(', ')}); nothing was written. Remove the duplicate in Remote or set its external ID to the HiBob id.`,
			{ candidates: ids },
		);
	}
	if (match.kind === 'archived') {
		return result(
			input,
			'skipped',
			'matches_archived_profile',
			`The only matching Remote employment (${match.employment.id}) is ${match.employment.status}; creating a new one would duplicate the person. Remote support can merge or reactivate the profile.`,
		);
	}
	if (match.kind === 'vanished') {
		return result(
			input,
			'skipped',
			'matches_archived_profile',
			'An earlier run synced this person to a Remote employment, and none of the employments Remote lists matches them now: it was deleted in Remote (or its external ID and emails changed). Nothing was created: that would duplicate the person. Check the person in Remote; Remote support can restore a deleted profile.',
		);
	}
	if (match.kind === 'none') return planCreate(input, kind);
	return planUpdate(input, kind, match.employment);
}
