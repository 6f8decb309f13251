/**
 * The plan's output: typed actions. `sync.ts` executes them with one small interpreter
 * (`actionBody` gives each one's body); a dry run shows them as requests (`renderRequests`).
 */
import type { FieldChange, HeldBackField, PlannedRequest, SyncKind } from '../outcome';
import type { PlanOptions } from './common';

/** The forms of an employment the sync writes (Remote's PATCH replaces a form sent whole). */
export type FormKey =
	| 'basic_information'
	| 'address_details'
	| 'emergency_contact_details'
	| 'administrative_details'
	| 'contract_details';

/**
 * One write of a plan. `sync.ts` executes them in order with one small interpreter; dry run shows
 * them as `plannedRequests` (`renderRequests`). `changes` are what the action writes.
 */
export type EmployeeAction =
	/** `POST /v1/employments`: basic information only (+ country, type, external id, legal entity). */
	| { type: 'create'; body: Record<string, unknown>; changes: FieldChange[] }
	/**
	 * `PATCH /v1/employments/{id}`: top-level `fields` (`work_email`, `manager_id`, `department_id`,
	 * `external_id`) and whole `forms`: `owned` = the keys the sync owns, built from HiBob; `kept` =
	 * the keys it does not own, kept as Remote has them (a form sent is replaced).
	 */
	| { type: 'patch'; fields: Record<string, unknown>; forms: FormParts; changes: FieldChange[] }
	/** `PATCH /v2/employments/{id}` `{department_id}`: the department of an active employment. */
	| { type: 'setDepartment'; departmentId: string; changes: FieldChange[] }
	/** `POST /v1/contract-amendments` (U6). */
	| { type: 'submitAmendment'; body: Record<string, unknown>; changes: FieldChange[] };

export type FormParts = Partial<
	Record<FormKey, { owned: Record<string, unknown>; kept: Record<string, unknown> }>
>;

/** Forms whose kept keys are never shown in outputs (they may hold tax ids, pay terms). */
const PRIVATE_FORMS = new Set<FormKey>(['administrative_details', 'contract_details']);

/** The body an action sends. */
export function actionBody(action: EmployeeAction): Record<string, unknown> {
	switch (action.type) {
		case 'create':
			return action.body;
		case 'patch': {
			const body: Record<string, unknown> = { ...action.fields };
			for (const [form, part] of Object.entries(action.forms))
				body[form] = { ...part!.kept, ...part!.owned };
			return body;
		}
		case 'setDepartment':
			return { department_id: action.departmentId };
		case 'submitAmendment':
			return action.body;
	}
}

/**
 * The requests of a plan, as shown in a dry run. A form's kept keys of administrative or contract
 * details are not copied into the output (only named).
 */
export function renderRequests(
	actions: EmployeeAction[],
	employmentId: string | null,
): PlannedRequest[] {
	const id = employmentId ?? '{created}';
	return actions.map((action): PlannedRequest => {
		switch (action.type) {
			case 'create':
				return {
					method: 'POST',
					path: '/v1/employments',
					body: action.body,
					purpose: 'create employment (basic information)',
				};
			case 'patch': {
				const body: Record<string, unknown> = { ...action.fields };
				for (const [form, part] of Object.entries(action.forms) as Array<
					[FormKey, { owned: Record<string, unknown>; kept: Record<string, unknown> }]
				>) {
					const kept = PRIVATE_FORMS.has(form)
						? Object.fromEntries(Object.keys(part.kept).map((k) => [k, '(kept as in Remote)']))
						: part.kept;
					body[form] = { ...kept, ...part.owned };
				}
				return {
					method: 'PATCH',
					path: `/v1/employments/${id}`,
					body,
					purpose: `update ${Object.keys(body).join(', ')}`,
				};
			}
			case 'setDepartment':
				return {
					method: 'PATCH',
					path: `/v2/employments/${id}`,
					body: { department_id: action.departmentId },
					purpose: 'set department',
				};
			case 'submitAmendment':
				return {
					method: 'POST',
					path: '/v1/contract-amendments',
					body: action.body,
					purpose: 'submit contract amendment',
				};
		}
	});
}

/**
 * Contractors with contractor updates off: every write after the create becomes a held-back
 * difference (`not_updatable_via_api`), so no refused request is ever sent.
 */
export function holdContractorWrites(
	kind: SyncKind,
	options: PlanOptions,
	actions: EmployeeAction[],
	heldBack: HeldBackField[],
): EmployeeAction[] {
	if (kind !== 'contractor' || options.contractorUpdates) return actions;
	const kept: EmployeeAction[] = [];
	for (const action of actions) {
		if (action.type === 'create') kept.push(action);
		else
			for (const c of action.changes)
				heldBack.push({ field: c.field, reason: 'not_updatable_via_api', from: c.from, to: c.to });
	}
	return kept;
}
