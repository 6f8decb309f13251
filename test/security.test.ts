/**
 * Security hardening (issue 13): what a reader of n8n's database could recover, what reaches a URL
 * path, and which base URLs a credential may send its token to. Each test names the rule it proves
 * (docs/sync-rules.md R1: sensitive values never leave the node; R2: bad input is a per-item reason).
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { HiBobApi } from '../credentials/HiBobApi.credentials';
import { RemoteApi } from '../credentials/RemoteApi.credentials';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { diffPeople } from '../nodes/HiBobPollTrigger/pollHelpers';
import { deliveryHash } from '../nodes/HiBobTrigger/webhookPayload';
import { fingerprint, fingerprintKey, stableStringify } from '../nodes/shared/core/fingerprint';
import { inSyncKey } from '../nodes/shared/core/memoryKeys';
import * as outcome from '../nodes/shared/core/outcome';
import { personSchema } from '../nodes/shared/core/person';
import { baseUrlProblem, CUSTOM_URL_PATTERN } from '../nodes/shared/transport/baseUrl';
import { TEST_CREDENTIALS } from './fakes';
import { runExecute } from './harness/n8n';
import { ProcessedDataStore } from './harness/processedData';
import type { World } from './helpers/world';
import { isoIn, makeWorld } from './helpers/world';

jest.setTimeout(60_000);

const SSN = '123-45-6789';
const SALARY = { value: 85_000 }; // HiBob's yearlyPayment as the node reads it

/** What n8n's deduplication store holds for Remote Upsert Employee's own scope: MD5s of names. */
function storeRow(w: World): string[] {
	return w.store.rows.get(`${w.store.workflowId}|n:node-remoteUpsertEmployee`)?.data ?? [];
}

describe('R1: what the sync remembers is keyed', () => {
	let w: World;
	beforeAll(async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee'),
				person('2', 'global_payroll_employee', { work: { startDate: isoIn(-30) } }),
			],
		}));
	});
	afterAll(() => w.close());

	it("R1: a remembered person cannot be recomputed from the person's values (SSN and salary included) without the key", async () => {
		const first = await w.run();
		expect(first.get('1')).toMatchObject({ outcome: 'created' });
		expect(first.get('2')).toMatchObject({ outcome: 'created' });
		const row = storeRow(w);
		const people = (await w.getEmployees()).map((item) => personSchema.parse(item.json));
		const departments = new Map(
			w.fakes.remote.state.departments.map((d) => [String(d.name).toLowerCase(), String(d.id)]),
		);
		const key = fingerprintKey(
			'employee',
			TEST_CREDENTIALS.remoteToken,
			TEST_CREDENTIALS.hibobToken,
		);
		let inSync = 0;
		for (const person of people) {
			// Everything the fingerprint covers, as an attacker with the person's other values would rebuild it.
			const { warnings: _w, missingFields: _m, raw: _r, ...values } = person;
			const input = {
				values,
				employmentId: String(first.get(person.hibobId)?.remoteEmploymentId),
				status: 'created',
				sensitive: { ssn: SSN, yearlySalary: SALARY, payPeriod: 'Annual' },
				manager: null,
				department: person.department
					? (departments.get(person.department.toLowerCase()) ?? null)
					: null,
			};
			const unkeyed = createHash('sha256').update(stableStringify(input)).digest('hex');
			expect(row).not.toContain(
				ProcessedDataStore.hash(inSyncKey(person.hibobId, unkeyed.slice(0, 32))),
			);
			// With the key (derived from the credentials' secrets, which n8n keeps encrypted) it is there.
			if (!(first.get(person.hibobId)!.heldBack as unknown[]).length) {
				expect(row).toContain(
					ProcessedDataStore.hash(inSyncKey(person.hibobId, fingerprint(key, input))),
				);
				inSync++;
			}
			// Neither the SSN nor the salary is kept in any form, nor anything in static data.
			for (const secret of [SSN, SSN.replace(/-/g, ''), '85000', '8500000'])
				expect(row).not.toContain(ProcessedDataStore.hash(secret));
			expect(w.staticData).toEqual({});
		}
		expect(inSync).toBeGreaterThan(0);
	});

	it('R1: the same person with the same key gives the same names: no needless re-read; a rotated token means one full re-read', async () => {
		await w.run();
		const before = JSON.stringify(storeRow(w));
		const reads = () => w.fakes.remote.count('GET /v1/employments/:id');
		const r0 = reads();
		await w.run();
		// Looking at the memory leaves it as it was.
		expect(JSON.stringify(storeRow(w))).toBe(before);
		expect(reads()).toBe(r0);

		// The Remote token is rotated: every fingerprint changes once (one full read), then stays.
		const rotated = 'rotated-remote-token-91ac';
		(w.fakes.remote as unknown as { token: string }).token = rotated;
		(w.credentials.remoteApi as IDataObject).apiToken = rotated;
		try {
			await w.run();
			const after = JSON.stringify(storeRow(w));
			expect(after).not.toBe(before);
			expect(reads()).toBe(r0 + 2);
			await w.run();
			expect(JSON.stringify(storeRow(w))).toBe(after);
			expect(reads()).toBe(r0 + 2);
		} finally {
			(w.fakes.remote as unknown as { token: string }).token = TEST_CREDENTIALS.remoteToken;
			(w.credentials.remoteApi as IDataObject).apiToken = TEST_CREDENTIALS.remoteToken;
		}
	});
});

describe('R1: sensitive field names and echoed values', () => {
	it('R1: national and tax ids, passport, bank and pay fields are sensitive by name; ordinary fields are not', () => {
		const sensitive = [
			'social_security_number',
			'national_insurance_number',
			'tax_id',
			'sin',
			'passport_number',
			'swift_code',
			'bic',
			'sort_code',
			'hourly_rate',
			'signing_bonus_amount',
			'administrative_details.tax_number',
			'contract_details.annual_gross_salary',
			'yearlyPayment',
			'bank_account_details',
			'socialSecurityNumber',
		];
		const ordinary = [
			'name',
			'email',
			'job_title',
			'department',
			'city',
			'business_name',
			'provisional_start_date',
			'single',
			'basic_information',
		];
		expect(sensitive.filter((field) => !outcome.isSensitiveField(field))).toEqual([]);
		expect(ordinary.filter((field) => outcome.isSensitiveField(field))).toEqual([]);
	});

	it("R1: a country form's hints (money inputs, sensitive titles) widen the masked names", () => {
		const schema = {
			type: 'object',
			properties: {
				annual_amount: {
					type: 'integer',
					title: 'Annual amount',
					'x-jsf-presentation': { inputType: 'money' },
				},
				cpr: { type: 'string', title: 'Tax identification number (CPR)' },
				codice: { type: 'string', title: 'Social security code' },
				nested: {
					type: 'object',
					properties: { kennitala: { type: 'string', description: 'National ID number' } },
				},
				city: { type: 'string', title: 'City' },
			},
		};
		const keys = outcome.sensitiveKeysOfSchema(schema);
		expect([...keys].sort()).toEqual(['annual_amount', 'codice', 'cpr', 'kennitala']);
		const masked = outcome.maskDeep(
			{ body: { annual_amount: 9_100_000, cpr: '0101901234', city: 'Aarhus' } },
			keys,
		);
		expect(masked).toEqual({ body: { annual_amount: '***00', cpr: '***34', city: 'Aarhus' } });
	});

	it('R1: an echoed SSN or salary is masked in every form; dates, ids and other numbers stay readable', () => {
		const sent = outcome.sensitiveValuesOf({
			administrative_details: { ssn: '123-45-6789' },
			contract_details: { annual_gross_salary: 8_500_000 },
		});
		const echoes = [
			'SSN 123 45 6789 is invalid',
			'SSN 123.45.6789 is invalid',
			'SSN 123456789 is invalid',
			'salary USD 85,000.00 is out of range',
			'salary 85.000,00 € is out of range',
			'salary 85 000 is out of range',
			'salary $85,000 is out of range',
			'salary 85000.0 is out of range',
			'salary 8500000 is out of range',
			'salary 85,000 in 2026 85000',
		];
		for (const echo of echoes) {
			const masked = outcome.maskSensitiveText(echo, sent);
			expect(masked).not.toMatch(/85[ ,.]?000|123[ .-]?45[ .-]?6789/);
			expect(masked).toContain('***');
		}
		// Without knowing what was sent, SSN-shaped values and currency amounts are still masked.
		expect(outcome.maskSensitiveText('SSN 987 65 4321 and EUR 72.000,00', [])).toBe(
			'SSN *** and EUR ***',
		);
		const plain =
			'provisional_start_date 2026-01-05 must be after 2026-01-20 (employment e0000000-0000-4000-8000-000000000001, page 2 of 75)';
		expect(outcome.maskSensitiveText(plain, sent)).toBe(plain);
	});
});

describe('R2: custom base URLs (a configuration mistake stops the node before the token is sent)', () => {
	let w: World;
	beforeAll(async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'employee')] }));
	});
	afterAll(() => w.close());

	const getEmployees = (customUrl: string) =>
		runExecute(new HiBob(), {
			parameters: { resource: 'employee', operation: 'getEmployees', person: '', options: {} },
			credentials: { ...w.credentials, hiBobApi: { ...w.credentials.hiBobApi, customUrl } } as any,
		});

	it('R2: user info, a query or a fragment in the custom URL is refused, no request is sent, and the user info is never printed', async () => {
		const fake = new URL(w.fakes.hibobUrl);
		const crafted = [
			`http://admin:hunter2secret@${fake.host}`,
			`${w.fakes.hibobUrl}/v1/company/named-lists/x?ignored=`,
			`${w.fakes.hibobUrl}#`,
			`${w.fakes.hibobUrl}/#/anything`,
		];
		for (const url of crafted) {
			const before = w.fakes.hibob.requests.length;
			let error: any;
			await getEmployees(url).catch((e) => (error = e));
			expect(error?.message).toMatch(/has no valid base URL/);
			expect(`${error.message} ${error.description}`).not.toMatch(/hunter2secret|admin:/);
			expect(w.fakes.hibob.requests.length).toBe(before);
		}
		// The fakes' own loopback http:// URL keeps working.
		expect((await getEmployees(w.fakes.hibobUrl)).output).toHaveLength(1);
	});

	it('R2: https:// anywhere (with a path prefix for proxies), http:// only for this machine', () => {
		const ok = [
			'https://api.hibob.com',
			'https://hibob-proxy.example.com/hibob',
			'https://proxy.example.com:8443',
			'http://127.0.0.1:8080',
			'http://localhost:3000/api',
			'http://[::1]:9000',
		];
		const refused = [
			'http://api.hibob.com',
			'http://10.0.0.5',
			'ftp://api.hibob.com',
			'https://u:p@api.hibob.com',
			'https://api.hibob.com?x=1',
			'https://api.hibob.com#x',
			'api.hibob.com',
			'https://api.hibob.com/a b',
			'http://localhost.evil.com',
		];
		expect(ok.filter((url) => baseUrlProblem(url) !== undefined)).toEqual([]);
		expect(refused.filter((url) => baseUrlProblem(url) === undefined)).toEqual([]);
		// The credentials' test requests (n8n expressions, evaluated here by n8n-workflow itself) apply the
		// same rule, and send a refused URL's test to a .invalid host: the token goes nowhere.
		const workflow = new Workflow({
			nodes: [{ id: '1', name: 'n', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
			active: false,
			nodeTypes: {
				getByNameAndVersion: () => ({ description: { properties: [] } }),
				getByName: () => ({}),
			} as any,
		});
		for (const credential of [new HiBobApi(), new RemoteApi()]) {
			const baseURL = String(credential.test.request.baseURL);
			for (const url of [...ok, ...refused]) {
				const resolved = String(
					workflow.expression.getParameterValue(baseURL, null, 0, 0, 'n', [], 'manual', {
						$credentials: { environment: 'custom', customUrl: url },
					} as any),
				);
				if (baseUrlProblem(url) === undefined) expect(resolved).toBe(url);
				else expect(resolved).toMatch(/^https:\/\/custom-url-refused[a-z-]*\.invalid$/);
			}
			expect(CUSTOM_URL_PATTERN.flags).toBe('i');
		}
	});
});

describe('R2: ids are checked before they reach a URL path', () => {
	let w: World;
	beforeAll(async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [person('1', 'employee'), person('2', 'employee')],
			employments: [
				{
					id: '..',
					external_id: '1',
					type: 'employee',
					status: 'created',
					country_code: 'USA',
					personal_email: 'p1.home@example.org',
					full_name: 'First1 Last1',
				},
			],
		}));
	});
	afterAll(() => w.close());

	it('R2: HiBob Get Time Off Request with an employee id ".." or a request id that is not an integer: a per-item reason, nothing requested', async () => {
		const getRequest = (employeeId: string, requestId: string) =>
			runExecute(new HiBob(), {
				parameters: { resource: 'timeOff', operation: 'getRequest', employeeId, requestId } as any,
				input: [{ json: {} }],
				credentials: w.credentials as any,
			});
		for (const [employeeId, requestId] of [
			['..', '12345'],
			['1', '../../people/search'],
			['1', '12.5'],
			['.', '1'],
		]) {
			const before = w.fakes.hibob.requests.length;
			const { output } = await getRequest(employeeId, requestId);
			expect(output).toHaveLength(1);
			expect(output[0].json).toMatchObject({ outcome: 'skipped', reason: 'invalid_id' });
			expect(String(output[0].json.message)).toMatch(
				/is not a HiBob (employee|time-off request) id/,
			);
			expect(output[0].pairedItem).toEqual({ item: 0 });
			expect(w.fakes.hibob.requests.length).toBe(before);
		}
		// A real request still reads (HiBob answers 404 for an unknown one: reported as deleted).
		const { output } = await getRequest('1', '12345');
		expect(output[0].json).toMatchObject({ requestId: '12345', status: 'deleted' });
	});

	it("R2: a Remote employment id that is not letters, digits and dashes is that person's failure; the others are synced", async () => {
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'failed' });
		expect(String(out.get('1')?.message)).toMatch(/is not a Remote id/);
		expect(out.get('2')).toMatchObject({ outcome: 'created' });
		expect(w.fakes.remote.requests.filter((r) => /\/\.\.(\/|$)|%2e%2e/i.test(r.path))).toEqual([]);
		expect(w.fakes.remote.requests.some((r) => r.path.startsWith('/v1/employments'))).toBe(true);
	});
});

describe('R1: the triggers keep keyed ids only', () => {
	it('R1: HiBob Poll Trigger fingerprints and HiBob Trigger delivery ids cannot be recomputed without the token or secret', () => {
		const person = { id: '7', firstName: 'Ada', personal: { birthDate: '1990-04-01' } };
		const key = fingerprintKey('poll', 'hibob-token');
		const { fingerprints } = diffPeople({}, [person], key);
		const unkeyed = createHash('sha256').update(stableStringify(person)).digest('hex');
		expect(fingerprints['7']).toMatch(/^[0-9a-f]{32}$/);
		expect(unkeyed.startsWith(fingerprints['7'])).toBe(false);
		expect(diffPeople({}, [person], key).fingerprints['7']).toBe(fingerprints['7']);
		expect(diffPeople({}, [person], fingerprintKey('poll', 'rotated')).fingerprints['7']).not.toBe(
			fingerprints['7'],
		);

		const raw = Buffer.from('{"type":"employee.updated","data":{"employeeId":"7"}}');
		const id = deliveryHash('webhook-secret', raw);
		expect(id).not.toBe(createHash('sha256').update(raw).digest('hex'));
		expect(deliveryHash('webhook-secret', raw)).toBe(id);
		expect(deliveryHash('another-secret', raw)).not.toBe(id);
	});
});
