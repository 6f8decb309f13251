/**
 * Deterministic company generator: one call produces a HiBob fixture and a Remote fixture that
 * agree with each other (people with "Sync to Remote" values, some already in Remote linked by
 * external_id or by email in various statuses, new hires in USA/GBR/DEU/PRT, contractors and global
 * payroll employees, time-off requests). Used by tests, the demo and benchmarks (10 000 people), so
 * it is a straight loop with no I/O.
 */
import type {
	HiBobFixture,
	HiBobPerson,
	HiBobTimeoffChange,
	HiBobTimeoffRequest,
	NewHiBobPerson,
	SyncFieldInfo,
} from './hibob';
import { timeoffChangeFor, withSyncToRemoteField } from './hibob';
import type { EmploymentStatus, NewRemoteEmployment, RemoteFixture } from './remote';
import { addDays, fakeUuid, isoDate, mulberry32, pick, pickWeighted, randInt } from './prng';
import type { SchemaFixtureCountry } from '../fixtures/remote-schemas';
import type { SyncKind } from '../fixtures/hibob-metadata';
import {
	DEFAULT_DEPARTMENTS,
	DEFAULT_TITLES,
	defaultHiBobFields,
	defaultHiBobNamedLists,
} from '../fixtures/hibob-metadata';

/** Test credentials: deliberately not token-shaped. */
export const TEST_CREDENTIALS = {
	hibobServiceUserId: 'SERVICE-USER-TEST',
	hibobToken: 'test-hibob-token',
	remoteToken: 'test-remote-token',
} as const;

export const HIBOB_COMPANY_ID = 636192;
export const REMOTE_COMPANY_ID = fakeUuid(0xc0, 1);

export type RemotePresence = EmploymentStatus | 'missing';

export interface MakeCompanyOptions {
	/** Number of HiBob people. */
	people: number;
	seed?: number;
	/** "Today" for start dates and time off (default: now, midnight UTC). */
	now?: Date;
	/** Weights of the "Sync to Remote" value (`none` = field empty). */
	kinds?: Partial<Record<SyncKind | 'none', number>>;
	/** Weights of what Remote holds for a person with a kind (`missing` = a new hire to create). */
	statuses?: Partial<Record<RemotePresence, number>>;
	countries?: SchemaFixtureCountry[];
	/** Number of HiBob time-off requests (for people whose employment is active). */
	withTimeoff?: number;
	/** Share of existing employments linked only by email (external_id null). Default 0.3. */
	matchByEmailRate?: number;
	/** Share of existing active employments that differ from HiBob (address, work email). Default 0.25. */
	driftRate?: number;
	/** Share of people without a mobile phone (DEU EOR new hires then fail the schema). Default 0.1. */
	missingMobileRate?: number;
	/** Share of people terminated/inactive in HiBob. Default 0.03. */
	inactiveRate?: number;
	/** Share of EOR new hires whose start date is already past. Default 0.05. */
	pastStartRate?: number;
}

/** What the generator did for one person, so tests and benchmarks know what to expect. */
export interface GeneratedPerson {
	hibobId: string;
	email: string;
	kind: SyncKind | null;
	country: SchemaFixtureCountry;
	active: boolean;
	remote: RemotePresence;
	remoteEmploymentId?: string;
	linkedBy?: 'external_id' | 'email';
	drift?: string[];
	hasMobile: boolean;
	startDate: string;
}

export interface GeneratedCompany {
	hibob: HiBobFixture;
	remote: RemoteFixture;
	syncField: SyncFieldInfo;
	credentials: typeof TEST_CREDENTIALS;
	/** A company manager allowed to approve time off and to be a manager_id. */
	approverId: string;
	people: GeneratedPerson[];
	now: Date;
}

// ---- reference data ------------------------------------------------------------------------------------

const FIRST_NAMES = [
	'Ada',
	'Ben',
	'Chloe',
	'Daniel',
	'Elif',
	'Farah',
	'Gabriel',
	'Hana',
	'Ivan',
	'Julia',
	'Kofi',
	'Lena',
	'Marco',
	'Nora',
	'Omar',
	'Priya',
	'Quinn',
	'Rosa',
	'Sven',
	'Tara',
	'Umar',
	'Vera',
	'Wen',
	'Ximena',
	'Yusuf',
	'Zoe',
];
const SURNAMES = [
	'Almeida',
	'Brown',
	'Costa',
	'Dubois',
	'Evans',
	'Fischer',
	'Garcia',
	'Hughes',
	'Ito',
	'Jensen',
	'Khan',
	'Lopez',
	'Meyer',
	'Nakamura',
	'Okafor',
	'Pereira',
	'Quist',
	'Rossi',
	'Schmidt',
	'Taylor',
	'Usman',
	'Vogel',
	'Weber',
	'Xu',
	'Young',
	'Zimmermann',
];
const STREETS = [
	'Main Street',
	'Oak Avenue',
	'Harbour Road',
	'Linden Allee',
	'Rua Augusta',
	'King Street',
	'Park Lane',
];
const RELATIONS = ['Spouse', 'Partner', 'Parent', 'Sibling', 'Friend'];

interface CountryData {
	code: SchemaFixtureCountry;
	name: string;
	currency: string;
	site: string;
	cities: Array<{ city: string; postCode: string; usaState?: string }>;
	phonePrefix: string;
	salary: [number, number];
}

const COUNTRY_DATA: Record<SchemaFixtureCountry, CountryData> = {
	USA: {
		code: 'USA',
		name: 'United States',
		currency: 'USD',
		site: 'New York',
		cities: [
			{ city: 'New York', postCode: '10001', usaState: 'NY' },
			{ city: 'Austin', postCode: '73301', usaState: 'TX' },
			{ city: 'Seattle', postCode: '98101', usaState: 'WA' },
			{ city: 'Denver', postCode: '80202', usaState: 'CO' },
		],
		phonePrefix: '+1 212 555 0',
		salary: [90_000, 180_000],
	},
	GBR: {
		code: 'GBR',
		name: 'United Kingdom',
		currency: 'GBP',
		site: 'London',
		cities: [
			{ city: 'London', postCode: 'SW1A 1AA' },
			{ city: 'Manchester', postCode: 'M1 1AE' },
			{ city: 'Bristol', postCode: 'BS1 4DJ' },
		],
		phonePrefix: '+44 20 7946 0',
		salary: [50_000, 120_000],
	},
	DEU: {
		code: 'DEU',
		name: 'Germany',
		currency: 'EUR',
		site: 'Berlin',
		cities: [
			{ city: 'Berlin', postCode: '10115' },
			{ city: 'München', postCode: '80331' },
			{ city: 'Hamburg', postCode: '20095' },
		],
		phonePrefix: '+49 30 9018 2',
		salary: [55_000, 130_000],
	},
	PRT: {
		code: 'PRT',
		name: 'Portugal',
		currency: 'EUR',
		site: 'Lisbon',
		cities: [
			{ city: 'Lisboa', postCode: '1100-148' },
			{ city: 'Porto', postCode: '4000-322' },
			{ city: 'Coimbra', postCode: '3000-214' },
		],
		phonePrefix: '+351 21 123 4',
		salary: [30_000, 80_000],
	},
};

const POLICIES = [
	{ name: 'Holiday', weight: 0.6 },
	{ name: 'Sick', weight: 0.2 },
	{ name: 'Unpaid leave', weight: 0.1 },
	{ name: 'Parental leave', weight: 0.05 },
	{ name: 'Sabbatical', weight: 0.05 },
];

const DEFAULT_KINDS: Record<SyncKind | 'none', number> = {
	employee: 0.45,
	contractor: 0.2,
	global_payroll_employee: 0.15,
	none: 0.2,
};
const DEFAULT_STATUSES: Partial<Record<RemotePresence, number>> = {
	missing: 0.35,
	active: 0.4,
	created: 0.08,
	invited: 0.05,
	initiated: 0.03,
	review: 0.02,
	archived: 0.04,
	offboarding: 0.03,
};

function startOfDay(d: Date): Date {
	return new Date(`${isoDate(d)}T00:00:00Z`);
}

/** HiBob-style 19-digit employee id (a string). */
export function hibobEmployeeId(n: number): string {
	return (3332883884017700000n + BigInt(n) * 1009n).toString();
}

function weekday(d: Date): Date {
	let out = d;
	while (out.getUTCDay() === 0 || out.getUTCDay() === 6) out = addDays(out, 1);
	return out;
}

function label(list: string[], id: string | null, base: number): string | null {
	if (id === null) return null;
	return list[Number(id) - base] ?? null;
}

/** Maps a HiBob person onto the Remote blobs the fixtures' schemas accept (best effort, as a sync would). */
/** A Remote employment for a HiBob person, as a previous sync (external_id) or a manual entry (email) left it. */
export function linkedEmployment(
	person: HiBobPerson,
	id: string,
	status: EmploymentStatus,
	kind: SyncKind,
	country: SchemaFixtureCountry,
	how: 'external_id' | 'email',
): NewRemoteEmployment {
	const blobs = remoteBlobsFor(person, country, kind);
	return {
		id,
		type: kind,
		status,
		country_code: country,
		external_id: how === 'external_id' ? person.id : null,
		basic_information: blobs.basic_information,
		address_details: blobs.address_details,
		emergency_contact_details: blobs.emergency_contact_details,
		work_email: person.email,
	};
}

export function remoteBlobsFor(person: HiBobPerson, country: SchemaFixtureCountry, kind: SyncKind) {
	const name = `${person.firstName} ${person.surname}`;
	const jobTitle = label(DEFAULT_TITLES, person.work.title, 101) ?? 'Employee';
	const privateEmail = person.home?.privateEmail ?? person.email;
	const basic: Record<string, unknown> = {
		name,
		email: privateEmail,
		work_email: person.email,
		job_title: jobTitle,
	};
	if (person.work.startDate) basic.provisional_start_date = person.work.startDate;
	if (kind === 'employee') {
		if (country === 'DEU') {
			basic.mobile_number = person.home?.mobilePhone ?? undefined;
			basic.has_seniority_date = 'no';
			basic.tax_servicing_countries = ['Germany'];
			basic.tax_job_category = 'office_worker';
		}
		if (country === 'PRT') basic.has_seniority_date = 'no';
		if (country === 'USA' && person.home?.mobilePhone)
			basic.mobile_number = person.home.mobilePhone;
	}
	if (kind === 'global_payroll_employee' && country === 'DEU' && person.home?.mobilePhone)
		basic.mobile_number = person.home.mobilePhone;
	for (const key of Object.keys(basic)) if (basic[key] === undefined) delete basic[key];
	const a = person.address ?? {};
	const address: Record<string, unknown> = {
		address: a.line1,
		city: a.city,
		postal_code: a.postCode,
	};
	if (a.line2) address.address_line_2 = a.line2;
	if (country === 'USA') address.state = a.usaState;
	const e = person.emergency ?? {};
	const emergency: Record<string, unknown> = {
		name: `${e.firstName ?? ''} ${e.surname ?? ''}`.trim(),
		relationship: e.relation,
		phone_number: e.phone,
	};
	if (e.email) emergency.email = e.email;
	return {
		basic_information: basic,
		address_details: address,
		emergency_contact_details: emergency,
	};
}

// ---- generator -------------------------------------------------------------------------------------------

export function makeCompany(options: MakeCompanyOptions): GeneratedCompany {
	const rand = mulberry32(options.seed ?? 1);
	const now = startOfDay(options.now ?? new Date());
	const countries = options.countries ?? ['USA', 'GBR', 'DEU', 'PRT'];
	const kinds = options.kinds ?? DEFAULT_KINDS;
	const statuses = options.statuses ?? DEFAULT_STATUSES;
	const matchByEmailRate = options.matchByEmailRate ?? 0.3;
	const driftRate = options.driftRate ?? 0.25;
	const missingMobileRate = options.missingMobileRate ?? 0.1;
	const inactiveRate = options.inactiveRate ?? 0.03;
	const pastStartRate = options.pastStartRate ?? 0.05;

	const hibob: HiBobFixture = {
		serviceUserId: TEST_CREDENTIALS.hibobServiceUserId,
		token: TEST_CREDENTIALS.hibobToken,
		companyId: HIBOB_COMPANY_ID,
		people: [],
		fields: defaultHiBobFields(),
		namedLists: defaultHiBobNamedLists(),
		timeoffRequests: [],
		timeoffChanges: [],
	};
	const syncField = withSyncToRemoteField(hibob);
	const syncKey = syncField.fieldId.split('.').pop()!;

	// Remote departments: all HiBob departments but the last two (so some must be created).
	const departments = DEFAULT_DEPARTMENTS.slice(0, -2).map((name, i) => ({
		id: fakeUuid(0xd1000000, i + 1),
		company_id: REMOTE_COMPANY_ID,
		name,
	}));
	const approverId = fakeUuid(0xa1000000, 1);
	const remote: RemoteFixture = {
		token: TEST_CREDENTIALS.remoteToken,
		companyId: REMOTE_COMPANY_ID,
		employments: [],
		companyManagers: [
			{
				user_id: approverId,
				user_name: 'Hera Admin',
				user_email: 'hera.admin@example.com',
				role: 'admin',
			},
			{
				user_id: fakeUuid(0xa1000000, 2),
				user_name: 'Otto Onboarding',
				user_email: 'otto.onboarding@example.com',
				role: 'onboarding_manager',
			},
		],
		departments,
		timeoffs: [],
	};

	const managerCount = Math.max(1, Math.min(50, Math.ceil(options.people / 20)));
	const people: HiBobPerson[] = [];
	const generated: GeneratedPerson[] = [];
	const managerUserIds = new Map<string, string>();

	for (let i = 0; i < options.people; i++) {
		const id = hibobEmployeeId(i + 1);
		const firstName = FIRST_NAMES[i % FIRST_NAMES.length];
		const surname = SURNAMES[Math.floor(i / FIRST_NAMES.length) % SURNAMES.length];
		const suffix = i >= FIRST_NAMES.length * SURNAMES.length ? String(i) : '';
		const local = `${firstName}.${surname}${suffix}`.toLowerCase();
		const country = countries[i % countries.length];
		const cd = COUNTRY_DATA[country];
		const place = pick(rand, cd.cities);
		const kindPick = pickWeighted(rand, kinds);
		const kind: SyncKind | null = kindPick === 'none' ? null : kindPick;
		const isManager = i < managerCount;
		const active = isManager || rand() >= inactiveRate;
		let presence: RemotePresence = kind ? pickWeighted(rand, statuses) : 'missing';
		if (!active && presence === 'missing' && kind) presence = 'active'; // U9: terminated in HiBob, active in Remote.
		const hasMobile = rand() >= missingMobileRate;
		const manager = isManager
			? null
			: people[randInt(rand, 0, Math.min(managerCount, people.length) - 1)];

		let start: Date;
		if (presence === 'missing') {
			const past = kind === 'employee' ? rand() < pastStartRate : rand() < 0.5;
			start = past ? addDays(now, -randInt(rand, 1, 400)) : addDays(now, randInt(rand, 21, 120));
		} else if (
			[
				'created',
				'pre_hire',
				'created_awaiting_reserve',
				'created_reserve_paid',
				'invited',
				'initiated',
				'review',
				'pending',
			].includes(presence)
		) {
			start = addDays(now, randInt(rand, 21, 120));
		} else {
			start = addDays(now, -randInt(rand, 30, 2000));
		}
		const yearly = Math.round(randInt(rand, cd.salary[0], cd.salary[1]) / 1000) * 1000;
		const annual = rand() < 0.85;
		const person: NewHiBobPerson = {
			id,
			email: `${local}@example.com`,
			firstName,
			surname,
			displayName: `${firstName} ${surname}${suffix ? ` ${suffix}` : ''}`,
			creationDateTime: `${isoDate(addDays(start, -30))}T09:00:00.000Z`,
			work: {
				title: String(101 + (isManager ? 9 : randInt(rand, 0, DEFAULT_TITLES.length - 2))),
				startDate: isoDate(start),
				department: String(201 + randInt(rand, 0, DEFAULT_DEPARTMENTS.length - 1)),
				site: cd.site,
				siteId: String(
					301 + Math.max(0, ['New York', 'London', 'Berlin', 'Lisbon'].indexOf(cd.site)),
				),
				reportsTo: manager
					? {
							id: manager.id,
							firstName: manager.firstName,
							surname: manager.surname,
							email: manager.email,
							displayName: manager.displayName,
						}
					: null,
				custom: { [syncKey]: kind ? syncField.itemIds[kind] : null },
			},
			internal: active
				? {
						status: 'Active',
						lifecycleStatus: start > now ? 'hired' : 'employed',
						terminationDate: null,
					}
				: {
						status: 'Inactive',
						lifecycleStatus: 'terminated',
						terminationDate: isoDate(addDays(now, -randInt(rand, 1, 60))),
					},
			address: {
				line1: `${randInt(rand, 1, 250)} ${pick(rand, STREETS)}`,
				line2: rand() < 0.3 ? `Apt ${randInt(rand, 1, 40)}` : null,
				city: place.city,
				postCode: place.postCode,
				country: cd.name,
				usaState: place.usaState ?? null,
			},
			home: {
				privateEmail: `${local}@mail.example.net`,
				mobilePhone: hasMobile
					? `${cd.phonePrefix}${String(100 + (i % 900)).padStart(3, '0')}`
					: null,
			},
			emergency: {
				firstName: pick(rand, FIRST_NAMES),
				surname,
				relation: pick(rand, RELATIONS),
				phone: `${cd.phonePrefix}${String(999 - (i % 900)).padStart(3, '0')}`,
				email: rand() < 0.5 ? `emergency.${local}@mail.example.net` : null,
			},
			identification: {
				ssn:
					country === 'USA'
						? `9${String(10 + (i % 89)).padStart(2, '0')}-${String(10 + (i % 90)).padStart(2, '0')}-${String(1000 + (i % 9000))}`
						: null,
			},
			payroll: {
				salary: {
					payment: annual
						? { value: yearly, currency: cd.currency }
						: { value: Math.round(yearly / 12), currency: cd.currency },
					yearlyPayment: annual ? { value: yearly, currency: cd.currency } : null,
					payPeriod: annual ? 'Annual' : 'Monthly',
				},
			},
			personal: {
				birthDate: isoDate(addDays(new Date('1970-01-01T00:00:00Z'), randInt(rand, 0, 12000))),
			},
		};
		hibob.people.push(person);
		people.push(person as HiBobPerson);

		if (isManager) {
			const userId = fakeUuid(0xa2000000, i + 1);
			managerUserIds.set(id, userId);
			remote.companyManagers!.push({
				user_id: userId,
				user_name: person.displayName,
				user_email: person.email,
				role: 'people_manager',
			});
		}

		const record: GeneratedPerson = {
			hibobId: id,
			email: person.email,
			kind,
			country,
			active,
			remote: presence,
			hasMobile,
			startDate: isoDate(start),
		};
		if (kind && presence !== 'missing') {
			const blobs = remoteBlobsFor(person as HiBobPerson, country, kind);
			const linkedBy: 'external_id' | 'email' = rand() < matchByEmailRate ? 'email' : 'external_id';
			const employmentId = fakeUuid(0xe1000000, i + 1);
			const drift: string[] = [];
			if (presence === 'active' && rand() < driftRate) {
				if (rand() < 0.5) {
					(blobs.address_details as any).address = `${randInt(rand, 251, 400)} Old Street`;
					drift.push('address_details.address');
				} else {
					(blobs.basic_information as any).work_email = `${local}@old-domain.example.com`;
					drift.push('work_email');
				}
			}
			const department = departments.find(
				(d) => d.name === DEFAULT_DEPARTMENTS[Number(person.work!.department) - 201],
			);
			const managerUserId = manager ? managerUserIds.get(manager.id) : undefined;
			const employment: NewRemoteEmployment = {
				id: employmentId,
				type: kind,
				status: presence,
				country_code: country,
				external_id: linkedBy === 'external_id' ? id : null,
				basic_information: blobs.basic_information,
				address_details: blobs.address_details,
				emergency_contact_details: blobs.emergency_contact_details,
				administrative_details:
					country === 'USA' && person.identification?.ssn ? { ssn: person.identification.ssn } : {},
				work_email: (blobs.basic_information as any).work_email,
				department_id: department?.id ?? null,
				department: department?.name ?? null,
				manager_id: presence === 'active' && managerUserId ? managerUserId : null,
				manager_email: presence === 'active' && manager ? manager.email : null,
				manager: presence === 'active' && manager ? manager.displayName : null,
				created_at: `${isoDate(addDays(start, -20))}T10:00:00Z`,
				updated_at: `${isoDate(addDays(start, -20))}T10:00:00Z`,
			};
			remote.employments!.push(employment);
			record.remoteEmploymentId = employmentId;
			record.linkedBy = linkedBy;
			if (drift.length) record.drift = drift;
		}
		generated.push(record);
	}

	// Time off for people whose employment is active (EOR and GP only: contractors never get any).
	const eligible = generated.filter(
		(g) =>
			g.active &&
			g.remote === 'active' &&
			(g.kind === 'employee' || g.kind === 'global_payroll_employee'),
	);
	const requests = hibob.timeoffRequests!;
	const changes = hibob.timeoffChanges!;
	const byId = new Map(people.map((p) => [p.id, p]));
	let requestId = 20001;
	for (let k = 0; k < (options.withTimeoff ?? 0) && eligible.length; k++) {
		const who = eligible[Math.floor(rand() * eligible.length)];
		const person = byId.get(who.hibobId)!;
		const policy = pickWeighted(rand, Object.fromEntries(POLICIES.map((p) => [p.name, p.weight])));
		const start = weekday(addDays(now, randInt(rand, -5, 60)));
		const shape = rand();
		let request: HiBobTimeoffRequest;
		const createdOn = addDays(now, -randInt(rand, 0, 20));
		const base = {
			requestId: requestId++,
			employeeId: person.id,
			policyTypeDisplayName: policy,
			status: 'approved' as const,
			approved: true,
			approvedBy: 'Hera Admin',
			approvedAt: createdOn.toISOString(),
		};
		if (shape < 0.7) {
			const end = weekday(addDays(start, randInt(rand, 0, 4)));
			const days = Math.round((end.getTime() - start.getTime()) / 86_400_000) + 1;
			request = {
				...base,
				type: 'days',
				startDate: isoDate(start),
				startDatePortion: 'all_day',
				endDate: isoDate(end),
				endDatePortion: 'all_day',
				durationUnit: 'days',
				totalDuration: days,
			};
		} else if (shape < 0.85) {
			request = {
				...base,
				type: 'days',
				startDate: isoDate(start),
				startDatePortion: rand() < 0.5 ? 'morning' : 'afternoon',
				endDate: isoDate(start),
				endDatePortion: 'all_day',
				durationUnit: 'days',
				totalDuration: 0.5,
			};
		} else {
			const hours = randInt(rand, 1, 6);
			request = {
				...base,
				type: 'hours',
				startDate: isoDate(start),
				startDatePortion: 'all_day',
				endDate: isoDate(start),
				endDatePortion: 'all_day',
				date: isoDate(start),
				hoursOnDate: hours,
				durationUnit: 'hours',
				totalDuration: hours,
			};
		}
		const fate = rand();
		const rows: HiBobTimeoffChange[] = [];
		if (fate < 0.05) {
			request.status = 'pending';
			request.approved = false;
			delete request.approvedBy;
			delete request.approvedAt;
			rows.push(timeoffChangeFor(request, 'Pending', person, createdOn));
		} else {
			rows.push(timeoffChangeFor(request, 'Created', person, createdOn));
			if (fate < 0.1) {
				request.status = 'canceled';
				request.approved = false;
				rows.push(timeoffChangeFor(request, 'Canceled', person, addDays(createdOn, 1)));
			}
		}
		requests.push(request);
		changes.push(...rows);
	}
	changes.sort((a, b) => a.createdOn.localeCompare(b.createdOn));

	return {
		hibob,
		remote,
		syncField,
		credentials: TEST_CREDENTIALS,
		approverId,
		people: generated,
		now,
	};
}

// ---- the demo company ------------------------------------------------------------------------------------

/**
 * A small hand-written company for the demo: one person per interesting case of docs/sync-rules.md.
 * `people[].note` says which rule each one shows.
 */
export function makeDemoCompany(
	nowInput: Date = new Date(),
): GeneratedCompany & { notes: Record<string, string> } {
	const company = makeCompany({ people: 0, seed: 7, now: nowInput });
	const { hibob, remote, syncField } = company;
	const now = company.now;
	const syncKey = syncField.fieldId.split('.').pop()!;
	const unknownItem = '4899';
	hibob
		.namedLists!.find((l) => l.name === syncField.listId)!
		.items.push({
			id: unknownItem,
			name: 'As freelancer',
			value: 'As freelancer',
			archived: false,
			children: [],
		});
	const notes: Record<string, string> = {};
	let n = 0;
	const add = (
		note: string,
		spec: {
			first: string;
			last: string;
			country: SchemaFixtureCountry;
			kind: SyncKind | null | 'unknown';
			startInDays: number;
			mobile?: boolean;
			inactive?: boolean;
			title?: number;
			annual?: boolean;
		},
	): HiBobPerson => {
		n++;
		const id = hibobEmployeeId(900 + n);
		const cd = COUNTRY_DATA[spec.country];
		const place = cd.cities[0];
		const local = `${spec.first}.${spec.last}`.toLowerCase();
		const start = addDays(now, spec.startInDays);
		const manager = hibob.people[0] as HiBobPerson | undefined;
		const person: NewHiBobPerson = {
			id,
			email: `${local}@example.com`,
			firstName: spec.first,
			surname: spec.last,
			displayName: `${spec.first} ${spec.last}`,
			work: {
				title: String(101 + (spec.title ?? n % 9)),
				startDate: isoDate(start),
				department: String(201 + (n % DEFAULT_DEPARTMENTS.length)),
				site: cd.site,
				reportsTo:
					manager && n > 1
						? {
								id: manager.id,
								firstName: manager.firstName,
								surname: manager.surname,
								email: manager.email,
								displayName: manager.displayName,
							}
						: null,
				custom: {
					[syncKey]:
						spec.kind === null
							? null
							: spec.kind === 'unknown'
								? unknownItem
								: syncField.itemIds[spec.kind],
				},
			},
			internal: spec.inactive
				? {
						status: 'Inactive',
						lifecycleStatus: 'terminated',
						terminationDate: isoDate(addDays(now, -3)),
					}
				: { status: 'Active', lifecycleStatus: spec.startInDays > 0 ? 'hired' : 'employed' },
			address: {
				line1: `${10 + n} ${STREETS[n % STREETS.length]}`,
				line2: null,
				city: place.city,
				postCode: place.postCode,
				country: cd.name,
				usaState: place.usaState ?? null,
			},
			home: {
				privateEmail: `${local}@mail.example.net`,
				mobilePhone: spec.mobile === false ? null : `${cd.phonePrefix}${String(100 + n)}`,
			},
			emergency: {
				firstName: 'Sam',
				surname: spec.last,
				relation: 'Partner',
				phone: `${cd.phonePrefix}${String(500 + n)}`,
				email: null,
			},
			identification: { ssn: spec.country === 'USA' ? `900-12-${String(3400 + n)}` : null },
			payroll: {
				salary: {
					payment: { value: 80_000, currency: cd.currency },
					yearlyPayment: spec.annual === false ? null : { value: 80_000, currency: cd.currency },
					payPeriod: spec.annual === false ? 'Monthly' : 'Annual',
				},
			},
			personal: { birthDate: '1990-05-17' },
		};
		hibob.people.push(person);
		notes[id] = note;
		const kind = spec.kind === null || spec.kind === 'unknown' ? null : spec.kind;
		company.people.push({
			hibobId: id,
			email: person.email,
			kind,
			country: spec.country,
			active: !spec.inactive,
			remote: 'missing',
			hasMobile: spec.mobile !== false,
			startDate: isoDate(start),
		});
		return person as HiBobPerson;
	};
	const link = (
		person: HiBobPerson,
		status: EmploymentStatus,
		kind: SyncKind,
		country: SchemaFixtureCountry,
		how: 'external_id' | 'email',
		tweak?: (e: NewRemoteEmployment) => void,
	): string => {
		const id = fakeUuid(0xe2000000, remote.employments!.length + 1);
		const employment = linkedEmployment(person, id, status, kind, country, how);
		tweak?.(employment);
		remote.employments!.push(employment);
		const record = company.people.find((p) => p.hibobId === person.id)!;
		record.remote = status;
		record.remoteEmploymentId = id;
		record.linkedBy = how;
		return id;
	};

	const manager = add('Manager; a company manager in Remote (supervisor of the others)', {
		first: 'Maya',
		last: 'Lindqvist',
		country: 'USA',
		kind: 'employee',
		startInDays: -900,
		title: 9,
	});
	remote.companyManagers!.push({
		user_id: fakeUuid(0xa2000000, 1),
		user_name: manager.displayName,
		user_email: manager.email,
		role: 'people_manager',
	});
	link(manager, 'active', 'employee', 'USA', 'external_id');

	add('N1/N3: US employee starting in 30 days → created', {
		first: 'Noah',
		last: 'Carter',
		country: 'USA',
		kind: 'employee',
		startInDays: 30,
	});
	add('N5: German employee without a mobile number → remote_schema_invalid', {
		first: 'Greta',
		last: 'Hoffmann',
		country: 'DEU',
		kind: 'employee',
		startInDays: 45,
		mobile: false,
	});
	add('N1: employee whose start date has passed → start_date_not_in_future', {
		first: 'Paul',
		last: 'Mercer',
		country: 'GBR',
		kind: 'employee',
		startInDays: -10,
	});
	add('N2: UK contractor who already started → created', {
		first: 'Iris',
		last: 'Okoro',
		country: 'GBR',
		kind: 'contractor',
		startInDays: -60,
	});
	add('N7: Portuguese global payroll employee, annual salary → created with salary', {
		first: 'Tiago',
		last: 'Ferreira',
		country: 'PRT',
		kind: 'global_payroll_employee',
		startInDays: -5,
	});
	add('E2: unknown Sync to Remote value "As freelancer" → skipped', {
		first: 'Lars',
		last: 'Berg',
		country: 'DEU',
		kind: 'unknown',
		startInDays: 20,
	});
	add('E1: no Sync to Remote value → not synced', {
		first: 'Ana',
		last: 'Silva',
		country: 'PRT',
		kind: null,
		startInDays: -300,
	});

	const moved = add('U4: active employee who moved (address differs) → updated', {
		first: 'Hugo',
		last: 'Laurent',
		country: 'GBR',
		kind: 'employee',
		startInDays: -400,
	});
	link(moved, 'active', 'employee', 'GBR', 'external_id', (e) => {
		e.address_details = { address: '1 Old Road', city: 'London', postal_code: 'SW1A 1AA' };
	});
	const byEmail = add('M1/M4: active employee found by email only → external_id written', {
		first: 'Emma',
		last: 'Novak',
		country: 'DEU',
		kind: 'employee',
		startInDays: -200,
	});
	link(byEmail, 'active', 'employee', 'DEU', 'email', (e) => {
		e.login_email = byEmail.home?.privateEmail ?? undefined;
	});
	const promoted = add('U5: active employee with a new job title → needs_contract_amendment', {
		first: 'Ravi',
		last: 'Menon',
		country: 'USA',
		kind: 'employee',
		startInDays: -700,
		title: 1,
	});
	link(promoted, 'active', 'employee', 'USA', 'external_id', (e) => {
		(e.basic_information as any).job_title = DEFAULT_TITLES[0];
		e.job_title = DEFAULT_TITLES[0];
	});
	const onboarding = add(
		'U3: employment being onboarded (invited) with a new name → onboarding_in_progress',
		{
			first: 'Sofia',
			last: 'Marques',
			country: 'PRT',
			kind: 'employee',
			startInDays: 40,
		},
	);
	link(onboarding, 'invited', 'employee', 'PRT', 'external_id', (e) => {
		(e.basic_information as any).name = 'Sofia Marquez';
		e.full_name = 'Sofia Marquez';
	});
	const notStarted = add('U2: created employment, start date moved in HiBob → updated', {
		first: 'Jonas',
		last: 'Weber',
		country: 'DEU',
		kind: 'employee',
		startInDays: 60,
	});
	link(notStarted, 'created', 'employee', 'DEU', 'external_id', (e) => {
		(e.basic_information as any).provisional_start_date = isoDate(addDays(now, 50));
	});
	const archived = add('M3: only match is archived → matches_archived_profile', {
		first: 'Olga',
		last: 'Petrova',
		country: 'GBR',
		kind: 'employee',
		startInDays: 25,
	});
	link(archived, 'archived', 'employee', 'GBR', 'email', (e) => {
		e.login_email = archived.email;
	});
	const twin = add('M2: two Remote employments share the email → ambiguous_match', {
		first: 'Kai',
		last: 'Tanaka',
		country: 'USA',
		kind: 'contractor',
		startInDays: -30,
	});
	link(twin, 'active', 'contractor', 'USA', 'email', (e) => {
		e.login_email = twin.email;
	});
	link(twin, 'created', 'contractor', 'USA', 'email', (e) => {
		e.login_email = `${twin.email}`;
		e.personal_email = twin.email;
	});
	const leaver = add('U9: terminated in HiBob, active in Remote → terminated_in_hibob', {
		first: 'Dana',
		last: 'Cole',
		country: 'USA',
		kind: 'employee',
		startInDays: -800,
		inactive: true,
	});
	link(leaver, 'active', 'employee', 'USA', 'external_id');
	const gp = add('U6: active global payroll employee', {
		first: 'Bruno',
		last: 'Lopes',
		country: 'PRT',
		kind: 'global_payroll_employee',
		startInDays: -365,
	});
	link(gp, 'active', 'global_payroll_employee', 'PRT', 'external_id');

	// Time off (T rules) for active, linked people.
	const requests = hibob.timeoffRequests!;
	const changes = hibob.timeoffChanges!;
	const created = addDays(now, -2);
	const req = (
		r: Omit<HiBobTimeoffRequest, 'approved' | 'approvedBy' | 'approvedAt' | 'durationUnit'> &
			Partial<HiBobTimeoffRequest>,
		person: HiBobPerson,
		at = created,
	) => {
		const full: HiBobTimeoffRequest = {
			approved: r.status === 'approved',
			approvedBy: r.status === 'approved' ? 'Hera Admin' : undefined,
			approvedAt: r.status === 'approved' ? at.toISOString() : undefined,
			durationUnit: r.type === 'hours' ? 'hours' : 'days',
			...r,
		};
		if (full.approvedBy === undefined) delete full.approvedBy;
		if (full.approvedAt === undefined) delete full.approvedAt;
		requests.push(full);
		changes.push(
			timeoffChangeFor(full, full.status === 'pending' ? 'Pending' : 'Created', person, at),
		);
		return full;
	};
	const mon = weekday(addDays(now, 14));
	req(
		{
			requestId: 30001,
			employeeId: moved.id,
			policyTypeDisplayName: 'Holiday',
			type: 'days',
			startDate: isoDate(mon),
			startDatePortion: 'all_day',
			endDate: isoDate(addDays(mon, 2)),
			endDatePortion: 'all_day',
			totalDuration: 3,
			status: 'approved',
		},
		moved,
	);
	req(
		{
			requestId: 30002,
			employeeId: byEmail.id,
			policyTypeDisplayName: 'Sick',
			type: 'days',
			startDate: isoDate(weekday(addDays(now, 3))),
			startDatePortion: 'morning',
			endDate: isoDate(weekday(addDays(now, 3))),
			endDatePortion: 'all_day',
			totalDuration: 0.5,
			status: 'approved',
		},
		byEmail,
	);
	req(
		{
			requestId: 30003,
			employeeId: gp.id,
			policyTypeDisplayName: 'Holiday',
			type: 'hours',
			startDate: isoDate(weekday(addDays(now, 7))),
			startDatePortion: 'all_day',
			endDate: isoDate(weekday(addDays(now, 7))),
			endDatePortion: 'all_day',
			date: isoDate(weekday(addDays(now, 7))),
			hoursOnDate: 3,
			totalDuration: 3,
			status: 'approved',
		},
		gp,
	);
	const canceled = req(
		{
			requestId: 30004,
			employeeId: promoted.id,
			policyTypeDisplayName: 'Holiday',
			type: 'days',
			startDate: isoDate(weekday(addDays(now, 21))),
			startDatePortion: 'all_day',
			endDate: isoDate(weekday(addDays(now, 21))),
			endDatePortion: 'all_day',
			totalDuration: 1,
			status: 'canceled',
		},
		promoted,
		addDays(now, -5),
	);
	changes.push(timeoffChangeFor(canceled, 'Canceled', promoted, addDays(now, -1)));
	req(
		{
			requestId: 30005,
			employeeId: promoted.id,
			policyTypeDisplayName: 'Parental leave',
			type: 'days',
			startDate: isoDate(weekday(addDays(now, 30))),
			startDatePortion: 'all_day',
			endDate: isoDate(weekday(addDays(now, 30))),
			endDatePortion: 'all_day',
			totalDuration: 1,
			status: 'pending',
		},
		promoted,
	);
	req(
		{
			requestId: 30006,
			employeeId: moved.id,
			policyTypeDisplayName: 'Volunteering day',
			type: 'days',
			startDate: isoDate(weekday(addDays(now, 40))),
			startDatePortion: 'all_day',
			endDate: isoDate(weekday(addDays(now, 40))),
			endDatePortion: 'all_day',
			totalDuration: 1,
			status: 'approved',
		},
		moved,
	);
	changes.sort((a, b) => a.createdOn.localeCompare(b.createdOn));

	return { ...company, notes };
}

/** Named presets for the CLI and scripts: `demo`, `small`, or a number of people. */
export function companyPreset(name: string, seed = 1, now?: Date): GeneratedCompany {
	if (name === 'demo') return makeDemoCompany(now);
	if (name === 'small') return makeCompany({ people: 50, seed, now, withTimeoff: 20 });
	const count = Number(name);
	if (!Number.isInteger(count) || count < 0)
		throw new Error(`unknown company "${name}" (use demo, small or a number)`);
	return makeCompany({ people: count, seed, now, withTimeoff: Math.ceil(count / 5) });
}
