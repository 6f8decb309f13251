/**
 * The request contract (issue 11): every request body the product sends is valid for its operation
 * in the vendors' OpenAPI documents (../shared/specs) plus what Remote's notes document since; unknown
 * top-level keys fail. test/harness/contractSetup.ts applies the same check to every test file; this
 * file proves the checker can fail and runs the employee sync through every documented path.
 */
import { FakeHttpServer } from './fakes/server';
import { checkRequest } from './harness/specContract';
import { isoIn, makeWorld, MANAGER_EMAIL } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

describe('the checker', () => {
	it('N3: a create with the other forms in its body fails (unknown top-level keys), the documented create passes', () => {
		const basic = {
			name: 'A B',
			email: 'a@example.org',
			job_title: 'X',
			provisional_start_date: '2031-01-01',
		};
		expect(
			checkRequest('remote', 'POST', '/v1/employments', {
				country_code: 'USA',
				type: 'employee',
				external_id: '1',
				basic_information: basic,
			}),
		).toEqual([]);
		const problems = checkRequest('remote', 'POST', '/v1/employments', {
			country_code: 'USA',
			basic_information: basic,
			address_details: {},
			contract_details: {},
		});
		expect(problems).toEqual([
			expect.stringContaining('unknown top-level key "address_details"'),
			expect.stringContaining('unknown top-level key "contract_details"'),
		]);
		expect(
			checkRequest('remote', 'POST', '/v1/employments', {
				type: 'global_payroll_employee',
				basic_information: basic,
			}),
		).toEqual(['POST /v1/employments: required key "country_code" is missing']);
		expect(
			checkRequest('remote', 'POST', '/v1/employments', {
				country_code: 'USA',
				basic_information: 'x',
			})[0],
		).toContain('basic_information must be object');
	});

	it('U4/U7: PATCH v1 takes the forms and top-level fields; PATCH /v2 only its four fields; HiBob and time off are checked too', () => {
		expect(
			checkRequest('remote', 'PATCH', '/v1/employments/e1', {
				work_email: 'a@example.org',
				address_details: {},
				manager_id: 'u1',
			}),
		).toEqual([]);
		expect(
			checkRequest('remote', 'PATCH', '/v1/employments/e1', { manager: { id: 'u1' } })[0],
		).toContain('unknown top-level key "manager"');
		expect(checkRequest('remote', 'PATCH', '/v2/employments/e1', { department_id: 'd1' })).toEqual(
			[],
		);
		expect(
			checkRequest('remote', 'PATCH', '/v2/employments/e1', { address_details: {} })[0],
		).toContain('unknown top-level key');
		expect(checkRequest('remote', 'POST', '/v1/timeoff/t1/cancel', {})).toEqual([
			'POST /v1/timeoff/t1/cancel: required key "cancel_reason" is missing',
		]);
		expect(
			checkRequest('remote', 'POST', '/v1/timeoff', { employment_id: 'e1' }).join('\n'),
		).toContain('required key "approver_id"');
		expect(
			checkRequest('hibob', 'POST', '/v1/people/search', {
				fields: ['root.id'],
				showInactive: true,
			}),
		).toEqual([]);
		expect(
			checkRequest('hibob', 'POST', '/v1/people/search', {
				fields: ['root.id'],
				everything: true,
			})[0],
		).toContain('unknown top-level key "everything"');
		expect(checkRequest('remote', 'DELETE', '/v1/employments/e1', undefined)[0]).toContain(
			'no remote operation',
		);
	});
});

describe('the employee sync through every documented path', () => {
	it('N3/U2/U4/U6/M4: creates of all three kinds, not-started and active updates, a contract amendment: every body follows the contract', async () => {
		const seen: Array<{ method: string; path: string; body: unknown }> = [];
		const observer = (
			_fake: FakeHttpServer,
			entry: { method: string; path: string; body: unknown; userAgent?: string | null },
		) => {
			if (entry.userAgent === 'n8n' && entry.method !== 'GET') seen.push(entry);
		};
		FakeHttpServer.observers.add(observer);
		try {
			w = await makeWorld({ remote: { contractorUpdates: 'like_employee' } }, ({ person }) => ({
				people: [
					person('1', 'employee', {
						work: { department: '201', reportsTo: { email: MANAGER_EMAIL } },
					}),
					person('2', 'contractor'),
					person('3', 'global_payroll_employee', { work: { startDate: isoIn(-10) } }),
					person('4', 'employee', { firstName: 'Renamed', address: { city: 'Albany' } }),
					person('5', 'global_payroll_employee', {
						work: { title: '103', department: '202' },
						email: 'moved5@example.com',
					}),
					person('6', 'contractor', { email: 'moved6@example.com' }),
				],
				employments: [
					{
						id: 'emp-4',
						external_id: '4',
						status: 'created',
						provisional_start_date: isoIn(40),
						personal_email: 'p4.home@example.org',
					},
					{
						id: 'emp-5',
						status: 'active',
						type: 'global_payroll_employee',
						work_email: 'p5@example.com',
						personal_email: 'p5.home@example.org',
						full_name: 'First5 Last5',
					},
					{
						id: 'emp-6',
						external_id: '6',
						status: 'active',
						type: 'contractor',
						personal_email: 'p6.home@example.org',
						full_name: 'First6 Last6',
					},
				],
			}));
			const out = await w.run({ submitContractAmendments: true, contractorUpdates: true });
			expect([...out.values()].map((o) => [o.hibobId, o.outcome])).toEqual([
				['1', 'created'],
				['2', 'created'],
				['3', 'created'],
				['4', 'updated'],
				['5', 'updated'],
				['6', 'updated'],
			]);
			const endpoints = new Set(
				seen.map((r) => `${r.method} ${r.path.replace(/employments\/[^/]+/, 'employments/{id}')}`),
			);
			expect([...endpoints].sort()).toEqual(
				expect.arrayContaining([
					'PATCH /v1/employments/{id}',
					'PATCH /v2/employments/{id}',
					'POST /v1/contract-amendments',
					'POST /v1/employments',
					'POST /v1/people/search',
				]),
			);
			const problems = seen.flatMap((r) =>
				checkRequest(
					r.path.startsWith('/v1/people') || r.path.startsWith('/v1/company') ? 'hibob' : 'remote',
					r.method,
					r.path,
					r.body,
				),
			);
			expect(problems).toEqual([]);
		} finally {
			FakeHttpServer.observers.delete(observer);
		}
	});

	it('the suite-wide check is installed and has seen the product requests of this file', () => {
		const log = (globalThis as any).__productRequestContract as {
			checked: number;
			problems: string[];
		};
		expect(log.checked).toBeGreaterThan(10);
		expect(log.problems).toEqual([]);
	});
});
