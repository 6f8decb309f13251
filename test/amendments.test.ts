/**
 * Contract amendments (docs/sync-rules.md U5, U6, with N5's pre-check and R1/R3/R6): an active global
 * payroll employee's job title, hire date and annual salary reach Remote only as a contract amendment,
 * submitted when the "Submit Contract Amendments" option is on, never twice, never for EOR or
 * contractors. Run through the real nodes against the fake HiBob and Remote over HTTP.
 */
import { isoIn, makeWorld } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

const ON = { submitContractAmendments: true };
const usAddress = { address: '1 Main Street', city: 'New York', state: 'NY', postal_code: '10001' };
const HIRED = isoIn(-200);
/** HiBob's default salary in the world (85 000 a year) in Remote's minor units. */
const HIBOB_SALARY = 8_500_000;
const REMOTE_SALARY = 7_000_000;

/** An active employment in step with `person(id, …)` of the world, unless overridden. */
function activeEmployment(id: string, overrides: Record<string, any> = {}) {
	return {
		id: `emp-${id}`,
		external_id: id,
		status: 'active' as const,
		type: 'global_payroll_employee' as const,
		full_name: `First${id} Last${id}`,
		job_title: 'Software Engineer',
		work_email: `p${id}@example.com`,
		personal_email: `p${id}.home@example.org`,
		provisional_start_date: HIRED,
		department_id: 'dept-eng',
		address_details: { ...usAddress },
		emergency_contact_details: {
			name: `Em Contact${id}`,
			relationship: 'Spouse',
			phone_number: '+12125550199',
		},
		administrative_details: { ssn: '123-45-6789' },
		contract_details: { annual_gross_salary: HIBOB_SALARY },
		...overrides,
	};
}

type PersonFn = Parameters<NonNullable<Parameters<typeof makeWorld>[1]>>[0]['person'];
/** A HiBob global payroll employee hired on HIRED (as the employment), with overrides. */
const gp = (person: PersonFn, id: string, overrides: Record<string, any> = {}) =>
	person(id, 'global_payroll_employee', {
		...overrides,
		work: { startDate: HIRED, ...overrides.work },
	});

const fields = (list: unknown) => (list as Array<{ field: string }>).map((h) => h.field).sort();
const amendmentPosts = (world: World) =>
	world.fakes.remote.requests.filter((r) => r.endpoint === 'POST /v1/contract-amendments');

describe('Contract amendments (U6)', () => {
	it('U6: with the option off, differences are reported as needs_contract_amendment and nothing is sent', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [gp(person, '1', { work: { title: '102', startDate: isoIn(-190) } })],
			employments: [
				activeEmployment('1', { contract_details: { annual_gross_salary: REMOTE_SALARY } }),
			],
		}));
		const out = await w.run();
		expect(out.get('1')).toMatchObject({
			outcome: 'skipped',
			reason: 'needs_contract_amendment',
			changes: [],
		});
		expect(fields(out.get('1')!.heldBack)).toEqual([
			'contract_details.annual_gross_salary',
			'job_title',
			'provisional_start_date',
		]);
		expect(
			(out.get('1')!.heldBack as any[]).every((h) => h.reason === 'needs_contract_amendment'),
		).toBe(true);
		expect(JSON.stringify(out.get('1'))).not.toContain(String(HIBOB_SALARY));
		expect(JSON.stringify(out.get('1'))).not.toContain(String(REMOTE_SALARY));
		expect(w.writes()).toBe(0);
		// Off means not even the amendment reads.
		expect(w.fakes.remote.count('GET /v1/contract-amendments')).toBe(0);
		expect(w.fakes.remote.count('GET /v1/countries/:code/contract_amendment')).toBe(0);
	});

	it('U6: with the option on, one contract amendment is submitted for an active GP job-title and salary change, masked in output', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				gp(person, '1', { work: { title: '102' } }),
				gp(person, '2', { work: { title: '103' }, address: { city: 'Brooklyn' } }),
				gp(person, '3'),
			],
			employments: [
				activeEmployment('1', { contract_details: { annual_gross_salary: REMOTE_SALARY } }),
				activeEmployment('2'),
				activeEmployment('3'),
			],
		}));
		const contractId = w.fakes.remote.getEmployment('emp-1')!.active_contract_id;

		// R3: a dry run plans the amendment (salary masked) and sends nothing.
		const dry = await w.run({ ...ON, dryRun: true });
		expect(w.writes()).toBe(0);
		expect(dry.get('1')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
			dryRun: true,
		});
		const planned = (dry.get('1')!.plannedRequests as any[]).find(
			(r) => r.path === '/v1/contract-amendments',
		);
		expect(planned.body.contract_amendment.annual_gross_salary).toBe('***00');
		expect(JSON.stringify(dry.get('1'))).not.toContain(String(HIBOB_SALARY));

		w.fakes.remote.resetCounters();
		const out = await w.run(ON);
		expect(out.get('1')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
			heldBack: [],
			changes: [
				{ field: 'job_title', from: 'Software Engineer', to: 'Senior Software Engineer' },
				{ field: 'contract_details.annual_gross_salary', from: '***00', to: '***00' },
			],
		});
		expect(String(out.get('1')!.message)).toMatch(/Remote reviews it/);
		for (const id of ['1', '2']) {
			expect(JSON.stringify(out.get(id))).not.toContain(String(HIBOB_SALARY));
			expect(JSON.stringify(out.get(id))).not.toContain(String(REMOTE_SALARY));
		}
		// Person 2: the address goes through the employment update, the title through an amendment.
		expect(out.get('2')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
		});
		expect(out.get('2')!.changes).toEqual([
			{ field: 'address_details.city', from: 'New York', to: 'Brooklyn' },
			{ field: 'job_title', from: 'Software Engineer', to: 'Product Manager' },
		]);
		expect(out.get('3')).toMatchObject({ outcome: 'unchanged', reason: 'in_sync' });

		const posts = amendmentPosts(w);
		expect(posts).toHaveLength(2);
		expect(posts[0].body).toEqual({
			employment_id: 'emp-1',
			amendment_contract_id: contractId,
			contract_amendment: {
				effective_date: isoIn(0),
				reason_for_change: 'other',
				reason_for_change_description: expect.stringMatching(/job title, annual salary/),
				job_title: 'Senior Software Engineer',
				annual_gross_salary: HIBOB_SALARY,
			},
		});
		expect(JSON.stringify(posts[0].body)).not.toMatch(/reason_for_change_description":"[^"]*\d{5}/);
		expect(w.fakes.remote.count('PATCH /v1/employments/:id')).toBe(1);
		// Reads stay batched: the form once per country, the amendment list only where one is due.
		expect(w.fakes.remote.count('GET /v1/countries/:code/contract_amendment')).toBe(1);
		expect(w.fakes.remote.count('GET /v1/contract-amendments')).toBe(2);

		// The amendment starts a review: the employment itself is unchanged until Remote approves it.
		expect(w.fakes.remote.contractAmendments.map((a) => [a.employment_id, a.status])).toEqual([
			['emp-1', 'submitted'],
			['emp-2', 'submitted'],
		]);
		const e1 = w.fakes.remote.getEmployment('emp-1')!;
		expect(e1.job_title).toBe('Software Engineer');
		expect(e1.contract_details.annual_gross_salary).toBe(REMOTE_SALARY);
	});

	it('U6: a second run does not submit the same amendment twice (contract_amendment_pending)', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [gp(person, '1', { work: { title: '102' } })],
			employments: [
				activeEmployment('1', { contract_details: { annual_gross_salary: REMOTE_SALARY } }),
			],
		}));
		const first = await w.run(ON);
		expect(first.get('1')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
		});
		expect(w.fakes.remote.contractAmendments).toHaveLength(1);

		w.fakes.remote.resetCounters();
		const second = await w.run(ON);
		expect(second.get('1')).toMatchObject({
			outcome: 'skipped',
			reason: 'contract_amendment_pending',
			changes: [],
		});
		expect(fields(second.get('1')!.heldBack)).toEqual([
			'contract_details.annual_gross_salary',
			'job_title',
		]);
		expect(String(second.get('1')!.message)).toContain(w.fakes.remote.contractAmendments[0].id);
		expect(JSON.stringify(second.get('1'))).not.toContain(String(HIBOB_SALARY));
		expect(w.writes()).toBe(0);
		expect(w.fakes.remote.contractAmendments).toHaveLength(1);

		// Still pending while Remote reviews it (in_review), then applied: nothing more to do.
		w.fakes.remote.setContractAmendmentStatus(w.fakes.remote.contractAmendments[0].id, 'in_review');
		expect((await w.run(ON)).get('1')).toMatchObject({ reason: 'contract_amendment_pending' });
		w.fakes.remote.approveContractAmendment(w.fakes.remote.contractAmendments[0].id);
		w.fakes.remote.resetCounters();
		const third = await w.run(ON);
		expect(third.get('1')).toMatchObject({ outcome: 'unchanged', reason: 'in_sync' });
		expect(w.writes()).toBe(0);
	});

	it('U6: a hire-date correction alone is submitted effective on the new hire date; a form without a start-date field keeps it held back', async () => {
		const portugal = {
			address: { country: 'Portugal', city: 'Lisboa', postCode: '1000-001', usaState: null },
		};
		w = await makeWorld({}, ({ person }) => ({
			people: [
				gp(person, '1', { work: { startDate: isoIn(-190) } }),
				gp(person, '2', { ...portugal, work: { title: '102', startDate: isoIn(-190) } }),
			],
			employments: [
				activeEmployment('1'),
				activeEmployment('2', {
					country_code: 'PRT',
					address_details: { address: '1 Main Street', city: 'Lisboa', postal_code: '1000-001' },
				}),
			],
		}));
		const out = await w.run(ON);
		expect(out.get('1')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
			changes: [{ field: 'provisional_start_date', from: HIRED, to: isoIn(-190) }],
		});
		const [usa, prt] = amendmentPosts(w);
		expect(usa.body).toMatchObject({
			employment_id: 'emp-1',
			contract_amendment: {
				effective_date: isoIn(-190),
				reason_for_change: 'error_correction',
				provisional_start_date: isoIn(-190),
			},
		});
		// Portugal's form has no start-date field: the title goes, the hire date stays needs_contract_amendment.
		expect(out.get('2')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
			changes: [{ field: 'job_title', from: 'Software Engineer', to: 'Senior Software Engineer' }],
			heldBack: [
				{
					field: 'provisional_start_date',
					reason: 'needs_contract_amendment',
					from: HIRED,
					to: isoIn(-190),
				},
			],
		});
		expect(String(out.get('2')!.message)).toContain('no field for the start date');
		expect(prt.body).toMatchObject({
			employment_id: 'emp-2',
			contract_amendment: { job_title: 'Senior Software Engineer', effective_date: isoIn(0) },
		});
		expect((prt.body as any).contract_amendment).not.toHaveProperty('provisional_start_date');
		expect(w.fakes.remote.count('GET /v1/countries/:code/contract_amendment')).toBe(2);
	});

	it('U6/N5: an amendment the country form would refuse is named field by field (remote_schema_invalid) and not sent', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				gp(person, '1', {
					address: { country: 'Germany', city: 'Berlin', postCode: '10115', usaState: null },
					work: { title: '102' },
				}),
			],
			employments: [
				activeEmployment('1', {
					country_code: 'DEU',
					address_details: { address: '1 Main Street', city: 'Berlin', postal_code: '10115' },
				}),
			],
		}));
		const out = await w.run(ON);
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'remote_schema_invalid' });
		expect(String(out.get('1')!.message)).toContain('contract_amendment.weekly_working_hours');
		expect(out.get('1')!.heldBack).toEqual([
			{
				field: 'job_title',
				reason: 'remote_schema_invalid',
				from: 'Software Engineer',
				to: 'Senior Software Engineer',
			},
			{ field: 'contract_amendment.weekly_working_hours', reason: 'remote_schema_invalid' },
		]);
		expect(amendmentPosts(w)).toHaveLength(0);
		expect(w.writes()).toBe(0);
		expect(w.fakes.remote.contractAmendments).toHaveLength(0);
	});

	it('U6/R2: when Remote refuses the amendment, the employment update still stands and the terms are named', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [gp(person, '1', { work: { title: '102' }, address: { city: 'Queens' } })],
			employments: [activeEmployment('1')],
		}));
		w.fakes.remote.failNext('POST /v1/contract-amendments', {
			status: 422,
			body: { errors: { 'contract_amendment.job_title': ['is invalid'] } },
		});
		const out = await w.run(ON);
		expect(out.get('1')).toMatchObject({
			outcome: 'updated',
			reason: 'remote_refused',
			changes: [{ field: 'address_details.city', from: 'New York', to: 'Queens' }],
			heldBack: [
				{
					field: 'job_title',
					reason: 'remote_refused',
					from: 'Software Engineer',
					to: 'Senior Software Engineer',
				},
			],
		});
		expect(String(out.get('1')!.message)).toContain('contract_amendment.job_title: is invalid');
		expect(w.fakes.remote.getEmployment('emp-1')!.address_details.city).toBe('Queens');
		// Not remembered as in sync: the next run submits it.
		const again = await w.run(ON);
		expect(again.get('1')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
		});
		expect(w.fakes.remote.contractAmendments).toHaveLength(1);
	});

	it('U6/R6: an amendment whose answer is lost is looked up before it is sent again (no duplicate)', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [gp(person, '1', { work: { title: '102' } })],
			employments: [activeEmployment('1')],
		}));
		w.fakes.remote.failNext('POST /v1/contract-amendments', { dropAfterApply: true });
		const out = await w.run(ON);
		expect(out.get('1')).toMatchObject({
			outcome: 'updated',
			reason: 'contract_amendment_submitted',
		});
		expect(w.fakes.remote.contractAmendments).toHaveLength(1);
		expect(amendmentPosts(w)).toHaveLength(1);
		expect(String(out.get('1')!.message)).toContain(w.fakes.remote.contractAmendments[0].id);
	});
});

describe('No amendments outside global payroll (U5)', () => {
	it('U5: EOR never gets an amendment even with the option on', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee', { work: { title: '102' } }),
				person('2', 'contractor', { work: { title: '102', startDate: isoIn(-190) } }),
			],
			employments: [
				activeEmployment('1', {
					type: 'employee',
					provisional_start_date: isoIn(40),
					contract_details: { annual_gross_salary: REMOTE_SALARY },
				}),
				activeEmployment('2', { type: 'contractor', contract_details: {} }),
			],
		}));
		const out = await w.run(ON);
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'needs_contract_amendment' });
		expect(fields(out.get('1')!.heldBack)).toEqual(['job_title']);
		expect(out.get('2')).toMatchObject({ outcome: 'skipped', reason: 'needs_contract_amendment' });
		expect(fields(out.get('2')!.heldBack)).toEqual(['job_title', 'provisional_start_date']);
		expect(w.writes()).toBe(0);
		expect(w.fakes.remote.count('GET /v1/contract-amendments')).toBe(0);
		expect(w.fakes.remote.count('GET /v1/countries/:code/contract_amendment')).toBe(0);
	});
});
