/**
 * The employee sync, rule by rule (docs/sync-rules.md E, M, N, U, R, S), run through the real nodes
 * (HiBob → Get Employees, Remote Upsert Employee) against the fake HiBob and Remote over HTTP.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { HiBobApi } from '../credentials/HiBobApi.credentials';
import { RemoteApi } from '../credentials/RemoteApi.credentials';
import { RemoteUpsertEmployee } from '../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import { linkKeys } from '../nodes/shared/core/memoryKeys';
import { advanceClock } from './harness/clock';
import { testCredential } from './harness/credentialTest';
import { makeContext } from './harness/n8n';
import { isoIn, makeWorld, MANAGER_EMAIL, MANAGER_ID } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

const usAddress = { address: '1 Main Street', city: 'New York', state: 'NY', postal_code: '10001' };

describe('Eligibility (E)', () => {
	it('E1: only people with "Sync to Remote" set are synced, each as the kind its label names', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee'),
				person('2', 'contractor'),
				person('3', 'global_payroll_employee'),
				person('4', null),
			],
		}));
		const people = await w.getEmployees();
		expect(people.map((p) => [p.json.hibobId, p.json.kind])).toEqual([
			['1', 'employee'],
			['2', 'contractor'],
			['3', 'global_payroll_employee'],
		]);
		const results = await w.upsert(people);
		expect(results.map((r) => r.json.outcome)).toEqual(['created', 'created', 'created']);
		const types = w.fakes.remote.state.employments.map((e) => [e.external_id, e.type]);
		expect(types).toEqual([
			['1', 'employee'],
			['2', 'contractor'],
			['3', 'global_payroll_employee'],
		]);
	});

	it('E1: list item ids resolve through humanReadable, labels match case-insensitively', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));
		const list = w.fakes.hibob.state.namedLists.find((l) => l.name === w!.sync.listId)!;
		for (const item of list.items) item.name = item.name.toUpperCase();
		const people = await w.getEmployees();
		expect(people[0].json.kind).toBe('contractor');
		expect(people[0].json.syncValue).toBe('AS CONTRACTOR');
	});

	it('E2: an unknown "Sync to Remote" value is skipped as unknown_sync_kind, naming the value', async () => {
		w = await makeWorld({}, ({ person, sync }) => ({
			people: [
				person('1', 'employee', {
					work: { custom: { [sync.fieldId.split('.').pop()!]: sync.extraItemIds['As intern'] } },
				}),
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'unknown_sync_kind' });
		expect(String(out.get('1')!.message)).toContain('As intern');
		expect(w.writes()).toBe(0);
	});

	it('E3: a linked employment of another kind is not changed: kind_change_needs_manual_action', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'contractor')],
			employments: [
				{
					external_id: '1',
					type: 'employee',
					status: 'active',
					personal_email: 'p1.home@example.org',
					full_name: 'First1 Last1',
				},
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({
			outcome: 'skipped',
			reason: 'kind_change_needs_manual_action',
		});
		expect(w.writes()).toBe(0);
	});
});

describe('Matching (M)', () => {
	it('M1: external_id first, then work email, then personal email; emails compared trimmed and lower-cased', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'employee'), person('3', 'employee')],
			employments: [
				{
					id: 'emp-ext',
					external_id: '1',
					status: 'active',
					personal_email: 'other1@example.org',
					full_name: 'First1 Last1',
				},
				{
					id: 'emp-work',
					status: 'active',
					work_email: 'P2@EXAMPLE.COM',
					personal_email: 'x2@example.org',
					full_name: 'First2 Last2',
				},
				{
					id: 'emp-home',
					status: 'active',
					personal_email: 'p3.home@example.org',
					full_name: 'First3 Last3',
				},
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ remoteEmploymentId: 'emp-ext', matchedBy: 'external_id' });
		expect(out.get('2')).toMatchObject({ remoteEmploymentId: 'emp-work', matchedBy: 'work_email' });
		expect(out.get('3')).toMatchObject({
			remoteEmploymentId: 'emp-home',
			matchedBy: 'personal_email',
		});
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(0);
	});

	it('M1: order decides, not the union: a work-email match beats a personal-email match; an external-id match beats a work-email match', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'employee')],
			employments: [
				// Person 1: one employment has their personal email, another their work email.
				{
					id: 'emp-1-home',
					status: 'active',
					work_email: 'someone.else1@example.com',
					personal_email: 'p1.home@example.org',
					full_name: 'First1 Last1',
				},
				{
					id: 'emp-1-work',
					status: 'active',
					work_email: 'p1@example.com',
					personal_email: 'other1@example.org',
					full_name: 'First1 Last1',
				},
				// Person 2: one employment carries their HiBob id, another their work email.
				{
					id: 'emp-2-work',
					status: 'active',
					work_email: 'p2@example.com',
					personal_email: 'other2@example.org',
					full_name: 'First2 Last2',
				},
				{
					id: 'emp-2-ext',
					external_id: '2',
					status: 'active',
					work_email: 'x2@example.com',
					personal_email: 'y2@example.org',
					full_name: 'First2 Last2',
				},
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({
			remoteEmploymentId: 'emp-1-work',
			matchedBy: 'work_email',
		});
		expect(out.get('2')).toMatchObject({
			remoteEmploymentId: 'emp-2-ext',
			matchedBy: 'external_id',
		});
		expect(w.fakes.remote.getEmployment('emp-1-work')!.external_id).toBe('1');
		expect(w.fakes.remote.getEmployment('emp-1-home')!.external_id ?? null).toBeNull();
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(0);
	});

	it('M2: ambiguity counts only at the first step that finds any: two share the personal email, one has the work email → linked to it', async () => {
		w = await makeWorld({ remote: { uniqueLoginEmails: false } }, ({ person }) => ({
			people: [person('1', 'employee')],
			employments: [
				{
					id: 'emp-a',
					status: 'active',
					work_email: 'p1@example.com',
					personal_email: 'p1.home@example.org',
					full_name: 'First1 Last1',
				},
				{
					id: 'emp-b',
					status: 'active',
					work_email: 'b@example.com',
					personal_email: 'p1.home@example.org',
					full_name: 'First1 Last1',
				},
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ remoteEmploymentId: 'emp-a', matchedBy: 'work_email' });
		expect(out.get('1')!.reason).not.toBe('ambiguous_match');
		expect(w.fakes.remote.getEmployment('emp-a')!.external_id).toBe('1');
	});

	it('M2: two Remote employments share the email → no write, reason ambiguous_match listing both', async () => {
		w = await makeWorld({ remote: { uniqueLoginEmails: false } }, ({ person }) => ({
			people: [person('1', 'employee')],
			employments: [
				{
					id: 'emp-a',
					status: 'active',
					work_email: 'p1@example.com',
					personal_email: 'a@example.org',
				},
				{
					id: 'emp-b',
					status: 'created',
					work_email: 'p1@example.com',
					personal_email: 'b@example.org',
				},
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({
			outcome: 'skipped',
			reason: 'ambiguous_match',
			candidates: ['emp-a', 'emp-b'],
		});
		expect(w.writes()).toBe(0);
	});

	it('M3: the only match is archived → matches_archived_profile, nothing created', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee')],
			employments: [{ id: 'emp-old', status: 'archived', personal_email: 'p1.home@example.org' }],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'matches_archived_profile' });
		expect(String(out.get('1')!.message)).toMatch(/support can merge/i);
		expect(w.writes()).toBe(0);
	});

	it('M4: a match by email writes external_id, so a later email change in HiBob still finds it (then U1 syncs the email)', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee')],
			employments: [
				{
					id: 'emp-1',
					status: 'active',
					full_name: 'First1 Last1',
					work_email: 'p1@example.com',
					personal_email: 'p1.home@example.org',
					address_details: usAddress,
					emergency_contact_details: {
						name: 'Em Contact1',
						relationship: 'Spouse',
						phone_number: '+12125550199',
					},
					department_id: 'dept-eng',
					job_title: 'Software Engineer',
				},
			],
		}));
		const first = await w.run();
		expect(first.get('1')).toMatchObject({ outcome: 'updated', remoteEmploymentId: 'emp-1' });
		expect(w.fakes.remote.state.employments[0].external_id).toBe('1');
		w.fakes.hibob.updatePerson('1', { email: 'new.address@example.com' });
		const second = await w.run();
		expect(second.get('1')).toMatchObject({ outcome: 'updated', matchedBy: 'external_id' });
		expect(second.get('1')!.changes).toEqual([
			{ field: 'work_email', from: 'p1@example.com', to: 'new.address@example.com' },
		]);
		expect(w.fakes.remote.state.employments[0].work_email).toBe('new.address@example.com');
	});
});

describe('Creating (N)', () => {
	it('N1: an EOR new hire needs a start date after today', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { work: { startDate: isoIn(0) } }),
				person('2', 'employee', { work: { startDate: isoIn(-10) } }),
				person('3', 'employee', { work: { startDate: isoIn(30) } }),
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'start_date_not_in_future' });
		expect(out.get('2')).toMatchObject({ outcome: 'skipped', reason: 'start_date_not_in_future' });
		expect(out.get('3')).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(1);
	});

	it('N2: global payroll employees take any start date; contractors any or none', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'global_payroll_employee', { work: { startDate: isoIn(-200) } }),
				person('2', 'contractor', { work: { startDate: null } }),
				person('3', 'contractor', { work: { startDate: isoIn(-3) } }),
			],
		}));
		const out = await w.run();
		expect([...out.values()].map((o) => o.outcome)).toEqual(['created', 'created', 'created']);
	});

	it('N3: a new hire gets name, emails, start date, job title, country, address, department, emergency contact and SSN (USA)', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { work: { department: '201' } })],
		}));
		const out = await w.run();
		expect(out.get('1')!.outcome).toBe('created');
		const e = w.fakes.remote.state.employments[0];
		expect(e.basic_information).toMatchObject({
			name: 'First1 Last1',
			email: 'p1.home@example.org',
			work_email: 'p1@example.com',
			job_title: 'Software Engineer',
			provisional_start_date: isoIn(40),
		});
		expect(e.country.code).toBe('USA');
		expect(e.address_details).toMatchObject(usAddress);
		expect(e.emergency_contact_details).toMatchObject({
			name: 'Em Contact1',
			relationship: 'Spouse',
			phone_number: '+12125550199',
		});
		expect(e.administrative_details).toEqual({ ssn: '123-45-6789' });
		expect(e.department_id).toBe('dept-eng');
		// R1: the SSN is masked in the output.
		expect(JSON.stringify(out.get('1'))).not.toContain('123-45-6789');
		expect(JSON.stringify(out.get('1'))).toContain('***89');
	});

	it('N4: the country comes from the address (converted to alpha-3), else the work site; none → missing_country', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'contractor', {
					address: { country: 'GB', postCode: 'SW1A 1AA', city: 'London', usaState: null },
				}),
				person('2', 'contractor', {
					address: { country: null, usaState: null, city: 'Lisboa', postCode: '1100-148' },
					work: { site: 'Lisbon, Portugal' },
				}),
				person('3', 'contractor', { address: { country: null }, work: { site: 'Remote' } }),
			],
		}));
		const out = await w.run();
		expect(out.get('1')!.outcome).toBe('created');
		expect(out.get('2')!.outcome).toBe('created');
		expect(out.get('3')).toMatchObject({ outcome: 'skipped', reason: 'missing_country' });
		expect(w.fakes.remote.state.employments.map((e) => e.country.code)).toEqual(['GBR', 'PRT']);
	});

	it('N5: the payload is checked against the country schema (once per country and form) before any write', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', {
					address: { country: 'Germany', city: 'Berlin', postCode: '10115', usaState: null },
					home: { mobilePhone: null },
				}),
				person('2', 'employee', { address: { usaState: null } }),
				person('3', 'employee'),
				person('4', 'employee'),
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'remote_schema_invalid' });
		expect(String(out.get('1')!.message)).toContain('mobile_number');
		expect(String(out.get('1')!.message)).toContain('tax_servicing_countries');
		expect(out.get('2')).toMatchObject({ outcome: 'skipped', reason: 'remote_schema_invalid' });
		expect(String(out.get('2')!.message)).toContain('address_details.state');
		expect(out.get('3')!.outcome).toBe('created');
		expect(out.get('4')!.outcome).toBe('created');
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(2);
		// DEU: basic, address, emergency; USA: the same plus administrative (SSN).
		expect(w.fakes.remote.count('GET /v1/countries/:code/:form')).toBe(3 + 4);
	});

	it('N6: the employment is created with the kind as type and the HiBob id as external_id', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('77', 'global_payroll_employee')],
		}));
		await w.run();
		expect(w.fakes.remote.state.employments[0]).toMatchObject({
			type: 'global_payroll_employee',
			external_id: '77',
		});
	});

	it('N7: a currency without minor units (JPY) is still sent ×100, as Remote documents', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'global_payroll_employee', {
					payroll: {
						salary: { yearlyPayment: { value: 9_000_000, currency: 'JPY' }, payPeriod: 'Annual' },
					},
				}),
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.state.employments[0].contract_details).toEqual({
			annual_gross_salary: 900_000_000,
		});
		expect(JSON.stringify(out.get('1'))).not.toContain('900000000');
	});

	it('N7: GP salary goes in minor units only when HiBob pays annually; never for EOR or contractors', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'global_payroll_employee', {
					payroll: {
						salary: { yearlyPayment: { value: 79200, currency: 'USD' }, payPeriod: 'Annual' },
					},
				}),
				person('2', 'global_payroll_employee', {
					payroll: {
						salary: { yearlyPayment: { value: 5000, currency: 'USD' }, payPeriod: 'Monthly' },
					},
				}),
				person('3', 'employee'),
			],
		}));
		const out = await w.run();
		const [gp1, gp2, eor] = w.fakes.remote.state.employments;
		expect(gp1.contract_details).toEqual({ annual_gross_salary: 7920000 });
		expect(gp2.contract_details).toEqual({});
		expect(eor.contract_details).toEqual({});
		expect(JSON.stringify(out.get('1'))).not.toContain('7920000');
	});
});

function activeEmployment(id: string, overrides: Record<string, any> = {}) {
	return {
		id: `emp-${id}`,
		external_id: id,
		status: 'active' as const,
		type: 'employee' as const,
		full_name: `First${id} Last${id}`,
		job_title: 'Software Engineer',
		work_email: `p${id}@example.com`,
		personal_email: `p${id}.home@example.org`,
		provisional_start_date: isoIn(40),
		department_id: 'dept-eng',
		address_details: { ...usAddress },
		emergency_contact_details: {
			name: `Em Contact${id}`,
			relationship: 'Spouse',
			phone_number: '+12125550199',
		},
		administrative_details: { ssn: '123-45-6789' },
		...overrides,
	};
}

describe('Updating (U)', () => {
	it('U1: no difference → unchanged and no write at all; a second run after a sync is all unchanged', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee'),
				person('2', 'employee', { address: { city: 'Brooklyn' } }),
				person('3', 'global_payroll_employee'),
			],
			employments: [activeEmployment('1'), activeEmployment('2')],
		}));
		const first = await w.run();
		expect(first.get('1')).toMatchObject({ outcome: 'unchanged', reason: 'in_sync' });
		expect(first.get('2')).toMatchObject({ outcome: 'updated' });
		expect(first.get('2')!.changes).toEqual([
			{ field: 'address_details.city', from: 'New York', to: 'Brooklyn' },
		]);
		expect(first.get('3')!.outcome).toBe('created');
		w.fakes.remote.resetCounters();
		const second = await w.run();
		expect([...second.values()].map((o) => o.outcome)).toEqual([
			'unchanged',
			'unchanged',
			'unchanged',
		]);
		expect(w.writes()).toBe(0);
	});

	it('U2: not started: name, start date, job title and email sync; an EOR start date must still be in the future', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', {
					firstName: 'Renamed',
					work: { title: '102', startDate: isoIn(60) },
					email: 'renamed@example.com',
				}),
				person('2', 'employee', { work: { startDate: isoIn(-1) } }),
			],
			employments: [
				activeEmployment('1', {
					status: 'created',
					basic_information: {
						name: 'First1 Last1',
						email: 'p1.home@example.org',
						job_title: 'Software Engineer',
						provisional_start_date: isoIn(40),
						work_email: 'p1@example.com',
					},
				}),
				activeEmployment('2', { status: 'created' }),
			],
		}));
		const out = await w.run();
		expect(out.get('1')!.outcome).toBe('updated');
		const fields = (out.get('1')!.changes as Array<{ field: string }>).map((c) => c.field).sort();
		// The whole basic information form is built from HiBob (the mobile number HiBob has too).
		expect(fields).toEqual([
			'basic_information.mobile_number',
			'full_name',
			'job_title',
			'provisional_start_date',
			'work_email',
		]);
		const e = w.fakes.remote.state.employments[0];
		expect(e.full_name).toBe('Renamed Last1');
		expect(e.basic_information.provisional_start_date).toBe(isoIn(60));
		expect(out.get('2')).toMatchObject({ outcome: 'skipped', reason: 'start_date_not_in_future' });
	});

	it('U3: an onboarding employee gives onboarding_in_progress, lists the pending differences and writes nothing', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { firstName: 'Changed' })],
			employments: [activeEmployment('1', { status: 'invited' })],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'onboarding_in_progress' });
		expect(out.get('1')!.heldBack).toEqual([
			{
				field: 'full_name',
				from: 'First1 Last1',
				to: 'Changed Last1',
				reason: 'onboarding_in_progress',
			},
		]);
		expect(w.writes()).toBe(0);
		// The next run after onboarding completes applies them.
		w.fakes.remote.setStatus('emp-1', 'active');
		const after = await w.run();
		expect(after.get('1')).toMatchObject({ outcome: 'skipped', reason: 'not_updatable_via_api' });
	});

	it('U4: active: address, supervisor, department, emergency contact and work email are written (department via PATCH /v2)', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', {
					email: 'moved@example.com',
					address: { line1: '9 Elm Street' },
					work: {
						department: '202',
						reportsTo: {
							id: '9',
							firstName: 'The',
							surname: 'Boss',
							email: MANAGER_EMAIL,
							displayName: 'The Boss',
						},
					},
					emergency: { phone: '+12125550111' },
				}),
			],
			employments: [activeEmployment('1')],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'updated', reason: 'updated' });
		expect(w.fakes.remote.count('PATCH /v2/employments/:id')).toBe(1);
		const e = w.fakes.remote.state.employments[0];
		expect(e).toMatchObject({
			work_email: 'moved@example.com',
			department_id: 'dept-product',
			manager_id: MANAGER_ID,
		});
		expect(e.address_details.address).toBe('9 Elm Street');
		expect(e.emergency_contact_details.phone_number).toBe('+12125550111');
		expect(w.fakes.remote.count('PATCH /v1/employments/:id')).toBe(1);
	});

	it('U5: an active EOR job-title change gives needs_contract_amendment and no PATCH of the title', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { work: { title: '103' } }),
				person('2', 'employee', { work: { title: '103' }, address: { city: 'Queens' } }),
			],
			employments: [activeEmployment('1'), activeEmployment('2')],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'needs_contract_amendment' });
		expect(out.get('2')).toMatchObject({ outcome: 'updated', reason: 'needs_contract_amendment' });
		const patches = w.fakes.remote.requests.filter((r) => r.method === 'PATCH');
		expect(patches).toHaveLength(1);
		expect(JSON.stringify(patches[0].body)).not.toContain('job_title');
		expect(w.fakes.remote.state.employments[1].job_title).toBe('Software Engineer');
	});

	it('U6: active GP: hire date, job title and salary differences are reported as needs_contract_amendment', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'global_payroll_employee', { work: { title: '103', startDate: isoIn(-30) } }),
			],
			employments: [
				activeEmployment('1', {
					type: 'global_payroll_employee',
					provisional_start_date: isoIn(-60),
					contract_details: { annual_gross_salary: 100 },
				}),
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'needs_contract_amendment' });
		const held = (out.get('1')!.heldBack as Array<{ field: string; reason: string }>)
			.map((h) => h.field)
			.sort();
		expect(held).toEqual([
			'contract_details.annual_gross_salary',
			'job_title',
			'provisional_start_date',
		]);
		expect(JSON.stringify(out.get('1'))).not.toContain('8500000');
		expect(w.writes()).toBe(0);
	});

	it('U7: a field Remote refuses in this status is named not_updatable_via_api; the rest still goes through', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { firstName: 'Newname', address: { city: 'Albany' } })],
			employments: [activeEmployment('1')],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'updated' });
		expect(out.get('1')!.heldBack).toEqual([
			{
				field: 'full_name',
				reason: 'not_updatable_via_api',
				from: 'First1 Last1',
				to: 'Newname Last1',
			},
		]);
		expect(w.fakes.remote.state.employments[0].address_details.city).toBe('Albany');
		expect(w.fakes.remote.state.employments[0].full_name).toBe('First1 Last1');
	});

	it.each([
		['offboarding', 'employment_not_active'],
		['archived', 'matches_archived_profile'], // M3 covers archived matches
	] as const)(
		'U8: %s (gone), linked by external id, with HiBob differences → skipped (%s), nothing written or created',
		async (status, reason) => {
			w = await makeWorld({}, ({ person }) => ({
				people: [
					person('1', 'employee', {
						firstName: 'Renamed',
						email: 'new@example.com',
						address: { city: 'Boston' },
					}),
				],
				employments: [activeEmployment('1', { status })],
			}));
			const out = await w.run();
			expect(out.get('1')).toMatchObject({
				outcome: 'skipped',
				reason,
				remoteEmploymentId: 'emp-1',
				changes: [],
			});
			expect(w.writes()).toBe(0);
			expect(w.fakes.remote.state.employments).toHaveLength(1);
			// Also on the next run (nothing remembered as "in sync" that could hide a change of status).
			expect((await w.run()).get('1')).toMatchObject({ outcome: 'skipped', reason });
			expect(w.writes()).toBe(0);
		},
	);

	it.each([
		['deleted in Remote (no longer listed, still readable by id)', 'deleted'],
		['gone from Remote (no longer listed, 404 by id)', 'missing'],
		['no longer matching (its external ID and emails changed in Remote)', 'unmatched'],
	] as const)(
		'U8/M3/R6: an employment an earlier run synced, then %s → skipped, never created again',
		async (_label, how) => {
			w = await makeWorld({}, ({ person }) => ({
				people: [person('1', 'employee', { address: { city: 'Boston' } }), person('2', 'employee')],
				employments: [activeEmployment('1'), activeEmployment('2')],
			}));
			expect((await w.run()).get('1')).toMatchObject({ outcome: 'updated' });
			if (how === 'deleted') w.fakes.remote.setStatus('emp-1', 'deleted');
			else if (how === 'missing')
				w.fakes.remote.state.employments.splice(
					w.fakes.remote.state.employments.findIndex((e) => e.id === 'emp-1'),
					1,
				);
			else
				Object.assign(
					w.fakes.remote.state.employments.find((e) => e.id === 'emp-1')!,
					{
						external_id: 'someone-else',
						personal_email: 'other@example.com',
						work_email: 'other@example.org',
						login_email: 'other@example.org',
					},
				);
			w.fakes.remote.resetCounters();
			for (let run = 0; run < 2; run++) {
				const out = await w.run();
				expect(out.get('1')).toMatchObject({
					outcome: 'skipped',
					reason: 'matches_archived_profile',
					remoteEmploymentId: null,
					matchedBy: 'earlier_run',
				});
				expect(String(out.get('1')!.message)).toMatch(/Nothing was created/);
				expect(out.get('2')).toMatchObject({ outcome: 'unchanged' });
			}
			expect(w.fakes.remote.count('POST /v1/employments')).toBe(0);
			expect(w.writes()).toBe(0);
			// The memory says an earlier run synced the person; nothing is read by id.
			expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		},
	);

	it('U8/R6: a look-up cut off before its take-back (a crash) cannot make a new hire look synced before: one of the two names is not enough', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'contractor')],
			employments: [activeEmployment('1')],
		}));
		// What an interrupted first look-up leaves: the first link name of person 2, recorded.
		const { ctx } = makeContext(new RemoteUpsertEmployee(), {
			parameters: {},
			processedData: w.store,
		});
		await ctx.helpers.checkProcessedAndRecord([linkKeys('2')[0]], 'node', { mode: 'entries' });
		const out = await w.run();
		expect(out.get('2')).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(1);
	});

	it('U8: the memory of who was synced is per person: a new hire nothing matches is still created, once', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'contractor')],
			employments: [activeEmployment('1')],
		}));
		const first = await w.run();
		expect(first.get('2')).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(1);
		// A dry run looks at the memory but records nothing: the next real run still knows person 2.
		await w.run({ dryRun: true });
		const second = await w.run();
		expect(second.get('2')!.outcome).not.toBe('created');
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(1);
	});

	it('U9: terminated in HiBob but active in Remote → terminated_in_hibob, never offboarded', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', {
					internal: { status: 'Inactive', lifecycleStatus: 'terminated' },
				}),
			],
			employments: [activeEmployment('1')],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'terminated_in_hibob' });
		expect(w.writes()).toBe(0);
	});
});

describe('Every run (R)', () => {
	it('R1: one item per person paired to its input, with ids, kind, outcome, reason, changes and what was skipped', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { address: { city: 'Albany' }, firstName: 'X' }),
				person('2', 'contractor'),
			],
			employments: [activeEmployment('1')],
		}));
		const people = await w.getEmployees();
		const out = await w.upsert(people);
		expect(out).toHaveLength(2);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toMatchObject({
			hibobId: '1',
			name: 'X Last1',
			remoteEmploymentId: 'emp-1',
			kind: 'employee',
			outcome: 'updated',
			reason: 'updated',
			changes: [{ field: 'address_details.city', from: 'New York', to: 'Albany' }],
			heldBack: [{ field: 'full_name', reason: 'not_updatable_via_api' }],
		});
	});

	it('R2: one person failing never stops the others; bad credentials stop the node with a message', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'contractor'), person('2', 'contractor')],
		}));
		w.fakes.remote.failNext('POST /v1/employments', {
			status: 422,
			body: { errors: { 'basic_information.name': ['is invalid'] } },
		});
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'failed', reason: 'remote_refused' });
		expect(String(out.get('1')!.message)).toContain('basic_information.name: is invalid');
		expect(out.get('2')!.outcome).toBe('created');
		(w.credentials.remoteApi as any).apiToken = 'wrong-token';
		await expect(w.run()).rejects.toThrow(/Remote answered 401/);
	});

	it('R3: dry run gives the same output from the same reads, with no write request', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { address: { city: 'Albany' } }),
				person('2', 'global_payroll_employee'),
			],
			employments: [activeEmployment('1')],
		}));
		const dry = await w.run({ dryRun: true });
		expect(w.writes()).toBe(0);
		expect(dry.get('1')).toMatchObject({ outcome: 'updated', dryRun: true });
		expect(dry.get('2')).toMatchObject({ outcome: 'created', dryRun: true });
		const real = await w.run();
		for (const id of ['1', '2']) {
			const {
				dryRun: _d,
				plannedRequests: _p,
				remoteEmploymentId: _r,
				...rest
			} = dry.get(id)! as any;
			expect(real.get(id)).toMatchObject(rest);
		}
	});

	it('R4: reads are batched: one people search, employments page by page, schemas once per country form', async () => {
		const people: any[] = [];
		const employments: any[] = [];
		w = await makeWorld({}, ({ person }) => {
			for (let i = 1; i <= 250; i++) {
				const uk = {
					address: {
						country: 'United Kingdom',
						city: i <= 230 ? 'London' : `City${i}`,
						postCode: 'SW1A 1AA',
						usaState: null,
					},
				};
				people.push(person(String(i), 'employee', uk));
				const address = { address: '1 Main Street', city: 'London', postal_code: 'SW1A 1AA' };
				if (i <= 240)
					employments.push(
						activeEmployment(String(i), { country_code: 'GBR', address_details: address }),
					);
			}
			return { people, employments };
		});
		const out = await w.run();
		// One search for everyone (no SSN or salary is needed outside the USA and global payroll).
		expect(w.fakes.hibob.count('POST /v1/people/search')).toBe(1);
		expect(w.fakes.remote.count('GET /v1/employments')).toBe(3);
		expect(w.fakes.remote.count('GET /v1/countries/:code/:form')).toBe(3);
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(10);
		expect([...out.values()].filter((o) => o.outcome === 'updated')).toHaveLength(10);
		w.fakes.remote.resetCounters();
		w.fakes.hibob.resetCounters();
		await w.run();
		// Second run: the people are remembered as in sync, so no employment is read one by one.
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		expect(w.writes()).toBe(0);
	});

	it('R4: people whose differences cannot be written are remembered too: the next run reads no employment and reports the same reason', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { work: { title: '103' } }),
				person('2', 'employee', { work: { department: '205' } }),
				person('3', 'employee'),
			],
			employments: [activeEmployment('1'), activeEmployment('2'), activeEmployment('3')],
		}));
		const first = await w.run();
		expect(first.get('1')).toMatchObject({
			outcome: 'skipped',
			reason: 'needs_contract_amendment',
		});
		expect(first.get('2')).toMatchObject({
			outcome: 'skipped',
			reason: 'department_not_in_remote',
		});
		w.fakes.remote.resetCounters();
		const second = await w.run();
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		// The memory keeps no values: the reason is reported again, the fields the list still shows named.
		expect(second.get('1')).toMatchObject({
			outcome: 'skipped',
			reason: 'needs_contract_amendment',
			heldBack: [],
		});
		expect(String(second.get('1')!.message)).toMatch(
			/unchanged since the last run that read this employment in full.*list shows job_title different/,
		);
		expect(second.get('2')).toMatchObject({
			outcome: 'skipped',
			reason: 'department_not_in_remote',
		});
		expect(second.get('3')).toMatchObject({ outcome: 'unchanged' });
		// Once the department exists in Remote, the fingerprint changes and the person is read and updated.
		w.fakes.remote.addDepartment('Customer Success');
		const third = await w.run();
		expect(third.get('2')).toMatchObject({ outcome: 'updated' });
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(1);
	});

	it('R4/U3/U7: an external_id that cannot be written (onboarding, a contractor) is remembered too: the next run reads no employment; once onboarding ends it is written', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'contractor'), person('3', 'employee')],
			// Linked by work email only: Remote holds no external_id for any of them.
			employments: [
				activeEmployment('1', { status: 'invited', external_id: null }),
				activeEmployment('2', { type: 'contractor', external_id: null }),
				activeEmployment('3', { status: 'invited', external_id: null }),
			],
		}));
		const first = await w.run();
		expect(first.get('1')).toMatchObject({ outcome: 'skipped', reason: 'onboarding_in_progress' });
		expect(first.get('1')!.heldBack).toContainEqual({
			field: 'external_id',
			from: null,
			to: '1',
			reason: 'onboarding_in_progress',
		});
		expect(first.get('2')).toMatchObject({ outcome: 'skipped', reason: 'not_updatable_via_api' });
		expect(w.writes()).toBe(0);
		w.fakes.remote.resetCounters();
		const second = await w.run();
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		for (const id of ['1', '2', '3'])
			expect(second.get(id)).toMatchObject({
				outcome: first.get(id)!.outcome,
				reason: first.get(id)!.reason,
			});
		expect(String(second.get('1')!.message)).toMatch(/list shows external_id different/);
		// Onboarding ends for person 1: the status is in the fingerprint, so it is read and linked.
		w.fakes.remote.setStatus('emp-1', 'active');
		w.fakes.remote.resetCounters();
		await w.run();
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(1);
		expect(w.fakes.remote.getEmployment('emp-1')!.external_id).toBe('1');
		expect(w.fakes.remote.getEmployment('emp-3')!.external_id ?? null).toBeNull();
	});

	it('R6: a crash after the first half of the writes, then a re-run, gives no duplicate', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: Array.from({ length: 6 }, (_, i) => person(String(i + 1), 'contractor')),
		}));
		// The run stops after the first half of the writes (only three items reached the node), then runs again.
		const people = await w.getEmployees();
		const firstHalf = await w.upsert(people.slice(0, 3));
		expect(firstHalf.every((o) => o.json.outcome === 'created')).toBe(true);
		const calls = w.fakes.remote.count('POST /v1/employments');
		const rerun = await w.run();
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(calls + 3);
		expect([...rerun.values()].filter((o) => o.outcome === 'created')).toHaveLength(3);
		expect(w.fakes.remote.state.employments).toHaveLength(6);
	});

	it('R6: a create whose answer is lost is looked up (external_id, email) before it is sent again', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'contractor'), person('2', 'contractor')],
		}));
		w.fakes.remote.failNext('POST /v1/employments', { dropAfterApply: true });
		const out = await w.run();
		expect(out.get('1')!.outcome).toBe('created');
		expect(out.get('2')!.outcome).toBe('created');
		expect(w.fakes.remote.state.employments.map((e) => e.external_id)).toEqual(['1', '2']);
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(2);
	});
});

describe('Options of Remote Upsert Employee', () => {
	it('N3/U4 syncSsn: false: a USA new hire is created without the SSN, and an SSN difference on an active employment is neither sent nor reported', async () => {
		for (const syncSsn of [true, false]) {
			w = await makeWorld({}, ({ person }) => ({
				people: [
					person('1', 'employee'),
					person('2', 'employee', { identification: { ssn: '111-22-3333' } }),
				],
				employments: [activeEmployment('2')],
			}));
			const out = await w.run({ syncSsn });
			const created = w.fakes.remote.state.employments.find((e) => e.external_id === '1')!;
			const ssnFields = JSON.stringify([out.get('2')!.changes, out.get('2')!.heldBack]);
			if (syncSsn) {
				expect(created.administrative_details).toMatchObject({ ssn: '123-45-6789' });
				expect(ssnFields).toContain('administrative_details.ssn');
			} else {
				expect(created.administrative_details?.ssn).toBeUndefined();
				expect(ssnFields).not.toContain('ssn');
				expect(out.get('2')).toMatchObject({ outcome: 'unchanged' });
				expect(JSON.stringify(w.fakes.remote.requests.map((r) => r.body))).not.toContain('ssn');
			}
			expect(w.fakes.remote.getEmployment('emp-2')!.administrative_details).toMatchObject({
				ssn: '123-45-6789',
			});
			await w.close();
			w = undefined;
		}
	});

	it('N7 syncSalary: false: a global payroll new hire is created without the annual salary', async () => {
		for (const syncSalary of [true, false]) {
			w = await makeWorld({}, ({ person }) => ({
				people: [person('1', 'global_payroll_employee')],
			}));
			await w.run({ syncSalary });
			const created = w.fakes.remote.state.employments[0];
			expect(created.contract_details).toEqual(
				syncSalary ? { annual_gross_salary: 8_500_000 } : {},
			);
			if (!syncSalary)
				expect(JSON.stringify(w.fakes.remote.requests.map((r) => r.body))).not.toContain(
					'annual_gross_salary',
				);
			await w.close();
			w = undefined;
		}
	});

	// An employment in sync with HiBob whose address is then edited by hand in Remote.
	const editedInRemote = async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'employee')],
			employments: [activeEmployment('1'), activeEmployment('2')],
		}));
		expect([...(await w.run()).values()].map((o) => o.outcome)).toEqual(['unchanged', 'unchanged']);
		w.fakes.remote.getEmployment('emp-1')!.address_details.address = '9 Edited By Hand';
		w.fakes.remote.resetCounters();
		return w;
	};
	const repaired = (out: Map<string, any>) =>
		out
			.get('1')
			?.changes?.some(
				(c: any) => c.field === 'address_details.address' && c.to === '1 Main Street',
			);

	it('R4 recheckAll: true reads every matched employment and puts back an edit made in Remote at once', async () => {
		const w = await editedInRemote();
		const plain = await w.run();
		expect(plain.get('1')).toMatchObject({ outcome: 'unchanged' });
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		const out = await w.run({ recheckAll: true });
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(2);
		expect(out.get('1')).toMatchObject({ outcome: 'updated' });
		expect(repaired(out)).toBe(true);
		expect(w.fakes.remote.getEmployment('emp-1')!.address_details.address).toBe('1 Main Street');
		expect(w.writes()).toBe(1);
	});

	it('R4 fullRecheckHours (default 24): an edit made in Remote is put back by the first run a day after the last full re-check, not before', async () => {
		const w = await editedInRemote();
		advanceClock(23 * 3600_000);
		expect((await w.run()).get('1')).toMatchObject({ outcome: 'unchanged' });
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		advanceClock(1 * 3600_000 + 60_000);
		const daily = await w.run();
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(2);
		expect(daily.get('1')).toMatchObject({ outcome: 'updated' });
		expect(repaired(daily)).toBe(true);
		expect(w.writes()).toBe(1);
		// The next run is back to reading only what changed.
		w.fakes.remote.resetCounters();
		advanceClock(3600_000);
		await w.run();
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		// A dry run never moves the re-check time: it plans the full re-check and writes nothing.
		advanceClock(24 * 3600_000);
		w.fakes.remote.getEmployment('emp-2')!.address_details.city = 'Edited';
		await w.run({ dryRun: true });
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(2);
		expect(w.writes()).toBe(0);
		expect((await w.run()).get('2')).toMatchObject({ outcome: 'updated' });
	});

	it('R4 fullRecheckHours: 0 never re-checks on its own; a shorter interval re-checks sooner; a negative one stops the node', async () => {
		const w = await editedInRemote();
		advanceClock(48 * 3600_000);
		expect((await w.run({ fullRecheckHours: 0 })).get('1')).toMatchObject({ outcome: 'unchanged' });
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		advanceClock(2 * 3600_000);
		expect(repaired(await w.run({ fullRecheckHours: 1 }))).toBe(true);
		await expect(w.run({ fullRecheckHours: -1 })).rejects.toThrow(/Full Re-Check Every \(Hours\)/);
	});
});

describe('Setup (S)', () => {
	it('S1: creates the "Sync to Remote" list field with its three items, and a second run changes nothing', async () => {
		const { HiBob } = await import('../nodes/HiBob/HiBob.node');
		const { runExecute } = await import('./harness/n8n');
		w = await makeWorld({ noSyncField: true });
		const run = () =>
			runExecute(new HiBob(), {
				parameters: { resource: 'setup', operation: 'createSyncField' },
				credentials: w!.credentials as any,
			});
		const first = await run();
		expect(first.output[0].json).toMatchObject({
			fieldCreated: true,
			itemsAdded: ['As employee', 'As contractor', 'As global payroll employee'],
		});
		const writes = w.fakes.hibob.writeCount();
		const second = await run();
		expect(second.output[0].json).toMatchObject({
			fieldCreated: false,
			itemsAdded: [],
			changed: false,
		});
		expect(w.fakes.hibob.writeCount()).toBe(writes);
		const field = w.fakes.hibob.state.fields.find((f) => f.name === 'Sync to Remote')!;
		expect(field.id).toMatch(/^work\.custom\.field_/);
	});

	it('S1: without the field, Get Employees stops with a message that says what to do', async () => {
		w = await makeWorld({ noSyncField: true });
		await expect(w.getEmployees()).rejects.toThrow(/no "Sync to Remote" field/);
	});

	it('S2: the credential tests, run as n8n runs them against the fakes: right token OK, wrong token and 403 name the likely cause', async () => {
		w = await makeWorld();
		const hibob = { ...w.credentials.hiBobApi } as ICredentialDataDecryptedObject;
		const remote = { ...w.credentials.remoteApi } as ICredentialDataDecryptedObject;
		expect(await testCredential(new HiBobApi(), hibob)).toMatchObject({
			status: 'OK',
			url: '/v1/company/people/fields',
		});
		expect(await testCredential(new RemoteApi(), remote)).toMatchObject({
			status: 'OK',
			url: '/v1/employments',
		});
		expect(await testCredential(new HiBobApi(), { ...hibob, token: 'wrong-token' })).toMatchObject({
			status: 'Error',
			httpStatus: 401,
			message: expect.stringMatching(/refused the service user ID or token/),
		});
		expect(
			await testCredential(new RemoteApi(), { ...remote, apiToken: 'ra_live_wrong' }),
		).toMatchObject({
			status: 'Error',
			httpStatus: 401,
			message: expect.stringMatching(/ra_live_ tokens work only in production/),
		});
		w.fakes.hibob.failNext('GET /v1/company/people/fields', {
			status: 403,
			body: { key: 'forbidden', error: 'Forbidden' },
		});
		expect(await testCredential(new HiBobApi(), hibob)).toMatchObject({
			status: 'Error',
			httpStatus: 403,
			message: expect.stringMatching(/permission group/),
		});
		w.fakes.remote.failNext('GET /v1/employments', { status: 403, body: { message: 'Forbidden' } });
		expect(await testCredential(new RemoteApi(), remote)).toMatchObject({
			status: 'Error',
			httpStatus: 403,
			message: expect.stringMatching(/admin or owner/),
		});
		// The fakes saw each test request once, with the credential's own auth scheme.
		expect(w.fakes.hibob.requests.map((r) => `${r.status}`)).toEqual(['200', '401', '403']);
		expect(w.fakes.remote.requests.map((r) => `${r.status}`)).toEqual(['200', '401', '403']);
	});

	it('S3: Check Permissions names the missing fields and the HiBob permission for each', async () => {
		const { HiBob } = await import('../nodes/HiBob/HiBob.node');
		const { runExecute } = await import('./harness/n8n');
		w = await makeWorld(
			{ hibob: { deniedCategories: ['address', 'identification'] } },
			({ person }) => ({ people: [person('1', 'employee')] }),
		);
		const { output } = await runExecute(new HiBob(), {
			parameters: { resource: 'setup', operation: 'checkPermissions' },
			credentials: w.credentials as any,
		});
		const json = output[0].json as any;
		expect(json.ok).toBe(false);
		const sections = new Set(json.missing.map((m: any) => m.permission));
		expect(sections).toEqual(
			new Set(["People's data → Address → View", "People's data → Identification → View"]),
		);
	});

	it('S4: renamed sections and fields still resolve through metadata', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));
		for (const field of w.fakes.hibob.state.fields) {
			if (field.id === 'work.title') field.categoryDisplayName = 'Job (renamed)';
			if (field.name === 'Sync to Remote') field.categoryDisplayName = 'Renamed section';
		}
		const people = await w.getEmployees();
		expect(people[0].json).toMatchObject({ kind: 'contractor', jobTitle: 'Software Engineer' });
	});
});
