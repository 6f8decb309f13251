/** Rule U6: contract terms of an active global payroll employee, as one contract amendment. */
import { validateAgainstSchema } from '../jsonSchema';
import type { RemoteEmployment } from '../match';
import type { FieldChange, HeldBackField } from '../outcome';
import type { EmployeeAction } from './actions';
import type { FullEmployment, PlanInput, PlanStep } from './common';
import { CONTRACT_AMENDMENT_FORM, isoDaysAfter, isPendingAmendment, same } from './common';

/** The differences a contract amendment can carry (held-back field → key of the amendment form). */
export const AMENDABLE_FIELDS: Record<string, string> = {
	job_title: 'job_title',
	provisional_start_date: 'provisional_start_date',
	'contract_details.annual_gross_salary': 'annual_gross_salary',
};

const AMENDABLE_LABELS: Record<string, string> = {
	job_title: 'job title',
	provisional_start_date: 'start date',
	'contract_details.annual_gross_salary': 'annual salary',
};

export interface AmendmentDecision {
	/** The `POST /v1/contract-amendments` to send, when one is due. */
	action?: EmployeeAction;
	/** The differences the amendment carries (reported as changes once it is submitted). */
	changes: FieldChange[];
	/** What replaces the amendable fields' held-back entries (those not carried, and why). */
	heldBack: HeldBackField[];
	/** The plan's reason when the amendment decides it. */
	reason?: 'contract_amendment_submitted' | 'contract_amendment_pending' | 'remote_schema_invalid';
	/** A sentence for the plan's message. */
	note: string;
}

function enumOf(schema: unknown): string[] {
	const s = schema as { enum?: unknown[]; oneOf?: Array<{ const?: unknown }> } | undefined;
	if (Array.isArray(s?.enum)) return s.enum.map(String);
	if (Array.isArray(s?.oneOf))
		return s.oneOf
			.map((o) => o?.const)
			.filter((c) => c !== undefined)
			.map(String);
	return [];
}

/**
 * U6: one contract amendment for the held-back contract terms of an active GP employment, unless
 * Remote is already reviewing one for it (never submitted twice) or the country's amendment form
 * would refuse it (N5-style check, every field named).
 */
export function planAmendment(
	input: PlanInput,
	employment: RemoteEmployment,
	detail: FullEmployment,
	held: HeldBackField[],
): PlanStep | AmendmentDecision {
	const { person, options } = input;
	const keep = (note: string): AmendmentDecision => ({ changes: [], heldBack: held, note });
	const contractId = detail.active_contract_id;
	if (typeof contractId !== 'string' || contractId === '') {
		return keep(
			'Remote did not give the active contract of this employment, so no contract amendment was submitted.',
		);
	}

	// Never twice: an amendment Remote has not finished reviewing holds any new one back.
	if (!input.contractAmendments)
		return {
			done: false,
			needs: 'detail',
			part: 'contractAmendments',
			employmentId: employment.id,
		};
	const pending = input.contractAmendments.filter(
		(a) =>
			isPendingAmendment(a) &&
			(a.employment_id === undefined || String(a.employment_id) === employment.id),
	);
	if (pending.length) {
		const ids = pending.map((a) => String(a.id ?? '?')).join(', ');
		const title = held.find((h) => h.field === 'job_title');
		const sameValues =
			!title ||
			pending.some(
				(a) => a.job_title === undefined || a.job_title === null || same(a.job_title, title.to),
			);
		return {
			changes: [],
			heldBack: held.map((h) => ({ ...h, reason: 'contract_amendment_pending' })),
			reason: 'contract_amendment_pending',
			note: sameValues
				? `Remote is already reviewing a contract amendment for this employment (${ids}); nothing new was submitted.`
				: `Remote is already reviewing a contract amendment for this employment (${ids}) with other values (job title "${String(pending[0].job_title)}"); a new one is submitted once that review ends.`,
		};
	}

	const country =
		employment.country?.code ??
		(detail.country as { code?: string } | undefined)?.code ??
		person.countryCode;
	if (!country)
		return keep(
			'Remote gave no country for this employment, so its contract amendment form could not be read.',
		);
	const schema = input.schemas?.[CONTRACT_AMENDMENT_FORM];
	if (schema === undefined) {
		return {
			done: false,
			needs: 'schemas',
			country: String(country),
			forms: [CONTRACT_AMENDMENT_FORM],
			employmentId: employment.id,
		};
	}
	const properties = (schema as { properties?: Record<string, unknown> })?.properties;
	const knows = (key: string) => !properties || typeof properties !== 'object' || key in properties;

	const carried = held.filter((h) => knows(AMENDABLE_FIELDS[h.field]));
	const notInForm = held.filter((h) => !carried.includes(h));
	const formGap = notInForm.length
		? ` Remote's ${country} amendment form has no field for the ${notInForm.map((h) => AMENDABLE_LABELS[h.field]).join(', ')}.`
		: '';
	if (!carried.length) return keep(`No contract amendment was submitted.${formGap}`);

	const onlyStartDate = carried.length === 1 && carried[0].field === 'provisional_start_date';
	// A hire-date correction takes effect on the (new) hire date; other changes from today, or from a
	// start date that is still ahead.
	const effectiveDate = onlyStartDate
		? String(carried[0].to)
		: person.startDate && isoDaysAfter(person.startDate, options.today)
			? person.startDate
			: options.today;
	const reasons = enumOf(properties?.reason_for_change);
	const reason =
		onlyStartDate && reasons.includes('error_correction') ? 'error_correction' : 'other';
	const contractAmendment: Record<string, unknown> = {
		effective_date: effectiveDate,
		reason_for_change: reason,
	};
	if (knows('reason_for_change_description') && properties) {
		// Names the terms only: the values (salary) stay out of free text.
		contractAmendment.reason_for_change_description = `Requested by the HiBob to Remote sync: the ${carried
			.map((h) => AMENDABLE_LABELS[h.field])
			.join(', ')} in HiBob differ from Remote.`;
	}
	for (const h of carried) contractAmendment[AMENDABLE_FIELDS[h.field]] = h.to;

	const issues = validateAgainstSchema(schema, contractAmendment).map(
		(issue) => `${CONTRACT_AMENDMENT_FORM}${issue.path ? `.${issue.path}` : ''} ${issue.message}`,
	);
	if (issues.length) {
		const carriedKeys = new Set(
			carried.map((h) => `${CONTRACT_AMENDMENT_FORM}.${AMENDABLE_FIELDS[h.field]}`),
		);
		const others = [...new Set(issues.map((issue) => issue.split(' ')[0]))].filter(
			(field) => !carriedKeys.has(field),
		);
		return {
			changes: [],
			heldBack: [
				...carried.map((h) => ({ ...h, reason: 'remote_schema_invalid' })),
				...others.map((field) => ({ field, reason: 'remote_schema_invalid' })),
				...notInForm,
			],
			reason: 'remote_schema_invalid',
			note: `Remote's ${country} contract amendment form would refuse the amendment: ${issues.join('; ')}. No amendment was submitted.${formGap}`,
		};
	}
	return {
		action: {
			type: 'submitAmendment',
			body: {
				employment_id: employment.id,
				amendment_contract_id: contractId,
				contract_amendment: contractAmendment,
			},
			changes: carried.map((h) => ({ field: h.field, from: h.from, to: h.to })),
		},
		changes: carried.map((h) => ({ field: h.field, from: h.from, to: h.to })),
		heldBack: notInForm,
		reason: 'contract_amendment_submitted',
		note: `Submitted a contract amendment for the ${carried.map((h) => AMENDABLE_LABELS[h.field]).join(', ')} (effective ${effectiveDate}); Remote reviews it before the change applies.${formGap}`,
	};
}
