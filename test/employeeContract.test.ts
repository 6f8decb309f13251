/**
 * Remote's documented employment contract (remote-api.md §6.4–6.6, issue 11), run through the real
 * nodes against the fake Remote in its default (documented) mode and in its opt-in lenient modes:
 * create = basic information only, then one PATCH per form; forms replaced whole; what each status
 * and kind accepts; the legal entity of global payroll creates.
 */
import { isoIn, makeWorld, MANAGER_EMAIL, MANAGER_ID } from './helpers/world';
import type { World } from './helpers/world';
import { CONTRACTOR_UPDATE_REFUSAL, DEFAULT_LEGAL_ENTITY_ID } from './fakes/remote';

jest.setTimeout(60_000);

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

const boss = {
	reportsTo: {
		id: '9',
		firstName: 'The',
		surname: 'Boss',
		email: MANAGER_EMAIL,
		displayName: 'The Boss',
	},
};
const portugal = {
	address: {
		line1: 'Rua Augusta 1',
		line2: null,
		city: 'Lisboa',
		postCode: '1100-048',
		country: 'Portugal',
		usaState: null,
	},
};

function writesTo(world: World) {
	return world.fakes.remote.requests
		.filter((r) => r.method !== 'GET' && !r.path.startsWith('/__fake'))
		.map((r) => ({
			method: r.method,
			path: r.path.replace(/\/v(\d)\/employments\/[^/]+$/, '/v$1/employments/{id}'),
			status: r.status,
			body: r.body as any,
		}));
}

describe('The create flow (N3, R6)', () => {
	it('N3: the fake refuses a create that carries other forms: 422 parameter_unknown naming every unknown key', async () => {
		w = await makeWorld();
		const response = await fetch(`${w.fakes.remoteUrl}/v1/employments`, {
			method: 'POST',
			headers: { authorization: w.fakes.remote.authHeader(), 'content-type': 'application/json' },
			body: JSON.stringify({
				country_code: 'USA',
				type: 'employee',
				basic_information: {
					name: 'A B',
					email: 'a@example.org',
					job_title: 'X',
					provisional_start_date: isoIn(40),
				},
				address_details: { address: '1 Main Street' },
				emergency_contact_details: {},
			}),
		});
		expect(response.status).toBe(422);
		const body = (await response.json()) as any;
		expect(body.message.map((m: any) => [m.code, m.param])).toEqual([
			['parameter_unknown', 'address_details'],
			['parameter_unknown', 'emergency_contact_details'],
		]);
		expect(w.fakes.remote.state.employments).toHaveLength(0);
	});

	it('N3: a new hire is created with basic information only, then each other form follows by PATCH (SSN); the department rides on the first PATCH', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { work: { department: '201' } })],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'created', reason: 'created' });
		const writes = writesTo(w);
		expect(writes.map((r) => [r.method, r.path, r.status])).toEqual([
			['POST', '/v1/employments', 201],
			['PATCH', '/v1/employments/{id}', 200],
			['PATCH', '/v1/employments/{id}', 200],
			['PATCH', '/v1/employments/{id}', 200],
		]);
		expect(Object.keys(writes[0].body).sort()).toEqual([
			'basic_information',
			'country_code',
			'external_id',
			'type',
		]);
		// remote-api.md §6.5: one PATCH per remaining form; department_id is a field of the same
		// PATCH body (§6.6), so it needs no request of its own.
		expect(writes.slice(1).map((r) => Object.keys(r.body))).toEqual([
			['department_id', 'address_details'],
			['emergency_contact_details'],
			['administrative_details'],
		]);
		expect(out.get('1')!.changes).toEqual(
			expect.arrayContaining([{ field: 'department', from: null, to: 'Engineering' }]),
		);
		const e = w.fakes.remote.state.employments[0];
		expect(e.administrative_details).toEqual({ ssn: '123-45-6789' });
		expect(e.department_id).toBe('dept-eng');
	});

	it('N3: where the country form has them, manager and department go inside basic_information on the create', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { ...portugal, work: { department: '201', ...boss } })],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'created', heldBack: [] });
		const create = writesTo(w)[0];
		expect(create.body.basic_information).toMatchObject({
			manager: { id: MANAGER_ID },
			department: { id: 'dept-eng' },
		});
		const e = w.fakes.remote.state.employments[0];
		expect(e).toMatchObject({
			manager_id: MANAGER_ID,
			department_id: 'dept-eng',
			country: { code: 'PRT' },
		});
		// A second run finds nothing to do.
		w.fakes.remote.resetCounters();
		const again = await w.run();
		expect(again.get('1')).toMatchObject({ outcome: 'unchanged' });
		expect(w.writes()).toBe(0);
	});

	it('N3/U7: without a manager field in the form, the supervisor waits (not_updatable_via_api) and the first run after activation sends it', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { work: boss })],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'created' });
		expect(out.get('1')!.heldBack).toEqual([
			{ field: 'manager', reason: 'not_updatable_via_api', to: MANAGER_EMAIL },
		]);
		expect(writesTo(w).some((r) => 'manager_id' in r.body)).toBe(false);
		const e = w.fakes.remote.state.employments[0];
		w.fakes.remote.setStatus(e.id, 'active');
		const after = await w.run();
		expect(after.get('1')).toMatchObject({
			outcome: 'updated',
			changes: [{ field: 'manager', from: null, to: MANAGER_EMAIL }],
		});
		expect(e.manager_id).toBe(MANAGER_ID);
	});

	it('N3: a global payroll create names the legal entity: from the node option, else from a GP employment of the country', async () => {
		w = await makeWorld(
			{ remote: { legalEntities: [DEFAULT_LEGAL_ENTITY_ID, 'le-usa-2'] } },
			({ person }) => ({
				people: [person('1', 'global_payroll_employee'), person('2', 'global_payroll_employee')],
				employments: [
					{
						id: 'gp-old',
						type: 'global_payroll_employee',
						status: 'active',
						country_code: 'USA',
						engaged_by_legal_entity_id: 'le-usa-2',
						personal_email: 'old@example.net',
					},
				],
			}),
		);
		const people = (await w.getEmployees()).filter((p) => p.json.hibobId === '1');
		const byOption = await w.upsert(people, { gpLegalEntityId: DEFAULT_LEGAL_ENTITY_ID });
		expect(byOption[0].json).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.findByExternalId('1')[0].engaged_by_legal_entity_id).toBe(
			DEFAULT_LEGAL_ENTITY_ID,
		);
		const out = await w.run({ gpLegalEntityId: '' });
		expect(out.get('2')).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.findByExternalId('2')[0].engaged_by_legal_entity_id).toBe('le-usa-2');
		// GP salary (N7) follows by PATCH, last.
		expect(w.fakes.remote.findByExternalId('2')[0].contract_details).toEqual({
			annual_gross_salary: 8500000,
		});
	});

	it('N3/R4: a global payroll hire takes the legal entity of a GP employment the run reads in full anyway: none read twice, none read only for it', async () => {
		w = await makeWorld(
			{ remote: { legalEntities: [DEFAULT_LEGAL_ENTITY_ID, 'le-usa-2'] } },
			({ person }) => ({
				// The new hire comes first in HiBob's order; an archived GP employment comes first in Remote's list.
				people: [person('1', 'global_payroll_employee'), person('2', 'global_payroll_employee')],
				employments: [
					{
						id: 'gp-archived',
						type: 'global_payroll_employee',
						status: 'archived',
						country_code: 'USA',
						engaged_by_legal_entity_id: DEFAULT_LEGAL_ENTITY_ID,
						personal_email: 'gone@example.net',
					},
					{
						id: 'gp-2',
						external_id: '2',
						type: 'global_payroll_employee',
						status: 'active',
						country_code: 'USA',
						engaged_by_legal_entity_id: 'le-usa-2',
						full_name: 'First2 Last2',
						work_email: 'p2@example.com',
						personal_email: 'p2.home@example.org',
					},
				],
			}),
		);
		const out = await w.run({ gpLegalEntityId: '' });
		expect(out.get('1')).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.findByExternalId('1')[0].engaged_by_legal_entity_id).toBe('le-usa-2');
		const reads = w.fakes.remote.requests
			.filter((r) => r.endpoint === 'GET /v1/employments/:id')
			.map((r) => r.path);
		expect(reads).toEqual(['/v1/employments/gp-2']);
	});

	it('N3: no legal entity anywhere → skipped, saying where to find it; the fake refuses a GP create without one', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'global_payroll_employee')] }));
		const out = await w.run({ gpLegalEntityId: '' });
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'missing_legal_entity' });
		expect(String(out.get('1')!.message)).toMatch(/Global Payroll Legal Entity ID/);
		expect(w.writes()).toBe(0);
		const response = await fetch(`${w.fakes.remoteUrl}/v1/employments`, {
			method: 'POST',
			headers: { authorization: w.fakes.remote.authHeader(), 'content-type': 'application/json' },
			body: JSON.stringify({
				country_code: 'USA',
				type: 'global_payroll_employee',
				basic_information: {
					name: 'A B',
					email: 'a@example.org',
					job_title: 'X',
					provisional_start_date: isoIn(-10),
				},
			}),
		});
		expect(response.status).toBe(422);
		expect(((await response.json()) as any).errors).toHaveProperty('engaged_by_legal_entity_id');
	});

	it('R6/M1: a creation cut short before its PATCHes is completed by the next run (found by external_id), never created twice', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee', { work: { department: '201' } })],
		}));
		// Every PATCH after the create is refused once (the run is cut short after the create).
		w.fakes.remote.failNext(
			'PATCH /v1/employments/:id',
			{ status: 422, body: { errors: { form: ['temporarily refused'] } } },
			4,
		);
		const first = await w.run();
		expect(first.get('1')).toMatchObject({ outcome: 'created', reason: 'created_incomplete' });
		expect((first.get('1')!.heldBack as any[]).map((h) => h.reason)).toEqual(
			expect.arrayContaining(['remote_refused']),
		);
		w.fakes.remote.clearFaultQueue();
		const second = await w.run();
		expect(second.get('1')).toMatchObject({ outcome: 'updated', matchedBy: 'external_id' });
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(1);
		const e = w.fakes.remote.state.employments[0];
		expect(w.fakes.remote.state.employments).toHaveLength(1);
		expect(e.address_details).toMatchObject({ address: '1 Main Street', city: 'New York' });
		expect(e.emergency_contact_details).toMatchObject({ name: 'Em Contact1' });
		expect(e.administrative_details).toEqual({ ssn: '123-45-6789' });
		expect(e.department_id).toBe('dept-eng');
		const third = await w.run();
		expect(third.get('1')).toMatchObject({ outcome: 'unchanged' });
	});

	it('R3: a dry run lists every request of the create sequence and sends none', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'global_payroll_employee', { work: { department: '201' } })],
		}));
		const out = await w.run({ dryRun: true });
		expect(w.writes()).toBe(0);
		const planned = out.get('1')!.plannedRequests as any[];
		expect(planned.map((r) => `${r.method} ${r.path} ${Object.keys(r.body).join(',')}`)).toEqual([
			'POST /v1/employments type,country_code,external_id,basic_information,engaged_by_legal_entity_id',
			'PATCH /v1/employments/{created} department_id,address_details',
			'PATCH /v1/employments/{created} emergency_contact_details',
			'PATCH /v1/employments/{created} administrative_details',
			'PATCH /v1/employments/{created} contract_details',
		]);
		expect(JSON.stringify(planned)).not.toContain('8500000');
		expect(JSON.stringify(planned)).not.toContain('123-45-6789');
	});
});

describe('Whole forms (U2, U4)', () => {
	it('U2: a form sent is built from HiBob: a key HiBob no longer has is cleared, keys the sync does not own are kept', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', {
					address: { line1: '5 New Road', city: 'Buffalo', postCode: '14201' },
				}),
			],
			employments: [
				{
					id: 'emp-1',
					external_id: '1',
					status: 'created',
					full_name: 'First1 Last1',
					personal_email: 'p1.home@example.org',
					provisional_start_date: isoIn(40),
					basic_information: {
						name: 'First1 Last1',
						email: 'p1.home@example.org',
						job_title: 'Software Engineer',
						provisional_start_date: isoIn(40),
						work_email: 'old@example.com',
						mobile_number: '+12125550100',
					},
					address_details: {
						address: '1 Main Street',
						address_line_2: 'Apt 4',
						city: 'New York',
						state: 'NY',
						postal_code: '10001',
					},
					emergency_contact_details: {
						name: 'Em Contact1',
						relationship: 'Spouse',
						phone_number: '+12125550199',
					},
					administrative_details: { ssn: '123-45-6789' },
				},
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'updated' });
		const e = w.fakes.remote.getEmployment('emp-1')!;
		expect(e.address_details).toEqual({
			address: '5 New Road',
			city: 'Buffalo',
			state: 'NY',
			postal_code: '14201',
		});
		// One value per field: the work email travels inside basic_information only.
		const patch = writesTo(w).find((r) => r.method === 'PATCH')!;
		expect(patch.body).not.toHaveProperty('work_email');
		expect(patch.body.basic_information.work_email).toBe('p1@example.com');
		expect(e.work_email).toBe('p1@example.com');
	});

	it('U2: the fake refuses two values for one field (work_email and basic_information.work_email)', async () => {
		w = await makeWorld({
			employments: [{ id: 'emp-1', status: 'created', provisional_start_date: isoIn(40) }],
		});
		const response = await fetch(`${w.fakes.remoteUrl}/v1/employments/emp-1`, {
			method: 'PATCH',
			headers: { authorization: w.fakes.remote.authHeader(), 'content-type': 'application/json' },
			body: JSON.stringify({
				work_email: 'new@example.com',
				basic_information: {
					name: 'A B',
					email: 'a@example.org',
					job_title: 'X',
					provisional_start_date: isoIn(40),
					work_email: 'old@example.com',
				},
			}),
		});
		expect(response.status).toBe(422);
	});

	it('U4/U7: active: the department goes through PATCH /v2; a refused department never loses the allowed changes', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', {
					work: { department: '202' },
					emergency: { phone: '+12125550111' },
				}),
			],
			employments: [
				{
					id: 'emp-1',
					external_id: '1',
					status: 'active',
					full_name: 'First1 Last1',
					job_title: 'Software Engineer',
					work_email: 'p1@example.com',
					personal_email: 'p1.home@example.org',
					provisional_start_date: isoIn(40),
					department_id: 'dept-eng',
					address_details: {
						address: '1 Main Street',
						city: 'New York',
						state: 'NY',
						postal_code: '10001',
					},
					emergency_contact_details: {
						name: 'Em Contact1',
						relationship: 'Spouse',
						phone_number: '+12125550199',
					},
				},
			],
		}));
		w.fakes.remote.failNext('PATCH /v2/employments/:id', {
			status: 422,
			body: {
				message: {
					code: 'resource_invalid_state',
					message: 'department cannot change',
					resource_type: 'employment',
					resource_id: 'emp-1',
				},
			},
		});
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'updated', reason: 'remote_refused' });
		expect(out.get('1')!.changes).toEqual([
			{ field: 'emergency_contact_details.phone_number', from: '+12125550199', to: '+12125550111' },
		]);
		expect(out.get('1')!.heldBack).toEqual([
			{ field: 'department', reason: 'remote_refused', from: 'Engineering', to: 'Product' },
		]);
		const e = w.fakes.remote.getEmployment('emp-1')!;
		expect(e.emergency_contact_details.phone_number).toBe('+12125550111');
		// Nothing refused is remembered: the next run sends the department again (and Remote takes it).
		const again = await w.run();
		expect(again.get('1')).toMatchObject({
			outcome: 'updated',
			changes: [{ field: 'department', from: 'Engineering', to: 'Product' }],
		});
		expect(e.department_id).toBe('dept-product');
	});

	it('U7: the fake refuses department_id in a v1 PATCH of an active employment (documented on /v2)', async () => {
		w = await makeWorld({ employments: [{ id: 'emp-1', status: 'active' }] });
		const response = await fetch(`${w.fakes.remoteUrl}/v1/employments/emp-1`, {
			method: 'PATCH',
			headers: { authorization: w.fakes.remote.authHeader(), 'content-type': 'application/json' },
			body: JSON.stringify({ department_id: 'dept-product' }),
		});
		expect(response.status).toBe(422);
		expect(w.fakes.remote.getEmployment('emp-1')!.department_id).toBeNull();
	});
});

describe('Onboarding (U3)', () => {
	it('U3: every waiting difference is listed: start date, address, manager, department, emergency contact, name, title, email', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', {
					firstName: 'Renamed',
					work: { title: '102', startDate: isoIn(50), department: '202', ...boss },
					address: { city: 'Buffalo', postCode: '14201' },
					emergency: { phone: '+12125550111' },
				}),
			],
			employments: [
				{
					id: 'emp-1',
					external_id: '1',
					status: 'invited',
					full_name: 'First1 Last1',
					job_title: 'Software Engineer',
					work_email: 'p1@example.com',
					personal_email: 'p1.home@example.org',
					provisional_start_date: isoIn(40),
					department_id: 'dept-eng',
					address_details: {
						address: '1 Main Street',
						city: 'New York',
						state: 'NY',
						postal_code: '10001',
					},
					emergency_contact_details: {
						name: 'Em Contact1',
						relationship: 'Spouse',
						phone_number: '+12125550199',
					},
				},
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'onboarding_in_progress' });
		const fields = (out.get('1')!.heldBack as any[]).map((h) => h.field).sort();
		expect(fields).toEqual([
			'address_details.city',
			'address_details.postal_code',
			'department',
			'emergency_contact_details.phone_number',
			'full_name',
			'job_title',
			'manager',
			'provisional_start_date',
		]);
		expect(w.writes()).toBe(0);
	});
});

describe('Contractors (U7)', () => {
	const contractorWorld = (mode?: 'like_employee') =>
		makeWorld({ remote: mode ? { contractorUpdates: mode } : {} }, ({ person }) => ({
			people: [person('1', 'contractor', { work: { department: '202' } })],
			employments: [
				{
					id: 'emp-1',
					external_id: '1',
					type: 'contractor',
					status: 'active',
					full_name: 'First1 Last1',
					job_title: 'Software Engineer',
					work_email: 'p1@example.com',
					personal_email: 'p1.home@example.org',
					provisional_start_date: isoIn(40),
					department_id: 'dept-eng',
				},
			],
		}));

	it('U7: Remote does not update contractors (documented): the differences are reported not_updatable_via_api and nothing is sent', async () => {
		w = await contractorWorld();
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'not_updatable_via_api' });
		expect(out.get('1')!.heldBack).toContainEqual({
			field: 'department',
			reason: 'not_updatable_via_api',
			from: 'Engineering',
			to: 'Product',
		});
		expect(
			(out.get('1')!.heldBack as any[]).every((h) => h.reason === 'not_updatable_via_api'),
		).toBe(true);
		expect(String(out.get('1')!.message)).toContain("Remote's API does not update contractors");
		expect(w.writes()).toBe(0);
	});

	it('U7: with "Contractor Updates Enabled by Remote" on but Remote refusing, the refusal is reported and not re-sent by the next run', async () => {
		w = await contractorWorld();
		const out = await w.run({ contractorUpdates: true });
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'not_updatable_via_api' });
		expect(String(out.get('1')!.message)).toContain(CONTRACTOR_UPDATE_REFUSAL);
		expect(w.fakes.remote.getEmployment('emp-1')!.department_id).toBe('dept-eng');
		w.fakes.remote.resetCounters();
		const again = await w.run({ contractorUpdates: true });
		expect(again.get('1')).toMatchObject({ outcome: 'skipped', reason: 'not_updatable_via_api' });
		expect(w.writes()).toBe(0);
	});

	it('U7 (lenient contractorUpdates=like_employee, option on): the same contractor update goes through', async () => {
		w = await contractorWorld('like_employee');
		const out = await w.run({ contractorUpdates: true });
		expect(out.get('1')).toMatchObject({ outcome: 'updated', reason: 'updated' });
		expect(w.fakes.remote.getEmployment('emp-1')!.department_id).toBe('dept-product');
	});

	it('N3/U7: a new contractor is created with basic information; the other forms are reported, never sent; a second run writes nothing', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'created', reason: 'created' });
		expect(writesTo(w).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201']);
		expect(new Set((out.get('1')!.heldBack as any[]).map((h) => h.reason))).toEqual(
			new Set(['not_updatable_via_api']),
		);
		expect(String(out.get('1')!.message)).toContain("Remote's API does not update contractors");
		w.fakes.remote.resetCounters();
		const again = await w.run();
		expect(again.get('1')).toMatchObject({ outcome: 'skipped', reason: 'not_updatable_via_api' });
		expect(w.writes()).toBe(0);
	});

	it('N5/U7: a contractor is checked against the forms it is sent only: the create reads its basic-information form, a re-check of it no other', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));
		const forms = () =>
			w!.fakes.remote.requests
				.filter((r) => r.endpoint === 'GET /v1/countries/:code/:form')
				.map((r) => r.path);
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'created', reason: 'created' });
		expect(out.get('1')!.heldBack).toEqual(
			expect.arrayContaining([
				{
					field: 'address_details.city',
					reason: 'not_updatable_via_api',
					from: null,
					to: 'New York',
				},
			]),
		);
		expect(forms()).toEqual(['/v1/countries/USA/contractor_basic_information']);
		w.fakes.remote.resetCounters();
		const again = await w.run({ recheckAll: true });
		expect(again.get('1')).toMatchObject({ outcome: 'skipped', reason: 'not_updatable_via_api' });
		const fields = (json: any) => (json.heldBack as any[]).map((h) => h.field).sort();
		expect(fields(again.get('1'))).toEqual(fields(out.get('1')));
		expect(forms()).toEqual(['/v1/countries/USA/contractor_basic_information']);
		expect(w.writes()).toBe(0);
	});

	it('N3 (lenient contractorUpdates=like_employee, option on): the new contractor gets every form, a second run is unchanged', async () => {
		w = await makeWorld({ remote: { contractorUpdates: 'like_employee' } }, ({ person }) => ({
			people: [person('1', 'contractor')],
		}));
		const out = await w.run({ contractorUpdates: true });
		expect(out.get('1')).toMatchObject({ outcome: 'created', reason: 'created', heldBack: [] });
		expect(w.fakes.remote.state.employments[0].address_details).toMatchObject({ city: 'New York' });
		w.fakes.remote.resetCounters();
		expect((await w.run({ contractorUpdates: true })).get('1')).toMatchObject({
			outcome: 'unchanged',
		});
		expect(w.writes()).toBe(0);
	});
});
