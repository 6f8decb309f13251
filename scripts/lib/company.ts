/**
 * The company the e2e test and the demo sync: test/fakes' `makeDemoCompany` (one person per sync rule)
 * plus the kinds and Remote statuses it does not cover, so one run shows every outcome a user meets:
 * offboarding and deleted employments, a pre-hire and a contractor in review, contractors in and out of
 * step, a monthly-paid global payroll hire, a person with no country, and contractor time off.
 * About 25 people. `expectations` says what docs/sync-rules.md makes of each one (by full name).
 */
import type {
	GeneratedCompany,
	HiBobPerson,
	HiBobTimeoffRequest,
	NewHiBobPerson,
	NewRemoteEmployment,
	EmploymentStatus,
} from '../../test/fakes';
import {
	addDays,
	DEFAULT_DEPARTMENTS,
	fakeUuid,
	hibobEmployeeId,
	isoDate,
	makeDemoCompany,
	linkedEmployment,
	timeoffChangeFor,
} from '../../test/fakes';

type Country = 'USA' | 'GBR' | 'DEU' | 'PRT';
type Kind = 'employee' | 'contractor' | 'global_payroll_employee';

export interface PersonExpectation {
	/** Outcomes that satisfy the rule (more than one where the rule leaves it open). */
	outcome: string[];
	/** The reason code the rule names; undefined = any. */
	reason?: string;
	/** The rule the person shows. */
	rule: string;
}

export interface TimeOffExpectation {
	requestId: string;
	person: string;
	outcome: string[];
	reason?: string;
	/** A Remote time off must exist for it after a real run. */
	createdInRemote: boolean;
	rule: string;
}

export interface ShowcaseCompany extends GeneratedCompany {
	notes: Record<string, string>;
	/** By full name; people without a "Sync to Remote" value are absent from the sync's output. */
	expectations: Record<string, PersonExpectation>;
	notSynced: string[];
	timeOff: TimeOffExpectation[];
}

const EXPECT_DEMO: Record<string, PersonExpectation> = {
	'Maya Lindqvist': {
		outcome: ['updated', 'unchanged'],
		rule: 'U4: active manager (department filled in)',
	},
	'Noah Carter': {
		outcome: ['created'],
		reason: 'created',
		rule: 'N1/N3: US employee starting in 30 days',
	},
	'Greta Hoffmann': {
		outcome: ['skipped'],
		reason: 'remote_schema_invalid',
		rule: 'N5: German employee without mobile number',
	},
	'Paul Mercer': {
		outcome: ['skipped'],
		reason: 'start_date_not_in_future',
		rule: 'N1: EOR start date has passed',
	},
	'Iris Okoro': {
		outcome: ['created'],
		reason: 'created',
		rule: 'N2: contractor who already started',
	},
	'Tiago Ferreira': {
		outcome: ['created'],
		reason: 'created',
		rule: 'N7: global payroll, annual salary',
	},
	'Lars Berg': { outcome: ['skipped'], reason: 'unknown_sync_kind', rule: 'E2: "As freelancer"' },
	'Hugo Laurent': {
		outcome: ['updated'],
		reason: 'updated',
		rule: 'U4: active employee who moved',
	},
	'Emma Novak': {
		outcome: ['updated'],
		reason: 'updated',
		rule: 'M1/M4: found by email, external_id written',
	},
	'Ravi Menon': {
		outcome: ['updated', 'skipped'],
		reason: 'needs_contract_amendment',
		rule: 'U5: new job title',
	},
	'Sofia Marques': {
		outcome: ['skipped'],
		reason: 'onboarding_in_progress',
		rule: 'U3: invited, new name waits',
	},
	'Jonas Weber': {
		outcome: ['updated'],
		reason: 'updated',
		rule: 'U2: not started, start date moved',
	},
	'Olga Petrova': {
		outcome: ['skipped'],
		reason: 'matches_archived_profile',
		rule: 'M3: only match archived',
	},
	'Kai Tanaka': {
		outcome: ['skipped'],
		reason: 'ambiguous_match',
		rule: 'M2: two employments share the email',
	},
	'Dana Cole': {
		outcome: ['skipped'],
		reason: 'terminated_in_hibob',
		rule: 'U9: terminated in HiBob, active in Remote',
	},
	'Bruno Lopes': {
		outcome: ['updated', 'skipped'],
		reason: 'needs_contract_amendment',
		rule: 'U6: active GP, salary differs',
	},
};

/** makeDemoCompany plus the cases it lacks; deterministic for a given `now`. */
export function makeShowcaseCompany(nowInput: Date = new Date()): ShowcaseCompany {
	const company = makeDemoCompany(nowInput);
	const { hibob, remote, syncField } = company;
	const now = company.now;
	const syncKey = syncField.fieldId.split('.').pop()!;
	const people = hibob.people as HiBobPerson[];
	const manager = people[0];
	const managerUserId =
		remote.companyManagers!.find((m) => m.user_email === manager.email)?.user_id ?? null;
	const expectations: Record<string, PersonExpectation> = { ...EXPECT_DEMO };
	let n = 0;

	/** A person built on an existing one of the same country (address, phones, site), with new identity. */
	const add = (
		spec: {
			first: string;
			last: string;
			country: Country;
			kind: Kind;
			startInDays: number;
			department?: number;
			title?: number;
			annual?: boolean;
			noCountry?: boolean;
		},
		expect: PersonExpectation,
	): HiBobPerson => {
		n++;
		const base =
			people.find(
				(p) => company.people.find((g) => g.hibobId === p.id)?.country === spec.country,
			) ?? manager;
		const person = JSON.parse(JSON.stringify(base)) as NewHiBobPerson & HiBobPerson;
		const local = `${spec.first}.${spec.last}`.toLowerCase();
		const start = addDays(now, spec.startInDays);
		person.id = hibobEmployeeId(950 + n);
		person.email = `${local}@example.com`;
		person.firstName = spec.first;
		person.surname = spec.last;
		person.displayName = `${spec.first} ${spec.last}`;
		person.work = {
			...person.work,
			title: String(101 + (spec.title ?? n % 9)),
			startDate: isoDate(start),
			department: String(201 + (spec.department ?? n % DEFAULT_DEPARTMENTS.length)),
			reportsTo: {
				id: manager.id,
				firstName: manager.firstName,
				surname: manager.surname,
				email: manager.email,
				displayName: manager.displayName,
			},
			custom: { [syncKey]: syncField.itemIds[spec.kind] },
		};
		person.internal = {
			status: 'Active',
			lifecycleStatus: spec.startInDays > 0 ? 'hired' : 'employed',
			terminationDate: null,
		};
		person.address = { ...(person.address ?? {}), line1: `${40 + n} ${spec.last} Street` };
		if (spec.noCountry) {
			person.address = { ...person.address, country: null };
			person.work.site = null;
			person.work.siteId = null;
		}
		person.home = { ...(person.home ?? {}), privateEmail: `${local}@mail.example.net` };
		person.emergency = { ...(person.emergency ?? {}), surname: spec.last };
		if (spec.country === 'USA') person.identification = { ssn: `900-34-${String(5600 + n)}` };
		if (spec.annual === false) {
			person.payroll = {
				salary: {
					payment: { value: 6_000, currency: 'GBP' },
					yearlyPayment: null,
					payPeriod: 'Monthly',
				},
			};
		}
		hibob.people.push(person);
		company.people.push({
			hibobId: person.id,
			email: person.email,
			kind: spec.kind,
			country: spec.country,
			active: true,
			remote: 'missing',
			hasMobile: true,
			startDate: isoDate(start),
		});
		expectations[`${spec.first} ${spec.last}`] = expect;
		return person;
	};

	/** A Remote employment for the person, as a previous sync (external_id) or a manual entry (email) left it. */
	const link = (
		person: HiBobPerson,
		status: EmploymentStatus,
		kind: Kind,
		country: Country,
		how: 'external_id' | 'email',
		options: { inStep?: boolean; tweak?: (e: NewRemoteEmployment) => void } = {},
	): string => {
		const id = fakeUuid(0xe3000000, remote.employments!.length + 1);
		const employment = linkedEmployment(person, id, status, kind, country, how);
		if (options.inStep) {
			// What a previous sync wrote: department and manager as in HiBob.
			const name = DEFAULT_DEPARTMENTS[Number(person.work.department) - 201];
			const department = remote.departments!.find((d) => d.name === name);
			employment.department_id = department?.id ?? null;
			employment.department = department?.name ?? null;
			employment.manager_id = managerUserId;
			employment.manager_email = manager.email;
			employment.manager = manager.displayName;
		}
		options.tweak?.(employment);
		remote.employments!.push(employment);
		const record = company.people.find((p) => p.hibobId === person.id)!;
		record.remote = status;
		record.remoteEmploymentId = id;
		record.linkedBy = how;
		return id;
	};

	const leaving = add(
		{ first: 'Felix', last: 'Brandt', country: 'GBR', kind: 'employee', startInDays: -500 },
		{
			outcome: ['skipped'],
			reason: 'employment_not_active',
			rule: 'U8: employment offboarding in Remote',
		},
	);
	link(leaving, 'offboarding', 'employee', 'GBR', 'external_id', {
		tweak: (e) => {
			e.address_details = { ...e.address_details, address: '2 Former Road' };
		},
	});

	const movedContractor = add(
		{
			first: 'Leila',
			last: 'Haddad',
			country: 'PRT',
			kind: 'contractor',
			startInDays: -250,
			department: 0,
		},
		// Remote's API does not update contractors: the move is reported, nothing is sent (U7).
		{
			outcome: ['skipped'],
			reason: 'not_updatable_via_api',
			rule: 'U7: active contractor who moved (Remote does not update contractors)',
		},
	);
	link(movedContractor, 'active', 'contractor', 'PRT', 'external_id', {
		inStep: true,
		tweak: (e) => {
			e.address_details = { ...e.address_details, address: '9 Rua Antiga' };
		},
	});

	add(
		{
			first: 'Mei',
			last: 'Chen',
			country: 'GBR',
			kind: 'contractor',
			startInDays: -180,
			department: 1,
		},
		{ outcome: ['unchanged', 'updated'], rule: 'U1: active contractor already in step' },
	);
	link(people[people.length - 1], 'active', 'contractor', 'GBR', 'external_id', { inStep: true });

	add(
		{
			first: 'Oscar',
			last: 'Lindgren',
			country: 'GBR',
			kind: 'global_payroll_employee',
			startInDays: 15,
			annual: false,
			department: 2,
		},
		{
			outcome: ['created'],
			reason: 'created',
			rule: 'N7: global payroll paid monthly (no salary sent)',
		},
	);

	const inReview = add(
		{
			first: 'Yara',
			last: 'Nasser',
			country: 'DEU',
			kind: 'contractor',
			startInDays: 30,
			department: 3,
		},
		{
			outcome: ['skipped'],
			reason: 'onboarding_in_progress',
			rule: 'U3: contractor in review, new name waits',
		},
	);
	link(inReview, 'review', 'contractor', 'DEU', 'external_id', {
		tweak: (e) => {
			(e.basic_information as Record<string, unknown>).name = 'Yara Naser';
			e.full_name = 'Yara Naser';
		},
	});

	const preHire = add(
		{
			first: 'Pedro',
			last: 'Santos',
			country: 'PRT',
			kind: 'global_payroll_employee',
			startInDays: 50,
			title: 4,
			department: 4,
		},
		{ outcome: ['updated'], reason: 'updated', rule: 'U2: pre-hire, new job title' },
	);
	link(preHire, 'pre_hire', 'global_payroll_employee', 'PRT', 'external_id', {
		tweak: (e) => {
			(e.basic_information as Record<string, unknown>).job_title = 'Software Engineer';
			e.job_title = 'Software Engineer';
		},
	});

	// Remote's API never lists deleted employments (shared/api/remote-api.md), so M3 cannot see this one:
	// the person is created anew, which is what Remote's own integration would do too.
	const deleted = add(
		{
			first: 'Zoe',
			last: 'Fischer',
			country: 'USA',
			kind: 'employee',
			startInDays: 35,
			department: 5,
		},
		{
			outcome: ['created'],
			reason: 'created',
			rule: 'M3 limit: a deleted employment is not listed, so a new one is created',
		},
	);
	link(deleted, 'deleted', 'employee', 'USA', 'email', {
		tweak: (e) => {
			e.login_email = deleted.email;
		},
	});

	add(
		{
			first: 'Nils',
			last: 'Eriksen',
			country: 'DEU',
			kind: 'contractor',
			startInDays: 20,
			noCountry: true,
		},
		{ outcome: ['skipped'], reason: 'missing_country', rule: 'N4: no country in HiBob' },
	);

	// Time off: one for the active contractor (T1: never), plus the demo company's six requests.
	const requests = hibob.timeoffRequests!;
	const changes = hibob.timeoffChanges!;
	let day = addDays(now, 10);
	while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day = addDays(day, 1);
	const approvedAt = addDays(now, -1);
	const contractorLeave: HiBobTimeoffRequest = {
		requestId: 30007,
		employeeId: movedContractor.id,
		policyTypeDisplayName: 'Holiday',
		type: 'days',
		startDate: isoDate(day),
		startDatePortion: 'all_day',
		endDate: isoDate(day),
		endDatePortion: 'all_day',
		durationUnit: 'days',
		totalDuration: 1,
		status: 'approved',
		approved: true,
		approvedBy: 'Hera Admin',
		approvedAt: approvedAt.toISOString(),
	};
	requests.push(contractorLeave);
	changes.push(timeoffChangeFor(contractorLeave, 'Created', movedContractor, approvedAt));
	// T8: approved 30 days before the first run (outside any changes-feed window of a few days): the
	// first reconcile creates it all the same.
	const firstRequester = requests.find((r) => r.requestId === 30001)!;
	let later = addDays(day, 7);
	while (later.getUTCDay() === 0 || later.getUTCDay() === 6) later = addDays(later, 1);
	const approvedLongAgo = addDays(now, -30);
	const longAgo: HiBobTimeoffRequest = {
		...contractorLeave,
		requestId: 30008,
		employeeId: firstRequester.employeeId,
		startDate: isoDate(later),
		endDate: isoDate(later),
		approvedAt: approvedLongAgo.toISOString(),
	};
	requests.push(longAgo);
	changes.push(
		timeoffChangeFor(
			longAgo,
			'Created',
			people.find((p) => p.id === longAgo.employeeId),
			approvedLongAgo,
		),
	);
	changes.sort((a, b) => a.createdOn.localeCompare(b.createdOn));

	const nameOf = (id: string) => {
		const p = people.find((x) => x.id === id);
		return p ? `${p.firstName} ${p.surname}` : id;
	};
	const byRequest = (requestId: number) =>
		nameOf(requests.find((r) => r.requestId === requestId)!.employeeId);
	const timeOff: TimeOffExpectation[] = [
		{
			requestId: '30001',
			person: byRequest(30001),
			outcome: ['created'],
			reason: 'created_in_remote',
			createdInRemote: true,
			rule: 'T3/T6: 3 full days',
		},
		{
			requestId: '30002',
			person: byRequest(30002),
			outcome: ['created'],
			reason: 'created_in_remote',
			createdInRemote: true,
			rule: 'T6: half day (person linked by email in the same run)',
		},
		{
			requestId: '30003',
			person: byRequest(30003),
			outcome: ['created'],
			reason: 'created_in_remote',
			createdInRemote: true,
			rule: 'T6: 3 hours, global payroll',
		},
		{
			requestId: '30004',
			person: byRequest(30004),
			outcome: ['skipped'],
			reason: 'not_approved',
			createdInRemote: false,
			rule: 'T4: cancelled before it was synced',
		},
		{
			requestId: '30006',
			person: byRequest(30006),
			outcome: ['skipped'],
			reason: 'unmapped_timeoff_type',
			createdInRemote: false,
			rule: 'T5: "Volunteering day" has no Remote type',
		},
		{
			requestId: '30007',
			person: byRequest(30007),
			outcome: ['skipped'],
			reason: 'contractor_no_timeoff',
			createdInRemote: false,
			rule: 'T1: contractors never',
		},
		{
			requestId: '30008',
			person: byRequest(30008),
			outcome: ['created'],
			reason: 'created_in_remote',
			createdInRemote: true,
			rule: 'T8: approved 30 days before the first run',
		},
	];

	const notSynced = company.people
		.filter((p) => p.kind === null && !Object.keys(expectations).includes(nameOf(p.hibobId)))
		.map((p) => nameOf(p.hibobId));
	return { ...company, notes: company.notes, expectations, notSynced, timeOff };
}
