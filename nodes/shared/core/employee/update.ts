/** Rules U1–U9: a person Remote already has (docs/sync-rules.md). */
import { validateAgainstSchema } from '../jsonSchema';
import type { RemoteEmployment } from '../match';
import type { FieldChange, HeldBackField, SyncKind } from '../outcome';
import type { EmployeeAction, FormKey, FormParts } from './actions';
import { holdContractorWrites, renderRequests } from './actions';
import type { AmendmentDecision } from './amendment';
import { AMENDABLE_FIELDS, planAmendment } from './amendment';
import type { PlanInput, PlanStep } from './common';
import type { FullEmployment, StatusFamily } from './common';
import {
	CONTRACTOR_NOT_UPDATABLE,
	desiredValues,
	FORMS,
	isoDaysAfter,
	KIND_LABEL,
	result,
	same,
	statusFamily,
} from './common';
import type { Wanted } from './forms';
import { buildForm, formChangeField, formsOfKind, propertiesOf, wantedValues } from './forms';

interface Difference {
	field: string;
	from: unknown;
	to: unknown;
}

/**
 * Everything an update decides on, read once: the HiBob values, the list differences, the full
 * employment and its forms; and what the decision collects (changes, held back, actions, the v1 PATCH).
 */
interface Update {
	input: PlanInput;
	kind: SyncKind;
	employment: RemoteEmployment;
	family: StatusFamily;
	desired: ReturnType<typeof desiredValues>;
	listDiffs: Difference[];
	needsExternalId: boolean;
	detail: FullEmployment;
	wanted: Wanted;
	forms: Record<string, string>;
	currentForm: (form: FormKey) => Record<string, unknown>;
	candidateForms: FormKey[];
	basicProps: Record<string, unknown>;
	changes: FieldChange[];
	heldBack: HeldBackField[];
	actions: EmployeeAction[];
	hold: (field: string, reason: string, from: unknown, to: unknown) => void;
	managerFrom: string | null;
	managerDiffers: boolean;
	departmentDiff?: Difference;
	currentStart: string | null;
	startDiffers: boolean;
	/** The one v1 PATCH: top-level fields and whole forms, with the changes they carry. */
	fields: Record<string, unknown>;
	patchForms: FormParts;
	fieldChanges: FieldChange[];
}

/**
 * A person Remote already has (U1–U9). What may be written depends on the status family: not started
 * (planNotStarted), onboarding (planOnboarding: nothing, every difference listed), active (planActive).
 */
export function planUpdate(
	input: PlanInput,
	kind: SyncKind,
	employment: RemoteEmployment,
): PlanStep {
	const { person, options } = input;
	const family = statusFamily(employment.status);
	const refused = refuseUpdate(input, kind, employment, family);
	if (refused) return refused;
	const desired = desiredValues(person);
	const { listDiffs, needsExternalId } = listDifferences(person, employment);

	if (
		family === 'not_started' &&
		kind === 'employee' &&
		person.startDate &&
		!isoDaysAfter(person.startDate, options.today)
	) {
		return result(
			input,
			'skipped',
			'start_date_not_in_future',
			`The start date ${person.startDate} is not after today (${options.today}); Remote keeps EOR start dates in the future.`,
		);
	}
	if (!input.detail) return fromMemory(input, employment, family, listDiffs, needsExternalId);
	const update = readUpdate(input, kind, employment, family, desired, listDiffs, needsExternalId);
	if ('done' in update) return update;
	if (family === 'onboarding') return planOnboarding(update);
	if (family === 'not_started') planNotStarted(update);
	else planActive(update);
	planWholeForms(update);
	return finishUpdate(update);
}

/**
 * The differences the employment list itself shows (name, job title, emails, department), and whether
 * its external_id is not yet the HiBob id: what a run sees of an employment without reading it in full.
 */
export function listDifferences(
	person: PlanInput['person'],
	employment: RemoteEmployment,
): { listDiffs: Difference[]; needsExternalId: boolean } {
	const desired = desiredValues(person);
	const listed: Array<[field: keyof RemoteEmployment & string, wanted: string | null | undefined]> =
		[
			['full_name', desired.full_name],
			['job_title', desired.job_title],
			['work_email', desired.work_email],
			['personal_email', person.personalEmail],
			['department', person.department],
		];
	const listDiffs: Difference[] = listed
		.filter(
			([field, wanted]) => (field === 'full_name' || !!wanted) && !same(employment[field], wanted),
		)
		.map(([field, wanted]) => ({ field, from: employment[field] ?? null, to: wanted }));
	return { listDiffs, needsExternalId: String(employment.external_id ?? '') !== person.hibobId };
}

/** The employments nothing is written to: another kind, gone, or a leaver still active (E, L1). */
function refuseUpdate(
	input: PlanInput,
	kind: SyncKind,
	employment: RemoteEmployment,
	family: StatusFamily,
): PlanStep | undefined {
	const { person } = input;
	if (employment.type && employment.type !== kind) {
		return result(
			input,
			'skipped',
			'kind_change_needs_manual_action',
			`HiBob says ${KIND_LABEL[kind]} but the Remote employment is a ${KIND_LABEL[employment.type as SyncKind] ?? employment.type}; changing the kind needs a new engagement in Remote.`,
		);
	}
	if (family === 'gone' || family === 'unknown') {
		return result(
			input,
			'skipped',
			'employment_not_active',
			`The Remote employment is ${employment.status}; nothing is written to it.`,
		);
	}
	if (person.terminated && family === 'active') {
		return result(
			input,
			'skipped',
			'terminated_in_hibob',
			'The person is terminated in HiBob but active in Remote. Offboarding is never started automatically: start it in Remote if it is due.',
		);
	}
	return undefined;
}

/** Without the full employment: the last run's result still holds when nothing it depends on changed. */
function fromMemory(
	input: PlanInput,
	employment: RemoteEmployment,
	family: StatusFamily,
	listDiffs: Difference[],
	needsExternalId: boolean,
): PlanStep {
	const remembered = input.remembered;
	if (remembered?.reason !== undefined) {
		// Held back last time, with the list showing the same as then (checked by the caller).
		const shown = [...listDiffs.map((d) => d.field), ...(needsExternalId ? ['external_id'] : [])];
		const since = `unchanged since the last run that read this employment in full (that run's output lists them, and so will the next full re-check)${shown.length ? `; the employment list shows ${shown.join(', ')} different` : ''}.`;
		if (family === 'onboarding')
			return result(
				input,
				'skipped',
				'onboarding_in_progress',
				`Remote is onboarding this person (${employment.status}); differences wait until onboarding completes, ${since}`,
			);
		return result(
			input,
			'skipped',
			remembered.reason,
			`Differences that cannot be written through Remote's API (${remembered.reason}), ${since}`,
		);
	}
	// In sync last time: still, when the list shows no difference and the external_id is the HiBob id.
	if (remembered && !listDiffs.length && !needsExternalId) {
		if (family === 'onboarding') return onboardingResult(input, employment, []);
		return result(
			input,
			'unchanged',
			'in_sync',
			'Remote already matches HiBob (nothing changed since the last run that synced this person).',
		);
	}
	return { done: false, needs: 'detail', employmentId: employment.id };
}

/** The full employment's forms against HiBob; asks for the country schemas of the forms that differ. */
function readUpdate(
	input: PlanInput,
	kind: SyncKind,
	employment: RemoteEmployment,
	family: StatusFamily,
	desired: Update['desired'],
	listDiffs: Difference[],
	needsExternalId: boolean,
): Update | PlanStep {
	const { person } = input;
	const detail = input.detail!;
	const wanted = wantedValues(input, kind);
	const country = String(
		employment.country?.code ??
			(detail.country as { code?: string } | undefined)?.code ??
			person.countryCode ??
			'',
	);
	const forms = FORMS[kind];
	const currentForm = (form: FormKey) => (detail[form] ?? {}) as Record<string, unknown>;

	// Forms that differ on the keys the sync owns (first without the country's schema; then fitted to it).
	const candidateForms = formsOfKind(kind).filter((form) => {
		if (!wanted.forms[form]) return false;
		if (form === 'administrative_details' && !wanted.ssn) return false;
		if (form === 'contract_details' && wanted.salary === undefined) return false;
		return (
			buildForm(form, currentForm(form), wanted.forms[form]!, input.schemas?.[forms[form]]).diffKeys
				.length > 0
		);
	});
	const writesForms = family === 'not_started' || family === 'active';
	// U7: while Remote does not update contractors nothing is sent to one; only the basic
	// information's form is read (it says which of its keys the country's form has, for the list of
	// what waits), never a form that would only be validated.
	const contractorHeld = kind === 'contractor' && !input.options.contractorUpdates;
	const schemaForms = candidateForms.filter(
		(form) =>
			(family === 'not_started' ||
				form === 'address_details' ||
				form === 'emergency_contact_details') &&
			(!contractorHeld || form === 'basic_information'),
	);
	if (
		writesForms &&
		schemaForms.length &&
		country &&
		schemaForms.some((form) => !input.schemas || !(forms[form] in input.schemas))
	) {
		const basic = family === 'not_started' ? [forms.basic_information] : [];
		return {
			done: false,
			needs: 'schemas',
			country,
			forms: [...new Set([...basic, ...schemaForms.map((f) => forms[f])])],
		};
	}
	const basicProps = propertiesOf(input.schemas?.[forms.basic_information]) ?? {};
	const changes: FieldChange[] = [];
	const heldBack: HeldBackField[] = [];
	const actions: EmployeeAction[] = [];
	const hold = (field: string, reason: string, from: unknown, to: unknown) =>
		heldBack.push({ field, reason, from, to });
	const managerFrom = detail.manager_email ?? null;
	const managerDiffers =
		!!person.supervisorEmail && !same(detail.manager_email, person.supervisorEmail);
	const departmentDiff = listDiffs.find((d) => d.field === 'department');
	const currentStart =
		detail.provisional_start_date ??
		(currentForm('basic_information').provisional_start_date as string | undefined) ??
		null;
	const startDiffers = !!person.startDate && !same(currentStart, person.startDate);
	const fields: Record<string, unknown> = {};
	const patchForms: FormParts = {};
	const fieldChanges: FieldChange[] = [];
	return {
		input,
		kind,
		employment,
		family,
		desired,
		listDiffs,
		needsExternalId,
		detail,
		wanted,
		forms,
		currentForm,
		candidateForms,
		basicProps,
		changes,
		heldBack,
		actions,
		hold,
		managerFrom,
		managerDiffers,
		departmentDiff,
		currentStart,
		startDiffers,
		fields,
		patchForms,
		fieldChanges,
	};
}

/** U3: onboarding. */
function planOnboarding(u: Update): PlanStep {
	const {
		input,
		employment,
		listDiffs,
		startDiffers,
		currentStart,
		managerDiffers,
		managerFrom,
		candidateForms,
		currentForm,
		wanted,
	} = u;
	const { person } = input;
	// U3: the details make up the employment agreement; nothing is written while it is open, and
	// every waiting difference is listed.
	const waiting: HeldBackField[] = listDiffs.map((d) => ({
		...d,
		reason: 'onboarding_in_progress',
	}));
	if (startDiffers)
		waiting.push({
			field: 'provisional_start_date',
			reason: 'onboarding_in_progress',
			from: currentStart,
			to: person.startDate,
		});
	if (managerDiffers)
		waiting.push({
			field: 'manager',
			reason: 'onboarding_in_progress',
			from: managerFrom,
			to: person.supervisorEmail,
		});
	for (const form of candidateForms) {
		if (form === 'basic_information') continue;
		const built = buildForm(form, currentForm(form), wanted.forms[form]!, undefined);
		for (const k of built.diffKeys)
			waiting.push({
				field: `${form}.${k}`,
				reason: 'onboarding_in_progress',
				from: currentForm(form)[k] ?? null,
				to: built.owned[k] ?? null,
			});
	}
	if (u.needsExternalId)
		waiting.push({
			field: 'external_id',
			reason: 'onboarding_in_progress',
			from: employment.external_id ?? null,
			to: person.hibobId,
		});
	return onboardingResult(input, employment, waiting);
}

/** U3: skipped while Remote onboards the person, with every difference that waits. */
function onboardingResult(
	input: PlanInput,
	employment: RemoteEmployment,
	waiting: HeldBackField[],
): PlanStep {
	return result(
		input,
		'skipped',
		'onboarding_in_progress',
		waiting.length
			? `Remote is onboarding this person (${employment.status}); ${waiting.length} difference(s) wait until onboarding completes: ${waiting.map((d) => d.field).join(', ')}.`
			: `Remote is onboarding this person (${employment.status}); nothing is written until onboarding completes.`,
		{ heldBack: waiting },
	);
}

/** U2: not started yet: the whole basic information form, work email, department; the manager waits. */
function planNotStarted(u: Update): void {
	const {
		input,
		employment,
		desired,
		wanted,
		forms,
		currentForm,
		candidateForms,
		basicProps,
		hold,
		managerFrom,
		managerDiffers,
		departmentDiff,
	} = u;
	const { fields, patchForms, fieldChanges } = u;
	const { person } = input;
	// U2: the whole basic information form, built from HiBob (manager and department inside it
	// where the country's form has them).
	if (candidateForms.includes('basic_information')) {
		const built = buildForm(
			'basic_information',
			currentForm('basic_information'),
			wanted.forms.basic_information!,
			input.schemas?.[forms.basic_information],
		);
		const formChanges = built.diffKeys
			.filter(
				(k) =>
					!(k === 'manager' && wanted.managerId === null) &&
					!(k === 'department' && wanted.department === null),
			)
			.map((k) => {
				if (k === 'manager')
					return { field: 'manager', from: managerFrom, to: person.supervisorEmail };
				if (k === 'department')
					return {
						field: 'department',
						from: employment.department ?? null,
						to: person.department,
					};
				return {
					field: formChangeField('basic_information', k),
					from: currentForm('basic_information')[k] ?? null,
					to: built.owned[k] ?? null,
				};
			});
		// A supervisor or department Remote does not know leaves Remote's value as it is.
		const current = currentForm('basic_information');
		if (wanted.managerId === null && current.manager !== undefined)
			built.owned.manager = current.manager;
		if (wanted.department === null && current.department !== undefined)
			built.owned.department = current.department;
		if (formChanges.length) {
			patchForms.basic_information = { owned: built.owned, kept: built.kept };
			fieldChanges.push(...formChanges);
		}
	}
	if (
		!('work_email' in basicProps) &&
		desired.work_email &&
		!same(employment.work_email, desired.work_email)
	) {
		fields.work_email = desired.work_email;
		fieldChanges.push({
			field: 'work_email',
			from: employment.work_email ?? null,
			to: desired.work_email,
		});
	}
	if (departmentDiff && !('department' in basicProps)) {
		if (!wanted.department)
			hold('department', 'department_not_in_remote', departmentDiff.from, departmentDiff.to);
		else {
			fields.department_id = wanted.department.id;
			fieldChanges.push(departmentDiff);
		}
	} else if (departmentDiff && wanted.department === null)
		hold('department', 'department_not_in_remote', departmentDiff.from, departmentDiff.to);
	if (managerDiffers) {
		if (wanted.managerId === null)
			hold('manager', 'supervisor_not_a_remote_manager', managerFrom, person.supervisorEmail);
		// manager_id is for active employments only: held back until then.
		else if (!('manager' in basicProps))
			hold('manager', 'not_updatable_via_api', managerFrom, person.supervisorEmail);
	}
}

/** U4–U7: active: work email, manager, department; job title and start date need an amendment. */
function planActive(u: Update): void {
	const {
		input,
		listDiffs,
		wanted,
		actions,
		hold,
		managerFrom,
		managerDiffers,
		departmentDiff,
		currentStart,
		startDiffers,
	} = u;
	const { fields, fieldChanges } = u;
	const { person } = input;
	// active (U4–U7): only what Remote's API takes for an active employment.
	for (const diff of listDiffs) {
		if (diff.field === 'department') continue;
		if (diff.field === 'work_email') {
			fields.work_email = diff.to;
			fieldChanges.push(diff);
		} else if (diff.field === 'job_title')
			hold('job_title', 'needs_contract_amendment', diff.from, diff.to);
		else hold(diff.field, 'not_updatable_via_api', diff.from, diff.to);
	}
	// U5/U6: for an active employment the start date is a contract term.
	if (startDiffers)
		hold('provisional_start_date', 'needs_contract_amendment', currentStart, person.startDate);
	if (departmentDiff) {
		if (!wanted.department)
			hold('department', 'department_not_in_remote', departmentDiff.from, departmentDiff.to);
		else
			actions.push({
				type: 'setDepartment',
				departmentId: wanted.department.id,
				changes: [departmentDiff],
			});
	}
	if (managerDiffers) {
		if (!wanted.managerId)
			hold('manager', 'supervisor_not_a_remote_manager', managerFrom, person.supervisorEmail);
		else {
			fields.manager_id = wanted.managerId;
			fieldChanges.push({ field: 'manager', from: managerFrom, to: person.supervisorEmail });
		}
	}
}

/** Address, emergency contact (both families), SSN and salary (not started): whole forms. */
function planWholeForms(u: Update): void {
	const {
		input,
		family,
		wanted,
		forms,
		currentForm,
		candidateForms,
		hold,
		patchForms,
		fieldChanges,
	} = u;
	for (const form of [
		'address_details',
		'emergency_contact_details',
		'administrative_details',
		'contract_details',
	] as FormKey[]) {
		if (!candidateForms.includes(form)) continue;
		const built = buildForm(
			form,
			currentForm(form),
			wanted.forms[form]!,
			input.schemas?.[forms[form]],
		);
		if (!built.diffKeys.length) continue;
		const formChanges = built.diffKeys.map((k) => ({
			field: `${form}.${k}`,
			from: currentForm(form)[k] ?? null,
			to: built.owned[k] ?? null,
		}));
		const allowed =
			family === 'not_started' ||
			form === 'address_details' ||
			form === 'emergency_contact_details';
		if (allowed) {
			const issues = input.schemas?.[forms[form]]
				? validateAgainstSchema(input.schemas[forms[form]], { ...built.kept, ...built.owned })
				: [];
			if (issues.length) {
				for (const c of formChanges) hold(c.field, 'remote_schema_invalid', c.from, c.to);
				continue;
			}
			patchForms[form] = { owned: built.owned, kept: built.kept };
			fieldChanges.push(...formChanges);
		} else {
			const reason =
				form === 'contract_details' ? 'needs_contract_amendment' : 'not_updatable_via_api';
			for (const c of formChanges) hold(c.field, reason, c.from, c.to);
		}
	}
}

/** The amendment (U6), the external id (M4), and the plan's outcome, reason and sentence. */
function finishUpdate(u: Update): PlanStep {
	const {
		input,
		kind,
		employment,
		family,
		detail,
		needsExternalId,
		heldBack,
		actions,
		changes,
		fields,
		patchForms,
		fieldChanges,
	} = u;
	const { person, options } = input;
	// U6: with the option on, an active GP employment's contract terms go to Remote as one amendment.
	let amendment: AmendmentDecision | undefined;
	if (
		options.submitContractAmendments &&
		kind === 'global_payroll_employee' &&
		family === 'active'
	) {
		const amendable = heldBack.filter(
			(h) => h.reason === 'needs_contract_amendment' && h.field in AMENDABLE_FIELDS,
		);
		if (amendable.length) {
			const decided = planAmendment(input, employment, detail, amendable);
			if ('done' in decided) return decided;
			amendment = decided;
			const rest = heldBack.filter((h) => !amendable.includes(h));
			heldBack.splice(0, heldBack.length, ...rest, ...decided.heldBack);
		}
	}

	// M4: link the employment so later email changes on either side cannot break the match.
	if (needsExternalId) {
		fields.external_id = person.hibobId;
		fieldChanges.push({
			field: 'external_id',
			from: employment.external_id ?? null,
			to: person.hibobId,
		});
	}
	if (Object.keys(fields).length || Object.keys(patchForms).length)
		actions.unshift({ type: 'patch', fields, forms: patchForms, changes: fieldChanges });
	if (amendment?.action) actions.push(amendment.action);
	const before = actions.length;
	actions.splice(0, actions.length, ...holdContractorWrites(kind, options, actions, heldBack));
	const contractorNote = actions.length < before ? ` ${CONTRACTOR_NOT_UPDATABLE}` : '';
	for (const action of actions)
		if (action.type !== 'submitAmendment') changes.push(...action.changes);
	const notWritten = heldBack.length
		? ` Not written: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.`
		: '';
	const amendmentNote = amendment ? ` ${amendment.note}` : '';
	if (actions.length) {
		const amendments = heldBack.filter((h) => h.reason === 'needs_contract_amendment');
		const reason =
			amendment?.reason ?? (amendments.length ? 'needs_contract_amendment' : 'updated');
		// `changes` are the employment update's; an amendment's terms follow them.
		const updated = changes.length ? `Updated ${changes.map((c) => c.field).join(', ')}.` : '';
		return result(input, 'updated', reason, `${updated}${amendmentNote}${notWritten}`.trim(), {
			changes: [...changes, ...(amendment?.changes ?? [])],
			heldBack,
			actions,
			requests: renderRequests(actions, employment.id),
		});
	}
	if (heldBack.length) {
		const reasons = [...new Set(heldBack.map((h) => h.reason))];
		const reason =
			amendment?.reason ??
			(reasons.includes('needs_contract_amendment') ? 'needs_contract_amendment' : reasons[0]);
		return result(
			input,
			'skipped',
			reason,
			amendment
				? `${amendmentNote}${notWritten}`.trim()
				: `Differences that cannot be written through Remote's API: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.${contractorNote}`,
			{ heldBack },
		);
	}
	return result(input, 'unchanged', 'in_sync', 'Remote already matches HiBob.');
}
