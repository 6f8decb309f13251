/** Rules N1–N7: a person Remote does not have yet (docs/sync-rules.md). */
import { validateAgainstSchema } from '../jsonSchema';
import type { FieldChange, HeldBackField, SyncKind } from '../outcome';
import type { EmployeeAction, FormKey } from './actions';
import { holdContractorWrites, renderRequests } from './actions';
import type { PlanInput, PlanStep } from './common';
import { blank, CONTRACTOR_NOT_UPDATABLE, FORMS, isoDaysAfter, KIND_LABEL, result } from './common';
import type { Wanted } from './forms';
import { buildForm, formsOfKind, propertiesOf, wantedValues } from './forms';

/**
 * A person Remote does not have yet: checked (N1–N3), built and validated against the country's forms
 * (N5), then created with the basic information and completed form by form (N6, N7).
 */
export function planCreate(input: PlanInput, kind: SyncKind): PlanStep {
	const refused = refuseCreate(input, kind);
	if (refused) return refused;
	const forms = buildCreateForms(input, kind);
	if ('done' in forms) return forms;
	return createActions(input, kind, forms);
}

/** N1–N3: who is never created (a leaver, an EOR hire without a future start, no country, no legal entity). */
function refuseCreate(input: PlanInput, kind: SyncKind): PlanStep | undefined {
	const { person, options } = input;
	if (person.terminated) {
		return result(
			input,
			'skipped',
			'terminated_in_hibob',
			'The person is terminated in HiBob and has no Remote employment; nothing is created.',
		);
	}
	if (kind === 'employee') {
		if (!person.startDate) {
			return result(
				input,
				'skipped',
				'start_date_not_in_future',
				'An EOR employee needs a start date after today in HiBob; it is empty.',
			);
		}
		if (!isoDaysAfter(person.startDate, options.today)) {
			return result(
				input,
				'skipped',
				'start_date_not_in_future',
				`The start date ${person.startDate} is not after today (${options.today}); Remote creates EOR employees only with a future start date.`,
			);
		}
	}
	if (!person.countryCode) {
		return result(
			input,
			'skipped',
			'missing_country',
			'HiBob has no address country and no work site country for this person.',
		);
	}
	// N3: Remote requires the legal entity that engages a global payroll employee.
	if (kind === 'global_payroll_employee' && input.legalEntityId === undefined) {
		return { done: false, needs: 'legalEntity', country: person.countryCode };
	}
	if (kind === 'global_payroll_employee' && !input.legalEntityId) {
		return result(
			input,
			'skipped',
			'missing_legal_entity',
			`Remote needs the legal entity that engages global payroll employees in ${person.countryCode}, and no global payroll employment there shows one. Copy the legal entity id from Remote (Company settings → Legal entities, or an existing global payroll employment) into the node option "Global Payroll Legal Entity ID". Nothing was created.`,
		);
	}
	return undefined;
}

/** The forms of a new hire, built from HiBob; the country's schemas are asked for, then checked (N5). */
interface CreateForms {
	wanted: Wanted;
	built: Partial<Record<FormKey, Record<string, unknown>>>;
	basicProps: Record<string, unknown>;
}

function buildCreateForms(input: PlanInput, kind: SyncKind): CreateForms | PlanStep {
	// refuseCreate has checked the country.
	const country = input.person.countryCode as string;
	const wanted = wantedValues(input, kind);
	const forms = FORMS[kind];
	const parts = formsOfKind(kind).filter((part) => {
		if (part === 'basic_information') return true;
		const values = wanted.forms[part];
		return !!values && Object.values(values).some((v) => !blank(v));
	});
	// N5 checks what is written. A contractor's forms after the create are never sent while Remote
	// does not update contractors (U7: reported `not_updatable_via_api`), so only the create's basic
	// information needs its country form then.
	const sent =
		kind === 'contractor' && !input.options.contractorUpdates
			? parts.filter((part) => part === 'basic_information')
			: parts;
	const formNames = sent.map((part) => forms[part]);
	if (!input.schemas || formNames.some((form) => !(form in input.schemas!))) {
		return { done: false, needs: 'schemas', country, forms: formNames };
	}
	const schemas = input.schemas;
	const basicSchema = schemas[forms.basic_information];
	const basicProps = propertiesOf(basicSchema) ?? {};
	const built: Partial<Record<FormKey, Record<string, unknown>>> = {};
	for (const part of parts)
		built[part] = buildForm(part, {}, wanted.forms[part]!, schemas[forms[part]]).owned;
	// A new hire has no prior seniority at the company unless told otherwise.
	if ('has_seniority_date' in basicProps) built.basic_information!.has_seniority_date = 'no';

	// N5: every field the country's forms would refuse, before any write.
	const issues: string[] = [];
	for (const part of sent) {
		for (const issue of validateAgainstSchema(schemas[forms[part]], built[part])) {
			issues.push(`${part}${issue.path ? `.${issue.path}` : ''} ${issue.message}`);
		}
	}
	if (issues.length) {
		return result(
			input,
			'skipped',
			'remote_schema_invalid',
			`Remote's ${country} forms would refuse this person: ${issues.join('; ')}. Nothing was created.`,
			{
				heldBack: issues.map((issue) => ({
					field: issue.split(' ')[0],
					reason: 'remote_schema_invalid',
				})),
			},
		);
	}
	return { wanted, built, basicProps };
}

/** N6/N7: the create (basic information), then one PATCH per form (the first carries the department), the contract details last. */
function createActions(
	input: PlanInput,
	kind: SyncKind,
	{ wanted, built, basicProps }: CreateForms,
): PlanStep {
	const { person, options } = input;
	const flat = (prefix: string, values: Record<string, unknown> | undefined): FieldChange[] =>
		Object.entries(values ?? {}).map(([k, v]) => ({ field: `${prefix}.${k}`, from: null, to: v }));
	const createBody: Record<string, unknown> = {
		type: kind,
		country_code: person.countryCode,
		external_id: person.hibobId,
		basic_information: built.basic_information,
	};
	if (kind === 'global_payroll_employee')
		createBody.engaged_by_legal_entity_id = input.legalEntityId;
	const actions: EmployeeAction[] = [
		{
			type: 'create',
			body: createBody,
			changes: flat('basic_information', built.basic_information),
		},
	];
	// The other forms follow by PATCH, one form each (Remote's documented sequence); the contract
	// details last (with them Remote may invite the employee, after which the forms are frozen).
	for (const part of [
		'address_details',
		'emergency_contact_details',
		'administrative_details',
	] as FormKey[]) {
		if (built[part])
			actions.push({
				type: 'patch',
				fields: {},
				forms: { [part]: { owned: built[part]!, kept: {} } },
				changes: flat(part, built[part]),
			});
	}
	const heldBack: HeldBackField[] = [];
	if (wanted.department === null)
		heldBack.push({
			field: 'department',
			reason: 'department_not_in_remote',
			to: person.department,
		});
	else if (wanted.department && !('department' in basicProps)) {
		// `department_id` is a field of the same PATCH body as the forms (remote-api.md §6.6): it rides
		// on the first form's PATCH, and needs a request of its own only when no form follows.
		const change: FieldChange = { field: 'department', from: null, to: wanted.department.name };
		const first = actions.find((a) => a.type === 'patch');
		if (first?.type === 'patch') {
			first.fields.department_id = wanted.department.id;
			first.changes.push(change);
		} else
			actions.push({
				type: 'patch',
				forms: {},
				fields: { department_id: wanted.department.id },
				changes: [change],
			});
	}
	if (wanted.managerId === null)
		heldBack.push({
			field: 'manager',
			reason: 'supervisor_not_a_remote_manager',
			to: person.supervisorEmail,
		});
	else if (wanted.managerId && !('manager' in basicProps)) {
		// manager_id is for active employments only; sent by the first run after activation.
		heldBack.push({
			field: 'manager',
			reason: 'not_updatable_via_api',
			to: person.supervisorEmail,
		});
	}
	if (built.contract_details)
		actions.push({
			type: 'patch',
			fields: {},
			forms: { contract_details: { owned: built.contract_details, kept: {} } },
			changes: flat('contract_details', built.contract_details),
		});
	const sent = holdContractorWrites(kind, options, actions, heldBack);
	const notWritten = heldBack.length
		? ` Not written: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.`
		: '';
	const contractorNote = sent.length < actions.length ? ` ${CONTRACTOR_NOT_UPDATABLE}` : '';
	return result(
		input,
		'created',
		'created',
		`Created the ${KIND_LABEL[kind]} in Remote (${person.countryCode}).${notWritten}${contractorNote}`,
		{
			changes: sent.flatMap((a) => a.changes),
			heldBack,
			actions: sent,
			requests: renderRequests(sent, null),
		},
	);
}
