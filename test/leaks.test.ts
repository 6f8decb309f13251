/**
 * Secrets and PII never leak (docs/sync-rules.md R1, R2): every output item, every error (message,
 * description and `JSON.stringify(error)`), every webhook answer and every log line that
 * representative runs of all five nodes produce is collected, and none may contain a credential
 * token (HiBob, Remote, the encoded HiBob Basic pair), the webhook secret, a full SSN, a salary or a
 * bank value. The runs include the awkward cases: SSN and global payroll salaries being created and
 * updated, 422 answers that echo the request body back, refused credentials (401, also with a body
 * that repeats the token), wrong webhook signatures and webhook payloads full of personal data.
 */
import { createHmac } from 'crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { HiBobPollTrigger } from '../nodes/HiBobPollTrigger/HiBobPollTrigger.node';
import { HiBobTrigger } from '../nodes/HiBobTrigger/HiBobTrigger.node';
import { RemoteTimeOff } from '../nodes/RemoteTimeOff/RemoteTimeOff.node';
import { RemoteUpsertEmployee } from '../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import type { FakeHttpServer, FakeRequest, FakeResponse } from './fakes';
import { DEFAULT_LEGAL_ENTITY_ID, HttpError, TEST_CREDENTIALS } from './fakes';
import { runExecute, runPoll, runWebhook } from './harness/n8n';
import type { World } from './helpers/world';
import { isoIn, makeWorld, weekdayIn } from './helpers/world';

jest.setTimeout(60_000);

// ---- what must never appear -----------------------------------------------------------------------------

const WEBHOOK_SECRET = 'leak-test-webhook-secret-4f9a';
const WRONG_HIBOB_TOKEN = 'wrong-hibob-token-7c1e';
const WRONG_REMOTE_TOKEN = 'wrong-remote-token-2b8d';
const SSN = '123-45-6789'; // every HiBob person of the world (test/helpers/world.ts)
const REMOTE_SSN = '987-65-4321'; // what Remote holds for the active employments below
const SALARY = 85_000; // HiBob annual salary of every person of the world
const REMOTE_SALARY_MINOR = 7_200_000; // what Remote holds for the active GP employment
const IBAN = 'DE89370400440532013000';
const ACCOUNT_NUMBER = '0532013000';
// Sensitive values Remote holds under other field names (issue 13): they must be masked by name.
const OTHER_SENSITIVE: Record<string, string | number> = {
	social_security_number: '321-54-9876',
	national_insurance_number: 'QQ123456C',
	tax_id: 'TAXID-77120',
	sin: '046-454-286',
	passport_number: 'P9182736',
	swift_code: 'DEUTDEFF500',
	bic: 'COBADEFFXXX',
	sort_code: '40-47-84',
	hourly_rate: 7315,
	signing_bonus_amount: 2468000,
};
/** The forms a salary or an SSN takes when an API echoes it back (separators, decimals, currency). */
const ECHO_FORMS = ['123 45 6789', '123.45.6789', '85,000', '85.000', '85 000', '85000.0'];

const basicPair = (user: string, token: string) =>
	Buffer.from(`${user}:${token}`).toString('base64');

const FORBIDDEN: Array<[string, string]> = [
	['HiBob token', TEST_CREDENTIALS.hibobToken],
	['Remote token', TEST_CREDENTIALS.remoteToken],
	['wrong HiBob token', WRONG_HIBOB_TOKEN],
	['wrong Remote token', WRONG_REMOTE_TOKEN],
	[
		'HiBob Basic pair',
		basicPair(TEST_CREDENTIALS.hibobServiceUserId, TEST_CREDENTIALS.hibobToken).replace(/=+$/, ''),
	],
	[
		'wrong HiBob Basic pair',
		basicPair(TEST_CREDENTIALS.hibobServiceUserId, WRONG_HIBOB_TOKEN).replace(/=+$/, ''),
	],
	['webhook secret', WEBHOOK_SECRET],
	['SSN', SSN],
	['SSN (digits)', SSN.replace(/-/g, '')],
	['Remote SSN', REMOTE_SSN],
	['Remote SSN (digits)', REMOTE_SSN.replace(/-/g, '')],
	['salary', String(SALARY)],
	['salary (minor units)', String(SALARY * 100)],
	['Remote salary', String(REMOTE_SALARY_MINOR / 100)],
	['Remote salary (minor units)', String(REMOTE_SALARY_MINOR)],
	['IBAN', IBAN],
	['account number', ACCOUNT_NUMBER],
	...Object.entries(OTHER_SENSITIVE).map(([name, value]): [string, string] => [
		name,
		String(value),
	]),
	...ECHO_FORMS.map((form): [string, string] => [`echoed form ${form}`, form]),
];

// ---- collecting everything the nodes produce --------------------------------------------------------------

interface Collected {
	source: string;
	text: string;
}

const collected: Collected[] = [];

function collect(source: string, value: unknown): void {
	collected.push({
		source,
		text: typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)),
	});
}

function collectItems(source: string, items: INodeExecutionData[] | null | undefined): void {
	for (const [i, item] of (items ?? []).entries()) collect(`${source} item ${i}`, item.json);
}

function collectError(source: string, error: unknown): void {
	const e = error as { message?: unknown; description?: unknown; stack?: unknown; cause?: unknown };
	collect(`${source} error.message`, String(e?.message ?? ''));
	collect(`${source} error.description`, String(e?.description ?? ''));
	collect(`${source} error.stack`, String(e?.stack ?? ''));
	collect(`${source} JSON.stringify(error)`, JSON.stringify(error));
	if (e?.cause !== undefined) collect(`${source} error.cause`, JSON.stringify(e.cause));
}

function collectLogs(source: string, logs: string[]): void {
	for (const [i, line] of logs.entries()) collect(`${source} log ${i}`, line);
	logs.length = 0;
}

/** Runs a node that must fail; collects its error. */
async function mustFail(source: string, run: () => Promise<unknown>): Promise<unknown> {
	let caught: unknown;
	try {
		await run();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeDefined();
	collectError(source, caught);
	return caught;
}

/** Each forbidden value found, with where and a little context. */
function leaks(entries: Collected[] = collected): string[] {
	const found: string[] = [];
	for (const { source, text } of entries) {
		for (const [name, value] of FORBIDDEN) {
			const at = text.indexOf(value);
			if (at >= 0)
				found.push(
					`${name} in ${source}: …${text.slice(Math.max(0, at - 60), at + value.length + 20)}…`,
				);
		}
	}
	return found;
}

/** Expects no leak in what was collected since `from` (so a failing test names its own run). */
function expectNoLeakSince(from: number): void {
	expect(collected.length).toBeGreaterThan(from);
	expect(leaks(collected.slice(from))).toEqual([]);
}

// ---- fakes that echo what they were sent ---------------------------------------------------------------------

/**
 * Makes `endpoint` answer with `status` and a body built from the request (as some APIs echo the
 * submitted values back in validation errors) whenever `when` says so.
 */
function echoing(
	fake: FakeHttpServer,
	endpoint: string,
	when: (req: FakeRequest) => boolean,
	answer: (req: FakeRequest) => { status: number; body: unknown },
): void {
	const route = (
		fake as unknown as {
			routes: Array<{ key: string; handler: (req: FakeRequest) => FakeResponse }>;
		}
	).routes.find((r) => r.key === endpoint);
	if (!route) throw new Error(`no route ${endpoint}`);
	const original = route.handler;
	route.handler = (req) => {
		if (!when(req)) return original(req);
		const { status, body } = answer(req);
		throw new HttpError(status, body);
	};
}

// ---- the world: people with SSNs, salaries and bank accounts ------------------------------------------------

let w: World;

const remoteSensitive = {
	administrative_details: {
		ssn: REMOTE_SSN,
		social_security_number: OTHER_SENSITIVE.social_security_number,
		national_insurance_number: OTHER_SENSITIVE.national_insurance_number,
		tax_id: OTHER_SENSITIVE.tax_id,
		sin: OTHER_SENSITIVE.sin,
		passport_number: OTHER_SENSITIVE.passport_number,
	},
	bank_account_details: [
		{
			iban: IBAN,
			account_number: ACCOUNT_NUMBER,
			account_holder: 'Holder',
			swift_code: OTHER_SENSITIVE.swift_code,
			bic: OTHER_SENSITIVE.bic,
			sort_code: OTHER_SENSITIVE.sort_code,
		},
	],
};

beforeAll(async () => {
	w = await makeWorld({}, ({ person }) => ({
		people: [
			// New hires: created with SSN (USA), the GP ones with the annual salary.
			person('1', 'employee'),
			person('2', 'global_payroll_employee', { work: { startDate: isoIn(-30) } }),
			// Active in Remote with another SSN and salary, and a bank account: updated (SSN), amendment needed (salary).
			person('3', 'global_payroll_employee', { work: { startDate: isoIn(-300) } }),
			person('4', 'employee', { work: { startDate: isoIn(-300) } }),
			// Creates that Remote refuses with 422, echoing the values sent.
			person('5', 'employee'),
			person('6', 'global_payroll_employee', { work: { startDate: isoIn(-30) } }),
			// Not started yet in Remote, SSN differs: the update (which sends the SSN) is refused with an echo.
			person('7', 'employee'),
			// A create refused with the SSN and the salary echoed in other forms (spaces, dots, currency).
			person('8', 'global_payroll_employee', { work: { startDate: isoIn(-30) } }),
		],
		employments: ['3', '4', '7'].map((id) => ({
			id: `emp-${id}`,
			external_id: id,
			type: id === '3' ? ('global_payroll_employee' as const) : ('employee' as const),
			status: id === '7' ? ('created' as const) : ('active' as const),
			country_code: 'USA',
			personal_email: `p${id}.home@example.org`,
			full_name: `First${id} Last${id}`,
			...remoteSensitive,
			contract_details: {
				...(id === '3' ? { annual_gross_salary: REMOTE_SALARY_MINOR } : {}),
				hourly_rate: OTHER_SENSITIVE.hourly_rate,
				signing_bonus_amount: OTHER_SENSITIVE.signing_bonus_amount,
			},
		})),
	}));
	w.credentials.hiBobApi.serviceUserId = TEST_CREDENTIALS.hibobServiceUserId;
	const remote = w.fakes.remote;
	echoing(
		remote,
		'POST /v1/employments',
		(req) => req.body?.external_id === '5',
		(req) => ({
			status: 422,
			body: {
				message: `Validation failed for the submitted employment: ${JSON.stringify(req.body)}`,
			},
		}),
	);
	// The SSN and salary follow the create by PATCH (N3): Remote refuses those forms, echoing them.
	echoing(
		remote,
		'PATCH /v1/employments/:id',
		(req) => remote.getEmployment(req.params.id)?.external_id === '6',
		(req) => ({
			status: 422,
			body: {
				errors: {
					'administrative_details.ssn': [
						`${String(req.body?.administrative_details?.ssn)} is not a valid SSN`,
					],
					'contract_details.annual_gross_salary': [
						`${String(req.body?.contract_details?.annual_gross_salary)} is out of range`,
					],
				},
				submitted: req.body,
			},
		}),
	);
	echoing(
		remote,
		'POST /v1/employments',
		(req) => req.body?.external_id === '8',
		(req) => {
			const ssn = String(req.body?.administrative_details?.ssn ?? '').replace(/\D/g, '');
			const minor = Number(req.body?.contract_details?.annual_gross_salary ?? 0);
			const major = minor / 100;
			return {
				status: 422,
				body: {
					message: [
						{
							code: 'invalid',
							message: `SSN ${ssn.slice(0, 3)} ${ssn.slice(3, 5)} ${ssn.slice(5)} is not valid`,
							param: 'administrative_details.ssn',
						},
						{
							code: 'invalid',
							message: `also tried ${ssn.slice(0, 3)}.${ssn.slice(3, 5)}.${ssn.slice(5)}`,
							param: 'administrative_details.ssn',
						},
						{
							code: 'out_of_range',
							message: `USD ${major.toLocaleString('en-US', { minimumFractionDigits: 2 })} (${major.toLocaleString('de-DE', { minimumFractionDigits: 2 })} €, ${major.toLocaleString('fr-FR').replace(/\u202f/g, ' ')} $, ${major.toFixed(1)}) is above the band`,
							param: 'contract_details.annual_gross_salary',
						},
					],
				},
			};
		},
	);
	echoing(
		remote,
		'PATCH /v1/employments/:id',
		(req) => req.params.id === 'emp-7',
		(req) => ({
			status: 422,
			body: {
				message: [
					{
						code: 'invalid',
						message: `SSN ${String(req.body?.administrative_details?.ssn)} rejected`,
						param: 'administrative_details.ssn',
					},
				],
				request: req.body,
			},
		}),
	);
});

afterAll(async () => {
	await w?.close();
	// One more look over everything every test collected.
	expect(leaks()).toEqual([]);
});

const credentials = () => w.credentials as any;
const withHiBobToken = (token: string) =>
	({ ...w.credentials, hiBobApi: { ...w.credentials.hiBobApi, token } }) as any;
const withRemoteToken = (apiToken: string) =>
	({ ...w.credentials, remoteApi: { ...w.credentials.remoteApi, apiToken } }) as any;

// ---- the runs ----------------------------------------------------------------------------------------------

describe('R1: no secret and no SSN, salary or bank value in anything a node produces', () => {
	it('employees: Get Employees (with the raw record), Upsert dry run, real run with 422 echoes, and a second run', async () => {
		const from = collected.length;
		const logs: string[] = [];
		for (const includeRaw of [false, true]) {
			const { output } = await runExecute(new HiBob(), {
				parameters: {
					resource: 'employee',
					operation: 'getEmployees',
					person: '',
					options: { includeRaw },
				},
				credentials: credentials(),
				logs,
			});
			expect(output.length).toBe(8);
			collectItems(`Get Employees (includeRaw ${includeRaw})`, output);
		}
		for (const operation of ['checkPermissions', 'createSyncField']) {
			const { output } = await runExecute(new HiBob(), {
				parameters: { resource: 'setup', operation },
				credentials: credentials(),
				logs,
			});
			collectItems(`HiBob setup ${operation}`, output);
		}
		collectLogs('Get Employees', logs);
		const people = await w.getEmployees();

		const upsert = (options: IDataObject) =>
			runExecute(new RemoteUpsertEmployee(), {
				parameters: {
					options: { summary: true, gpLegalEntityId: DEFAULT_LEGAL_ENTITY_ID, ...options } as any,
				},
				input: people,
				credentials: credentials(),
				staticData: w.staticData,
				processedData: w.store,
				logs,
			});
		const dry = await upsert({ dryRun: true });
		collectItems('Upsert dry run', dry.output);
		// The dry run planned the sensitive values (so the check below means something): SSN and salary, masked.
		const planned = JSON.stringify(dry.output.map((o) => o.json.plannedRequests));
		expect(planned).toContain('administrative_details');
		expect(planned).toContain('annual_gross_salary');
		collect('Upsert dry run planned requests', planned);

		const real = await upsert({});
		collectItems('Upsert', real.output);
		const byId = new Map(
			real.output.filter((o) => !o.json.summary).map((o) => [String(o.json.hibobId), o.json]),
		);
		expect(byId.get('1')).toMatchObject({ outcome: 'created' });
		expect(byId.get('2')).toMatchObject({ outcome: 'created' });
		expect(byId.get('5')).toMatchObject({ outcome: 'failed' });
		// Created, but the forms Remote refused are named and wait for the next run.
		expect(byId.get('6')).toMatchObject({ outcome: 'created', reason: 'created_incomplete' });
		expect(byId.get('7')).toMatchObject({ outcome: 'failed' });
		// The echo in other forms was sent (and its message kept what is not sensitive).
		expect(byId.get('8')).toMatchObject({ outcome: 'failed', reason: 'remote_refused' });
		expect(String(byId.get('8')?.message)).toMatch(/is not valid.*is above the band/);
		// Static data and n8n's deduplication store after a run with SSN and salary: no sensitive value
		// (the store keeps MD5s of names whose fingerprints are keyed: test/security.test.ts).
		collect('static data', w.staticData);
		collect('deduplication store', JSON.stringify([...w.store.rows]));
		expect(w.store.rows.size).toBeGreaterThan(0);
		// The fakes really received the values (and echoed them back).
		expect(JSON.stringify(w.fakes.remote.state.employments)).toContain(SSN);
		expect(w.fakes.remote.requests.some((r) => r.status === 422)).toBe(true);
		// An SSN that differs on an active employment is reported (masked), as is a GP salary (U4, U6).
		expect(JSON.stringify(byId.get('4')?.heldBack)).toContain('administrative_details.ssn');
		expect(JSON.stringify(byId.get('3')?.heldBack)).toContain('annual_gross_salary');
		// The update that sends the SSN was tried (and refused with the echo).
		expect(
			w.fakes.remote.requests.some(
				(r) => r.endpoint === 'PATCH /v1/employments/:id' && r.status === 422,
			),
		).toBe(true);

		collectItems('Upsert second run', (await upsert({ recheckAll: true })).output);
		collectLogs('Upsert', logs);
		expectNoLeakSince(from);
	});

	it('time off: Get Approved, Get Changes, Get Time Off Request and Remote Time Off, with a 422 that echoes the body', async () => {
		const from = collected.length;
		const logs: string[] = [];
		const hibob = w.fakes.hibob;
		const a = hibob.addTimeoffRequest({
			employeeId: '4',
			startDate: weekdayIn(10),
			endDate: weekdayIn(10),
		});
		hibob.addTimeoffRequest({
			employeeId: '3',
			startDate: weekdayIn(12),
			endDate: weekdayIn(12),
			policyTypeDisplayName: 'Sick',
		});
		echoing(
			w.fakes.remote,
			'POST /v1/timeoff',
			(req) => String(req.body?.notes ?? '').includes(String(a.requestId)),
			(req) => ({ status: 422, body: { message: `Invalid time off ${JSON.stringify(req.body)}` } }),
		);
		const read = async (operation: string, extra: IDataObject = {}) =>
			(
				await runExecute(new HiBob(), {
					parameters: { resource: 'timeOff', operation, ...extra } as any,
					credentials: credentials(),
					logs,
				})
			).output;
		const approved = await read('getApproved');
		const changes = await read('getChanges', {
			since: new Date(Date.now() - 3_600_000).toISOString(),
		});
		const one = await read('getRequest', { employeeId: '4', requestId: String(a.requestId) });
		expect(approved).toHaveLength(2);
		collectItems('Get Approved Time Off', approved);
		collectItems('Get Time Off Changes', changes);
		collectItems('Get Time Off Request', one);
		const run = await runExecute(new RemoteTimeOff(), {
			parameters: { approverId: 'user-manager-1', options: { summary: true } } as any,
			input: approved,
			credentials: credentials(),
			logs,
		});
		collectItems('Remote Time Off', run.output);
		expect(run.output.map((o) => o.json.outcome)).toEqual(
			expect.arrayContaining(['failed', 'created']),
		);
		collectLogs('time off', logs);
		expectNoLeakSince(from);
	});

	it('refused credentials (401, also with bodies that repeat the token) on every node that calls an API', async () => {
		const from = collected.length;
		const logs: string[] = [];
		const people = await w.getEmployees();
		const employeeParams = { resource: 'employee', operation: 'getEmployees', person: '' };

		// A wrong token (the APIs' own 401 bodies).
		const wrongHiBob = withHiBobToken(WRONG_HIBOB_TOKEN);
		const wrongRemote = withRemoteToken(WRONG_REMOTE_TOKEN);
		await mustFail('HiBob Get Employees, wrong token', () =>
			runExecute(new HiBob(), { parameters: employeeParams, credentials: wrongHiBob, logs }),
		);
		await mustFail('HiBob Get Approved, wrong token', () =>
			runExecute(new HiBob(), {
				parameters: { resource: 'timeOff', operation: 'getApproved' },
				credentials: wrongHiBob,
				logs,
			}),
		);
		await mustFail('Upsert, wrong Remote token', () =>
			runExecute(new RemoteUpsertEmployee(), {
				parameters: { options: {} },
				input: people,
				credentials: wrongRemote,
				logs,
			}),
		);
		await mustFail('Upsert, wrong HiBob token (SSN/salary read)', () =>
			runExecute(new RemoteUpsertEmployee(), {
				parameters: { options: { dryRun: true } },
				input: people,
				credentials: wrongHiBob,
				logs,
			}),
		);
		const approved = (
			await runExecute(new HiBob(), {
				parameters: { resource: 'timeOff', operation: 'getApproved' },
				credentials: credentials(),
			})
		).output;
		await mustFail('Remote Time Off, wrong Remote token', () =>
			runExecute(new RemoteTimeOff(), {
				parameters: { approverId: 'user-manager-1', options: {} } as any,
				input: approved,
				credentials: wrongRemote,
				logs,
			}),
		);
		for (const watch of ['employees', 'timeOff']) {
			await mustFail(`Poll Trigger (${watch}), wrong token`, () =>
				runPoll(new HiBobPollTrigger(), {
					parameters: { watch },
					credentials: wrongHiBob,
					mode: 'trigger',
					staticData: {},
					logs,
				}),
			);
		}

		// 401 answers whose bodies repeat the credential (some gateways do).
		const hibobEcho = {
			status: 401,
			body: {
				key: 'unauthorized',
				error: `Service user ${TEST_CREDENTIALS.hibobServiceUserId} with token ${TEST_CREDENTIALS.hibobToken} (Basic ${basicPair(TEST_CREDENTIALS.hibobServiceUserId, TEST_CREDENTIALS.hibobToken)}) is not allowed`,
			},
		};
		const remoteEcho = {
			status: 401,
			body: {
				message: `The token ${TEST_CREDENTIALS.remoteToken} is not valid (Bearer ${TEST_CREDENTIALS.remoteToken})`,
			},
		};
		w.fakes.hibob.failNext('GET /v1/company/people/fields', hibobEcho);
		await mustFail('HiBob Get Employees, 401 echoing the token', () =>
			runExecute(new HiBob(), { parameters: employeeParams, credentials: credentials(), logs }),
		);
		w.fakes.hibob.failNext('GET /v1/timeoff/whosout', hibobEcho);
		await mustFail('HiBob Get Approved, 401 echoing the token', () =>
			runExecute(new HiBob(), {
				parameters: { resource: 'timeOff', operation: 'getApproved' },
				credentials: credentials(),
				logs,
			}),
		);
		w.fakes.hibob.failNext('POST /v1/people/search', hibobEcho);
		await mustFail('Poll Trigger, 401 echoing the token', () =>
			runPoll(new HiBobPollTrigger(), {
				parameters: { watch: 'employees' },
				credentials: credentials(),
				mode: 'trigger',
				staticData: {},
				logs,
			}),
		);
		w.fakes.remote.failNext('GET /v1/employments', remoteEcho);
		await mustFail('Upsert, 401 echoing the token', () =>
			runExecute(new RemoteUpsertEmployee(), {
				parameters: { options: {} },
				input: people,
				credentials: credentials(),
				logs,
			}),
		);
		w.fakes.remote.failNext('GET /v1/company-managers', remoteEcho);
		await mustFail('Remote Time Off, 401 echoing the token', () =>
			runExecute(new RemoteTimeOff(), {
				parameters: { approverId: 'user-manager-1', options: {} } as any,
				input: approved,
				credentials: credentials(),
				logs,
			}),
		);
		collectLogs('refused credentials', logs);
		expectNoLeakSince(from);
	});

	it('HiBob Trigger: signed and wrongly signed deliveries (payloads full of personal data), pings, and no secret set', async () => {
		const from = collected.length;
		const trigger = new HiBobTrigger();
		const sign = (body: Buffer, secret: string) =>
			createHmac('sha512', Buffer.from(secret, 'utf8')).update(body).digest('base64');
		// A v1-style payload carrying the whole employee, sensitive sections included.
		const payload = Buffer.from(
			JSON.stringify({
				type: 'employee.updated',
				companyId: 636192,
				triggeredAt: '2025-01-08T13:06:26.915906',
				data: {
					employeeId: '4',
					fieldUpdates: ['identification.ssn', 'payroll.salary.yearlyPayment'],
					employee: {
						id: '4',
						identification: { ssn: SSN },
						payroll: { salary: { yearlyPayment: { value: SALARY, currency: 'USD' } } },
						financial: { iban: IBAN, accountNumber: ACCOUNT_NUMBER },
					},
				},
			}),
		);
		const ping = Buffer.from(JSON.stringify({ text: 'Ping test' }));
		const deliveries: Array<[string, Buffer, Record<string, string>, string]> = [
			[
				'valid signature',
				payload,
				{ 'bob-signature': sign(payload, WEBHOOK_SECRET) },
				WEBHOOK_SECRET,
			],
			[
				'signed with another secret',
				payload,
				{ 'bob-signature': sign(payload, `${WEBHOOK_SECRET}-other`) },
				WEBHOOK_SECRET,
			],
			['no signature', payload, {}, WEBHOOK_SECRET],
			[
				'malformed signature',
				payload,
				{ 'bob-signature': `${WEBHOOK_SECRET}:${SSN}` },
				WEBHOOK_SECRET,
			],
			[
				'signed with the secret as a hex digest',
				payload,
				{ 'bob-signature': createHmac('sha512', WEBHOOK_SECRET).update(payload).digest('hex') },
				WEBHOOK_SECRET,
			],
			[
				'no Webhook Secret in the node',
				payload,
				{ 'bob-signature': sign(payload, WEBHOOK_SECRET) },
				'',
			],
			[
				'ping with a wrong signature',
				ping,
				{ 'bob-signature': sign(ping, 'not-the-secret') },
				WEBHOOK_SECRET,
			],
		];
		// Issue 13 probes: a body above the size limit (refused before the signature), a replay from long ago.
		const oversized = Buffer.concat([
			payload.subarray(0, payload.length - 1),
			Buffer.from(`,"pad":"${'x'.repeat(300 * 1024)}"}`),
		]);
		const stale = Buffer.from(
			payload.toString('utf8').replace('2025-01-08T13:06:26.915906', '2021-01-08T13:06:26.915906'),
		);
		deliveries.push(
			[
				'oversized, signed',
				oversized,
				{ 'bob-signature': sign(oversized, WEBHOOK_SECRET) },
				WEBHOOK_SECRET,
			],
			[
				'replayed from 2021, signed',
				stale,
				{ 'bob-signature': sign(stale, WEBHOOK_SECRET) },
				WEBHOOK_SECRET,
			],
		);
		// "Now" is four minutes after the payload's triggeredAt, so the valid delivery runs.
		jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2025-01-08T13:10:00Z'));
		const statuses: number[] = [];
		const staticData: IDataObject = {};
		try {
			for (const [name, raw, headers, secret] of deliveries) {
				const logs: string[] = [];
				const run = await runWebhook(trigger, {
					parameters: { secret, events: ['employee.updated'] } as any,
					mode: 'webhook',
					staticData,
					logs,
					request: {
						headers: { 'content-type': 'application/json', ...headers },
						body: JSON.parse(raw.toString('utf8')),
						rawBody: raw,
					},
				});
				statuses.push(run.responded?.status ?? 0);
				collect(`Trigger (${name}) answer`, run.responded);
				collectItems(`Trigger (${name})`, run.result.workflowData?.[0]);
				collectLogs(`Trigger (${name})`, logs);
			}
		} finally {
			jest.restoreAllMocks();
		}
		expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 200, 413, 200]);
		expect(
			collected.slice(from).some((c) => c.source.startsWith('Trigger (valid signature) item')),
		).toBe(true);
		// What the trigger keeps (keyed delivery ids and times) holds nothing of the payload.
		collect('Trigger static data', staticData);
		expectNoLeakSince(from);
	});

	it('HiBob Poll Trigger: employees (first poll emitting everyone, then a change) and time off', async () => {
		const from = collected.length;
		const logs: string[] = [];
		const employeesData: IDataObject = {};
		const poll = (parameters: IDataObject, staticData: IDataObject) =>
			runPoll(new HiBobPollTrigger(), {
				parameters: parameters as any,
				credentials: credentials(),
				mode: 'trigger',
				staticData,
				logs,
			});
		const first = await poll({ watch: 'employees', emitOnFirstPoll: true }, employeesData);
		expect(first.output?.length).toBe(8);
		collectItems('Poll Trigger employees, first poll', first.output);
		const person = w.fakes.hibob.state.people.find((p) => p.id === '4')!;
		person.address = { ...person.address, city: 'Boston' };
		(person as any).identification = { ssn: '123-45-6780' };
		const second = await poll({ watch: 'employees' }, employeesData);
		collectItems('Poll Trigger employees, change', second.output);
		const timeOff = await poll({ watch: 'timeOff', lookbackDays: 1 }, {});
		collectItems('Poll Trigger time off', timeOff.output);
		collect('Poll Trigger static data', employeesData);
		collectLogs('Poll Trigger', logs);
		expectNoLeakSince(from);
	});
	it('R1: Setup → Check API Compatibility: lines, facts and the copyable report carry no token, name, email or value', async () => {
		const from = collected.length;
		const logs: string[] = [];
		const compat = (creds: any) =>
			runExecute(new HiBob(), {
				parameters: { resource: 'setup', operation: 'checkCompatibility', checkRemote: true },
				credentials: creds,
				logs,
			});
		// An unknown shape full of personal data and the token: reported as keys and types only.
		const person = w.fakes.hibob.people[0];
		w.fakes.hibob.failNext('GET /v1/timeoff/whosout', {
			status: 200,
			body: {
				outs: 'none',
				echo: { [person.email]: `${person.firstName} ${SSN} ${TEST_CREDENTIALS.hibobToken}` },
			},
		});
		w.fakes.remote.failNext('GET /v1/company-managers', {
			status: 200,
			body: {
				data: {
					managers: [
						{
							email: person.email,
							token: TEST_CREDENTIALS.remoteToken,
							salary: SALARY,
							iban: IBAN,
						},
					],
				},
			},
		});
		const runs = [
			await compat(credentials()),
			await compat(withHiBobToken(WRONG_HIBOB_TOKEN)),
			await compat(withRemoteToken(WRONG_REMOTE_TOKEN)),
		];
		for (const [i, run] of runs.entries()) {
			collectItems(`Check API Compatibility run ${i}`, run.output);
			const summary = run.output.find((o) => o.json.summary)!.json;
			collect(`Check API Compatibility run ${i} report`, summary.report);
		}
		collectLogs('Check API Compatibility', logs);
		expectNoLeakSince(from);
		// And no name, email or id of anyone on either side.
		const text = collected
			.slice(from)
			.map((c) => c.text)
			.join('\n');
		const people = [
			...w.fakes.hibob.people.flatMap((p) => [
				p.email,
				p.firstName,
				p.surname,
				p.id.length > 3 ? p.id : '',
				(p as any).home?.privateEmail,
			]),
			...w.fakes.remote.state.employments.flatMap((e) => [
				e.full_name,
				e.login_email,
				e.personal_email,
				e.id,
			]),
		].filter((v): v is string => typeof v === 'string' && v.length >= 4);
		expect(people.filter((v) => text.includes(v))).toEqual([]);
		expect(String(runs[0].output.find((o) => o.json.summary)!.json.verdict)).toBe('not ready');
	});
});
