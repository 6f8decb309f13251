/**
 * The employee sync, rule by rule (SYNC_RULES.md E, M, N, U, R, S), run through the real nodes
 * (HiBob → Get Employees, Remote Upsert Employee) against the fake HiBob and Remote over HTTP.
 */
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
			people: [person('1', 'employee'), person('2', 'contractor'), person('3', 'global_payroll_employee'), person('4', null)],
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
			people: [person('1', 'employee', { work: { custom: { [sync.fieldId.split('.').pop()!]: sync.extraItemIds['As intern'] } } })],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'unknown_sync_kind' });
		expect(String(out.get('1')!.message)).toContain('As intern');
		expect(w.writes()).toBe(0);
	});

	it('E3: a linked employment of another kind is not changed: kind_change_needs_manual_action', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'contractor')],
			employments: [{ external_id: '1', type: 'employee', status: 'active', personal_email: 'p1.home@example.org', full_name: 'First1 Last1' }],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'kind_change_needs_manual_action' });
		expect(w.writes()).toBe(0);
	});
});

describe('Matching (M)', () => {
	it('M1: external_id first, then work email, then personal email; emails compared trimmed and lower-cased', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'employee'), person('3', 'employee')],
			employments: [
				{ id: 'emp-ext', external_id: '1', status: 'active', personal_email: 'other1@example.org', full_name: 'First1 Last1' },
				{ id: 'emp-work', status: 'active', work_email: 'P2@EXAMPLE.COM', personal_email: 'x2@example.org', full_name: 'First2 Last2' },
				{ id: 'emp-home', status: 'active', personal_email: 'p3.home@example.org', full_name: 'First3 Last3' },
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ remoteEmploymentId: 'emp-ext', matchedBy: 'external_id' });
		expect(out.get('2')).toMatchObject({ remoteEmploymentId: 'emp-work', matchedBy: 'work_email' });
		expect(out.get('3')).toMatchObject({ remoteEmploymentId: 'emp-home', matchedBy: 'personal_email' });
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(0);
	});

	it('M2: two Remote employments share the email → no write, reason ambiguous_match listing both', async () => {
		w = await makeWorld({ remote: { uniqueLoginEmails: false } }, ({ person }) => ({
			people: [person('1', 'employee')],
			employments: [
				{ id: 'emp-a', status: 'active', work_email: 'p1@example.com', personal_email: 'a@example.org' },
				{ id: 'emp-b', status: 'created', work_email: 'p1@example.com', personal_email: 'b@example.org' },
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'ambiguous_match', candidates: ['emp-a', 'emp-b'] });
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
					emergency_contact_details: { name: 'Em Contact1', relationship: 'Spouse', phone_number: '+12125550199' },
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
		expect(second.get('1')!.changes).toEqual([{ field: 'work_email', from: 'p1@example.com', to: 'new.address@example.com' }]);
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
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'employee', { work: { department: '201' } })] }));
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
		expect(e.emergency_contact_details).toMatchObject({ name: 'Em Contact1', relationship: 'Spouse', phone_number: '+12125550199' });
		expect(e.administrative_details).toEqual({ ssn: '123-45-6789' });
		expect(e.department_id).toBe('dept-eng');
		// R1: the SSN is masked in the output.
		expect(JSON.stringify(out.get('1'))).not.toContain('123-45-6789');
		expect(JSON.stringify(out.get('1'))).toContain('***89');
	});

	it('N4: the country comes from the address (converted to alpha-3), else the work site; none → missing_country', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'contractor', { address: { country: 'GB', postCode: 'SW1A 1AA', city: 'London', usaState: null } }),
				person('2', 'contractor', { address: { country: null, usaState: null, city: 'Lisboa', postCode: '1100-148' }, work: { site: 'Lisbon, Portugal' } }),
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
				person('1', 'employee', { address: { country: 'Germany', city: 'Berlin', postCode: '10115', usaState: null }, home: { mobilePhone: null } }),
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
		w = await makeWorld({}, ({ person }) => ({ people: [person('77', 'global_payroll_employee')] }));
		await w.run();
		expect(w.fakes.remote.state.employments[0]).toMatchObject({ type: 'global_payroll_employee', external_id: '77' });
	});

	it('N7: GP salary goes in minor units only when HiBob pays annually; never for EOR or contractors', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'global_payroll_employee', { payroll: { salary: { yearlyPayment: { value: 79200, currency: 'USD' }, payPeriod: 'Annual' } } }),
				person('2', 'global_payroll_employee', { payroll: { salary: { yearlyPayment: { value: 5000, currency: 'USD' }, payPeriod: 'Monthly' } } }),
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
		emergency_contact_details: { name: `Em Contact${id}`, relationship: 'Spouse', phone_number: '+12125550199' },
		administrative_details: { ssn: '123-45-6789' },
		...overrides,
	};
}

describe('Updating (U)', () => {
	it('U1: no difference → unchanged and no write at all; a second run after a sync is all unchanged', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'employee', { address: { city: 'Brooklyn' } }), person('3', 'global_payroll_employee')],
			employments: [activeEmployment('1'), activeEmployment('2')],
		}));
		const first = await w.run();
		expect(first.get('1')).toMatchObject({ outcome: 'unchanged', reason: 'in_sync' });
		expect(first.get('2')).toMatchObject({ outcome: 'updated' });
		expect(first.get('2')!.changes).toEqual([{ field: 'address_details.city', from: 'New York', to: 'Brooklyn' }]);
		expect(first.get('3')!.outcome).toBe('created');
		w.fakes.remote.resetCounters();
		const second = await w.run();
		expect([...second.values()].map((o) => o.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		expect(w.writes()).toBe(0);
	});

	it('U2: not started: name, start date, job title and email sync; an EOR start date must still be in the future', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { firstName: 'Renamed', work: { title: '102', startDate: isoIn(60) }, email: 'renamed@example.com' }),
				person('2', 'employee', { work: { startDate: isoIn(-1) } }),
			],
			employments: [
				activeEmployment('1', { status: 'created', basic_information: { name: 'First1 Last1', email: 'p1.home@example.org', job_title: 'Software Engineer', provisional_start_date: isoIn(40), work_email: 'p1@example.com' } }),
				activeEmployment('2', { status: 'created' }),
			],
		}));
		const out = await w.run();
		expect(out.get('1')!.outcome).toBe('updated');
		const fields = (out.get('1')!.changes as Array<{ field: string }>).map((c) => c.field).sort();
		// The whole basic information form is built from HiBob (the mobile number HiBob has too).
		expect(fields).toEqual(['basic_information.mobile_number', 'full_name', 'job_title', 'provisional_start_date', 'work_email']);
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
			{ field: 'full_name', from: 'First1 Last1', to: 'Changed Last1', reason: 'onboarding_in_progress' },
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
					work: { department: '202', reportsTo: { id: '9', firstName: 'The', surname: 'Boss', email: MANAGER_EMAIL, displayName: 'The Boss' } },
					emergency: { phone: '+12125550111' },
				}),
			],
			employments: [activeEmployment('1')],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'updated', reason: 'updated' });
		expect(w.fakes.remote.count('PATCH /v2/employments/:id')).toBe(1);
		const e = w.fakes.remote.state.employments[0];
		expect(e).toMatchObject({ work_email: 'moved@example.com', department_id: 'dept-product', manager_id: MANAGER_ID });
		expect(e.address_details.address).toBe('9 Elm Street');
		expect(e.emergency_contact_details.phone_number).toBe('+12125550111');
		expect(w.fakes.remote.count('PATCH /v1/employments/:id')).toBe(1);
	});

	it('U5: an active EOR job-title change gives needs_contract_amendment and no PATCH of the title', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { work: { title: '103' } }), person('2', 'employee', { work: { title: '103' }, address: { city: 'Queens' } })],
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
			people: [person('1', 'global_payroll_employee', { work: { title: '103', startDate: isoIn(-30) } })],
			employments: [activeEmployment('1', { type: 'global_payroll_employee', provisional_start_date: isoIn(-60), contract_details: { annual_gross_salary: 100 } })],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'needs_contract_amendment' });
		const held = (out.get('1')!.heldBack as Array<{ field: string; reason: string }>).map((h) => h.field).sort();
		expect(held).toEqual(['contract_details.annual_gross_salary', 'job_title', 'provisional_start_date']);
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
		expect(out.get('1')!.heldBack).toEqual([{ field: 'full_name', reason: 'not_updatable_via_api', from: 'First1 Last1', to: 'Newname Last1' }]);
		expect(w.fakes.remote.state.employments[0].address_details.city).toBe('Albany');
		expect(w.fakes.remote.state.employments[0].full_name).toBe('First1 Last1');
	});

	it('U8: offboarding → employment_not_active and nothing is written', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { address: { city: 'Boston' } })],
			employments: [activeEmployment('1', { status: 'offboarding' })],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'employment_not_active' });
		expect(w.writes()).toBe(0);
	});

	it('U9: terminated in HiBob but active in Remote → terminated_in_hibob, never offboarded', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { internal: { status: 'Inactive', lifecycleStatus: 'terminated' } })],
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
			people: [person('1', 'employee', { address: { city: 'Albany' }, firstName: 'X' }), person('2', 'contractor')],
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
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor'), person('2', 'contractor')] }));
		w.fakes.remote.failNext('POST /v1/employments', { status: 422, body: { errors: { 'basic_information.name': ['is invalid'] } } });
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'failed', reason: 'remote_refused' });
		expect(String(out.get('1')!.message)).toContain('basic_information.name: is invalid');
		expect(out.get('2')!.outcome).toBe('created');
		(w.credentials.remoteApi as any).apiToken = 'wrong-token';
		await expect(w.run()).rejects.toThrow(/Remote answered 401/);
	});

	it('R3: dry run gives the same output from the same reads, with no write request', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { address: { city: 'Albany' } }), person('2', 'global_payroll_employee')],
			employments: [activeEmployment('1')],
		}));
		const dry = await w.run({ dryRun: true });
		expect(w.writes()).toBe(0);
		expect(dry.get('1')).toMatchObject({ outcome: 'updated', dryRun: true });
		expect(dry.get('2')).toMatchObject({ outcome: 'created', dryRun: true });
		const real = await w.run();
		for (const id of ['1', '2']) {
			const { dryRun: _d, plannedRequests: _p, remoteEmploymentId: _r, ...rest } = dry.get(id)! as any;
			expect(real.get(id)).toMatchObject(rest);
		}
	});

	it('R4: reads are batched: one people search, employments page by page, schemas once per country form', async () => {
		const people: any[] = [];
		const employments: any[] = [];
		w = await makeWorld({}, ({ person }) => {
			for (let i = 1; i <= 250; i++) {
				const uk = { address: { country: 'United Kingdom', city: i <= 230 ? 'London' : `City${i}`, postCode: 'SW1A 1AA', usaState: null } };
				people.push(person(String(i), 'employee', uk));
				const address = { address: '1 Main Street', city: 'London', postal_code: 'SW1A 1AA' };
				if (i <= 240) employments.push(activeEmployment(String(i), { country_code: 'GBR', address_details: address }));
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

	it('R4: people whose differences cannot be written are remembered too: the next run reads no employment and reports the same', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { work: { title: '103' } }),
				person('2', 'employee', { work: { department: '205' } }),
				person('3', 'employee'),
			],
			employments: [activeEmployment('1'), activeEmployment('2'), activeEmployment('3')],
		}));
		const first = await w.run();
		expect(first.get('1')).toMatchObject({ outcome: 'skipped', reason: 'needs_contract_amendment' });
		expect(first.get('2')).toMatchObject({ outcome: 'skipped', reason: 'department_not_in_remote' });
		w.fakes.remote.resetCounters();
		const second = await w.run();
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(0);
		expect(second.get('1')).toMatchObject({ outcome: 'skipped', reason: 'needs_contract_amendment', heldBack: first.get('1')!.heldBack });
		expect(second.get('2')).toMatchObject({ outcome: 'skipped', reason: 'department_not_in_remote' });
		expect(second.get('3')).toMatchObject({ outcome: 'unchanged' });
		// Once the department exists in Remote, the fingerprint changes and the person is read and updated.
		w.fakes.remote.addDepartment('Customer Success');
		const third = await w.run();
		expect(third.get('2')).toMatchObject({ outcome: 'updated' });
		expect(w.fakes.remote.count('GET /v1/employments/:id')).toBe(1);
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
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor'), person('2', 'contractor')] }));
		w.fakes.remote.failNext('POST /v1/employments', { dropAfterApply: true });
		const out = await w.run();
		expect(out.get('1')!.outcome).toBe('created');
		expect(out.get('2')!.outcome).toBe('created');
		expect(w.fakes.remote.state.employments.map((e) => e.external_id)).toEqual(['1', '2']);
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(2);
	});
});

describe('Setup (S)', () => {
	it('S1: creates the "Sync to Remote" list field with its three items, and a second run changes nothing', async () => {
		const { HiBob } = await import('../nodes/HiBob/HiBob.node');
		const { runExecute } = await import('./harness/n8n');
		w = await makeWorld({ noSyncField: true });
		const run = () =>
			runExecute(new HiBob(), { parameters: { resource: 'setup', operation: 'createSyncField' }, credentials: w!.credentials as any });
		const first = await run();
		expect(first.output[0].json).toMatchObject({ fieldCreated: true, itemsAdded: ['As employee', 'As contractor', 'As global payroll employee'] });
		const writes = w.fakes.hibob.writeCount();
		const second = await run();
		expect(second.output[0].json).toMatchObject({ fieldCreated: false, itemsAdded: [], changed: false });
		expect(w.fakes.hibob.writeCount()).toBe(writes);
		const field = w.fakes.hibob.state.fields.find((f) => f.name === 'Sync to Remote')!;
		expect(field.id).toMatch(/^work\.custom\.field_/);
	});

	it('S1: without the field, Get Employees stops with a message that says what to do', async () => {
		w = await makeWorld({ noSyncField: true });
		await expect(w.getEmployees()).rejects.toThrow(/no "Sync to Remote" field/);
	});

	it('S2: credential tests name the likely cause (declared rules for 401 and 403)', async () => {
		const { HiBobApi } = await import('../credentials/HiBobApi.credentials');
		const { RemoteApi } = await import('../credentials/RemoteApi.credentials');
		const hib = new HiBobApi().test;
		const rem = new RemoteApi().test;
		expect(hib.request.url).toBe('/v1/company/people/fields');
		expect(rem.request.url).toBe('/v1/employments');
		expect(JSON.stringify(hib.rules)).toMatch(/service user ID or token/);
		expect(JSON.stringify(rem.rules)).toMatch(/ra_live_ tokens work only in production/);
	});

	it('S3: Check Permissions names the missing fields and the HiBob permission for each', async () => {
		const { HiBob } = await import('../nodes/HiBob/HiBob.node');
		const { runExecute } = await import('./harness/n8n');
		w = await makeWorld({ hibob: { deniedCategories: ['address', 'identification'] } }, ({ person }) => ({ people: [person('1', 'employee')] }));
		const { output } = await runExecute(new HiBob(), {
			parameters: { resource: 'setup', operation: 'checkPermissions' },
			credentials: w.credentials as any,
		});
		const json = output[0].json as any;
		expect(json.ok).toBe(false);
		const sections = new Set(json.missing.map((m: any) => m.permission));
		expect(sections).toEqual(new Set(["People's data → Address → View", "People's data → Identification → View"]));
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
