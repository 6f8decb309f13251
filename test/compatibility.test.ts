/**
 * Setup → Check API Compatibility (issue 17): read-only calls to HiBob and Remote, one line per shape
 * the package relies on (ok / variant / unknown / not_checked), tenant facts, a verdict and a
 * copyable JSON report. Runs the HiBob node over real HTTP against the fakes: in their default mode
 * (the documented readings: all ok), in each named variant mode (reported `variant`), and with
 * deliberately unknown shapes (reported `unknown`; the check itself never fails on them).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { checkCompatibility, shapeOf } from '../nodes/shared/core/compatibility';
import type {
	HiBobModes,
	RemoteFixture,
	RemoteModes,
	RunningFakes,
	StartFakesOptions,
} from './fakes';
import { isoDate, makeDemoCompany, startFakes, TEST_CREDENTIALS } from './fakes';
import { runExecute } from './harness/n8n';

jest.setTimeout(60_000);

interface Run {
	lines: IDataObject[];
	summary: IDataObject;
	output: INodeExecutionData[];
	logs: string[];
}

interface DemoOptions {
	hibob?: HiBobModes;
	remote?: RemoteModes;
	departmentsPaging?: RemoteFixture['departmentsPaging'];
	fieldsWrapped?: boolean;
	fakes?: Partial<StartFakesOptions>;
}

/** The demo company (every kind, four countries), with time off on both sides and a webhook callback. */
async function startDemo(options: DemoOptions = {}): Promise<RunningFakes> {
	const company = makeDemoCompany(new Date());
	company.hibob.modes = options.hibob;
	company.hibob.fieldsWrapped = options.fieldsWrapped;
	company.remote.modes = options.remote;
	company.remote.departmentsPaging = options.departmentsPaging;
	company.remote.webhookCallbacks = [
		{
			id: 'wh-1',
			url: 'https://hooks.example.com/remote',
			subscribed_events: ['employment.onboarding.completed'],
		},
	];
	const employment =
		company.remote.employments!.find((e) => e.type === 'employee' && e.status === 'active') ??
		company.remote.employments![0];
	const day = isoDate(new Date(Date.now() + 20 * 86_400_000));
	company.remote.timeoffs = [
		{ employment_id: employment.id!, start_date: day, status: 'approved' },
		{
			employment_id: employment.id!,
			start_date: day,
			status: 'cancelled',
			cancel_reason: 'Cancelled in HiBob',
		},
	];
	const fakes = await startFakes({
		hibob: company.hibob,
		remote: company.remote,
		...(options.fakes ?? {}),
	});
	// Time-off changes within the last day: one cancel, one approval.
	fakes.hibob.cancelTimeoffRequest(30006);
	fakes.hibob.approveTimeoffRequest(30005);
	return fakes;
}

function credentialsFor(
	fakes: RunningFakes,
	overrides: { hibobToken?: string; remoteToken?: string } = {},
) {
	return {
		hiBobApi: {
			serviceUserId: TEST_CREDENTIALS.hibobServiceUserId,
			token: overrides.hibobToken ?? TEST_CREDENTIALS.hibobToken,
			environment: 'custom',
			customUrl: fakes.hibobUrl,
		},
		remoteApi: {
			apiToken: overrides.remoteToken ?? TEST_CREDENTIALS.remoteToken,
			environment: 'custom',
			customUrl: fakes.remoteUrl,
		},
	};
}

async function check(
	fakes: RunningFakes,
	checkRemote = true,
	credentials = credentialsFor(fakes),
): Promise<Run> {
	const logs: string[] = [];
	const { output } = await runExecute(new HiBob(), {
		parameters: { resource: 'setup', operation: 'checkCompatibility', checkRemote },
		credentials: credentials as any,
		logs,
	});
	const lines = output.filter((o) => !o.json.summary).map((o) => o.json);
	const summary = output.find((o) => o.json.summary)!.json;
	return { lines, summary, output, logs };
}

const statusOf = (run: Run, id: string) => run.lines.find((l) => l.check === id)?.status;
const lineOf = (run: Run, id: string) => run.lines.find((l) => l.check === id)!;
const withStatus = (run: Run, status: string) =>
	run.lines.filter((l) => l.status === status).map((l) => String(l.check));

/** Shapes only a write or a webhook delivery shows: never `ok` in a read-only check. */
const WRITE_OR_WEBHOOK_ONLY = [
	'hibob.webhook.fieldUpdates',
	'hibob.webhook.requestIdKey',
	'remote.createEmploymentStatus',
	'remote.contractorUpdates',
];

describe('Check API Compatibility: the documented readings (fakes in their default mode)', () => {
	let fakes: RunningFakes;
	let run: Run;
	let hibobBefore: string;
	let remoteBefore: string;
	beforeAll(async () => {
		fakes = await startDemo();
		hibobBefore = JSON.stringify(fakes.hibob.snapshot());
		remoteBefore = JSON.stringify(fakes.remote.snapshot());
		fakes.hibob.resetCounters();
		fakes.remote.resetCounters();
		run = await check(fakes);
	});
	afterAll(async () => fakes.close());

	it('every shape is ok; only what a write or a webhook shows is not_checked; verdict ready', () => {
		expect(withStatus(run, 'unknown')).toEqual([]);
		expect(withStatus(run, 'variant')).toEqual([]);
		expect(withStatus(run, 'not_checked').sort()).toEqual([...WRITE_OR_WEBHOOK_ONLY].sort());
		for (const id of [
			'hibob.fields',
			'hibob.namedList',
			'hibob.peopleSearch',
			'hibob.humanReadable',
			'hibob.personValues',
			'hibob.timeoffChanges',
			'hibob.timeoffChanges.requestIdKey',
			'hibob.timeoffChanges.portions',
			'hibob.timeoffChanges.changeType',
			'hibob.timeoffRequest.portions',
			'hibob.timeoffRequest.status',
			'hibob.whosOut',
			'hibob.whosOut.portions',
			'hibob.rateLimitHeaders',
			'remote.employments',
			'remote.employment.employee',
			'remote.employment.contractor',
			'remote.employment.global_payroll_employee',
			'remote.companyManagers',
			'remote.departments',
			'remote.countryForm.USA.employment_basic_information',
			'remote.countryForm.USA.administrative_details',
			'remote.countryForm.PRT.global_payroll_contract_details',
			'remote.timeoffs',
			'remote.timeoffs.status',
			'remote.webhookCallbacks',
			'remote.rateLimitHeaders',
			'remote.ssnLocation',
			'remote.salaryLocation',
		])
			expect([id, statusOf(run, id)]).toEqual([id, 'ok']);
		expect(run.summary.verdict).toBe('ready');
		expect(run.summary.counts).toEqual({
			ok: run.lines.length - 4,
			variant: 0,
			unknown: 0,
			not_checked: 4,
		});
		for (const item of run.output) expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('tenant facts: manager/department in basic information per country, SSN/salary locations, rate-limit headers', () => {
		const facts = run.summary.facts as any;
		expect(facts.hibob).toEqual({
			syncFieldFound: true,
			ssnField: 'by_id',
			salaryField: 'by_id',
			rateLimitHeaders: ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
			timeoffChangesSeen: 2,
		});
		expect(facts.remote).toEqual({
			employmentTypesSeen: ['contractor', 'employee', 'global_payroll_employee'],
			countriesInUse: ['DEU', 'GBR', 'PRT', 'USA'],
			// Of the fixture forms, only Portugal's EOR basic information has manager and department.
			countriesWithManagerInBasicInformation: ['PRT'],
			countriesWithDepartmentInBasicInformation: ['PRT'],
			ssnInAdministrativeDetails: true,
			salaryInGlobalPayrollContractDetails: { PRT: true },
			rateLimitHeaders: ['x-ratelimit-count', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
			webhookCallbacksRegistered: 1,
		});
	});

	it('dry by construction: no write request reached either fake, and neither state changed', () => {
		expect(fakes.remote.requests.length).toBeGreaterThan(10);
		expect(fakes.remote.requests.filter((r) => r.method !== 'GET')).toEqual([]);
		// HiBob documents its people search as a POST read; nothing else but GETs was sent.
		expect(
			fakes.hibob.requests.filter(
				(r) => r.method !== 'GET' && r.endpoint !== 'POST /v1/people/search',
			),
		).toEqual([]);
		expect(fakes.remote.writeCount()).toBe(0);
		expect(JSON.stringify(fakes.hibob.snapshot())).toBe(hibobBefore);
		expect(JSON.stringify(fakes.remote.snapshot())).toBe(remoteBefore);
	});

	it('reads only what the issue lists: one flagged person in full, one employment per kind, no SSN or salary field', () => {
		const searches = fakes.hibob.requests.filter((r) => r.endpoint === 'POST /v1/people/search');
		expect(searches).toHaveLength(2);
		expect((searches[0].body as any).fields).toHaveLength(2); // root.id and the sync field
		const full = searches[1].body as any;
		expect(full.filters).toEqual([
			{ fieldPath: 'root.id', operator: 'equals', values: [expect.any(String)] },
		]);
		expect(full.fields.some((f: string) => /identification|payroll/.test(f))).toBe(false);
		expect(fakes.remote.count('GET /v1/employments/:id')).toBe(3);
		expect(fakes.remote.count('GET /v1/employments')).toBe(1);
		// Demo company (24 people, 4 countries, 3 kinds): 7 HiBob reads + 16 Remote reads (8 of them country forms).
		expect([fakes.hibob.requests.length, fakes.remote.requests.length]).toEqual([7, 16]);
	});

	it('R1: the report is JSON with no token, name, email or value of either side', () => {
		const report = JSON.parse(String(run.summary.report));
		expect(report.verdict).toBe('ready');
		expect(report.checks).toHaveLength(run.lines.length);
		const text = JSON.stringify(run.output.map((o) => o.json)) + run.logs.join('\n');
		const forbidden = [
			TEST_CREDENTIALS.hibobToken,
			TEST_CREDENTIALS.remoteToken,
			...fakes.hibob.people.flatMap((p) => [
				p.email,
				p.firstName,
				p.surname,
				p.id,
				p.work.title ?? '',
				(p as any).home?.privateEmail ?? '',
			]),
			...fakes.remote.state.employments.flatMap((e) => [
				e.full_name,
				e.login_email,
				e.personal_email ?? '',
				e.work_email ?? '',
				e.id,
			]),
			...fakes.remote.state.companyManagers.flatMap((m) => [m.user_email, m.user_id]),
			...fakes.remote.state.departments.map((d) => d.name),
			'hooks.example.com',
		].filter((v) => typeof v === 'string' && v.length >= 3);
		const found = forbidden.filter((v) => text.includes(v));
		expect(found).toEqual([]);
	});
});

describe('Check API Compatibility: each documented alternative is reported as a variant', () => {
	const cases: Array<[string, DemoOptions, string, RegExp]> = [
		['fields metadata wrapped as {fields}', { fieldsWrapped: true }, 'hibob.fields', /\{fields/],
		[
			'named list wrapped as {list}',
			{ hibob: { namedListWrapped: true } },
			'hibob.namedList',
			/\{list/,
		],
		[
			'no humanReadable node',
			{ hibob: { humanReadableOmitted: true } },
			'hibob.humanReadable',
			/named lists/,
		],
		[
			'values under /category/field keys',
			{ hibob: { peopleSlashKeys: true } },
			'hibob.personValues',
			/\/category\/field/,
		],
		[
			'changes rows name the request id "id"',
			{ hibob: { changesRequestIdKey: 'id' } },
			'hibob.timeoffChanges.requestIdKey',
			/^id$/,
		],
		[
			"startDatePortion in the changes feed and who's out",
			{ hibob: { timeoffPortionKeys: 'startDatePortion' } },
			'hibob.timeoffChanges.portions',
			/startDatePortion/,
		],
		[
			'"cancelled" spelling (request details, changeType)',
			{ hibob: { cancelledSpelling: 'cancelled' } },
			'hibob.timeoffRequest.status',
			/^cancelled$/,
		],
		[
			'employment without the {data: {employment}} wrapper',
			{ remote: { employmentUnwrapped: true } },
			'remote.employment.employee',
			/without/,
		],
		[
			'country form schema directly in data',
			{ remote: { formShape: 'data' } },
			'remote.countryForm.USA.employment_basic_information',
			/directly in data/,
		],
		[
			'country form schema without a wrapper',
			{ remote: { formShape: 'bare' } },
			'remote.countryForm.USA.administrative_details',
			/without a wrapper/,
		],
		[
			'departments paging inside data',
			{ departmentsPaging: 'data' },
			'remote.departments',
			/inside data/,
		],
		[
			'Remote time off spelled "canceled"',
			{ remote: { timeoffCanceledSpelling: true } },
			'remote.timeoffs.status',
			/^canceled$/,
		],
	];

	it.each(cases)(
		'%s → variant, verdict "ready with variants"',
		async (_name, options, id, reading) => {
			const fakes = await startDemo(options);
			try {
				const run = await check(fakes);
				expect([id, statusOf(run, id)]).toEqual([id, 'variant']);
				expect(String(lineOf(run, id).reading)).toMatch(reading);
				expect(withStatus(run, 'unknown')).toEqual([]);
				expect(run.summary.verdict).toBe('ready with variants');
				expect(fakes.remote.writeCount()).toBe(0);
			} finally {
				await fakes.close();
			}
		},
	);

	it('the variants together: each still named, and the facts still read (forms from data, salary located)', async () => {
		const fakes = await startDemo({
			fieldsWrapped: true,
			hibob: {
				namedListWrapped: true,
				timeoffPortionKeys: 'startDatePortion',
				changesRequestIdKey: 'id',
				cancelledSpelling: 'cancelled',
			},
			remote: { employmentUnwrapped: true, formShape: 'data', timeoffCanceledSpelling: true },
			departmentsPaging: 'data',
		});
		try {
			const run = await check(fakes);
			expect(withStatus(run, 'unknown')).toEqual([]);
			expect(withStatus(run, 'variant').length).toBeGreaterThanOrEqual(10);
			const facts = run.summary.facts as any;
			expect(facts.remote.countriesWithManagerInBasicInformation).toEqual(['PRT']);
			expect(facts.remote.salaryInGlobalPayrollContractDetails).toEqual({ PRT: true });
			expect(facts.hibob.syncFieldFound).toBe(true);
		} finally {
			await fakes.close();
		}
	});
});

describe('Check API Compatibility: shapes the package does not handle', () => {
	let fakes: RunningFakes;
	afterEach(async () => fakes?.close());

	it('unknown shapes are reported with path, expectation and keys/types only; the check itself does not fail', async () => {
		fakes = await startDemo();
		const secretish = 'Jane.Secret@example.com';
		fakes.hibob.failNext('GET /v1/company/people/fields', {
			status: 200,
			body: { result: { items: [{ id: 'x', label: secretish }] } },
		});
		fakes.hibob.failNext('GET /v1/timeoff/requests/changes', {
			status: 200,
			body: {
				changes: [
					{
						requestId: 1,
						employeeId: '7',
						changeType: 'Exploded',
						startPortion: 'all_day',
						type: 'days',
					},
				],
			},
		});
		fakes.hibob.failNext('GET /v1/timeoff/whosout', { status: 200, body: [{ who: secretish }] });
		fakes.remote.failNext('GET /v1/company-managers', {
			status: 200,
			body: { data: { managers: [{ email: secretish }] } },
		});
		fakes.remote.failNext('GET /v1/timeoff', {
			status: 200,
			body: { data: { timeoffs: [{ id: 't', status: 'vanished' }] } },
		});
		const run = await check(fakes);
		expect(withStatus(run, 'unknown').sort()).toEqual(
			[
				'hibob.fields',
				'hibob.timeoffChanges.changeType',
				'hibob.whosOut',
				'remote.companyManagers',
				'remote.timeoffs.status',
			].sort(),
		);
		const fields = lineOf(run, 'hibob.fields');
		expect(fields.path).toBe('$');
		expect(fields.expected).toMatch(/array of fields/);
		expect(JSON.parse(String(fields.got))).toEqual({
			result: { items: [{ id: 'string', label: 'string' }] },
		});
		// Enum words the package does not know are not echoed (they could be free text).
		expect(JSON.parse(String(lineOf(run, 'hibob.timeoffChanges.changeType').got))).toEqual([
			'<string>',
		]);
		expect(JSON.parse(String(lineOf(run, 'hibob.whosOut').got))).toEqual([{ who: 'string' }]);
		expect(run.summary.verdict).toBe('not ready');
		expect(String((run.summary.whatToDo as string[]).join(' '))).toMatch(/attach the report/);
		expect(JSON.stringify(run.output.map((o) => o.json))).not.toContain(secretish);
		// The rest was still checked.
		expect(statusOf(run, 'remote.employments')).toBe('ok');
		expect(statusOf(run, 'hibob.peopleSearch')).toBe('ok');
	});

	it("an SSN or salary field missing from Remote's forms is unknown and says what to switch off", async () => {
		const company = makeDemoCompany(new Date());
		const schemas = (await import('./fakes')).cloneRemoteFormSchemas();
		const admin = (schemas as any).USA.administrative_details.schema;
		admin.properties = { tax_id: admin.properties.ssn };
		admin.required = [];
		const gp = (schemas as any).PRT.global_payroll_contract_details.schema;
		gp.properties = { yearly_salary: gp.properties.annual_gross_salary };
		gp.required = [];
		company.remote.schemas = schemas as any;
		fakes = await startFakes({ hibob: company.hibob, remote: company.remote });
		const run = await check(fakes);
		expect(lineOf(run, 'remote.ssnLocation')).toMatchObject({
			status: 'unknown',
			expected: 'ssn',
			got: JSON.stringify(['tax_id']),
		});
		expect(String(lineOf(run, 'remote.ssnLocation').note)).toMatch(/SSN option/);
		expect(lineOf(run, 'remote.salaryLocation')).toMatchObject({
			status: 'unknown',
			expected: 'annual_gross_salary',
		});
		expect((run.summary.facts as any).remote.ssnInAdministrativeDetails).toBe(false);
		expect(run.summary.verdict).toBe('not ready');
	});

	it('R5: a refused HiBob credential (401) is sent once and never retried; nothing more goes to HiBob; Remote is still checked', async () => {
		fakes = await startDemo();
		const run = await check(
			fakes,
			true,
			credentialsFor(fakes, { hibobToken: 'wrong-token-for-compat' }),
		);
		expect(fakes.hibob.requests).toHaveLength(1);
		expect(fakes.hibob.requests[0].status).toBe(401);
		expect(statusOf(run, 'hibob.fields')).toBe('not_checked');
		expect(String(lineOf(run, 'hibob.fields').note)).toMatch(/401/);
		expect(run.summary.verdict).toBe('not ready');
		expect((run.summary.whatToDo as string[])[0]).toMatch(/HiBob refused the credential/);
		expect(statusOf(run, 'remote.employments')).toBe('ok');
		expect(JSON.stringify(run.output.map((o) => o.json))).not.toContain('wrong-token-for-compat');
	});

	it('R5: a 403 on time off is reported (not retried) and points to Check Permissions; the other reads go on', async () => {
		fakes = await startDemo();
		fakes.hibob.failNext('GET /v1/timeoff/whosout', { status: 403 });
		const run = await check(fakes);
		expect(fakes.hibob.count('GET /v1/timeoff/whosout')).toBe(1);
		expect(lineOf(run, 'hibob.whosOut')).toMatchObject({ status: 'not_checked' });
		expect(String(lineOf(run, 'hibob.whosOut').note)).toMatch(/403/);
		expect(run.summary.verdict).toBe('not ready');
		expect((run.summary.whatToDo as string[]).join(' ')).toMatch(/Check Permissions/);
		expect(statusOf(run, 'hibob.timeoffChanges')).toBe('ok');
	});

	it('with "Check Remote Too" off, only HiBob is read', async () => {
		fakes = await startDemo();
		const run = await check(fakes, false);
		expect(fakes.remote.requests).toHaveLength(0);
		expect(run.lines.every((l) => l.api === 'HiBob')).toBe(true);
		expect(run.summary.verdict).toBe('ready');
		expect(run.summary.checkedRemote).toBe(false);
	});

	it('"Check Remote Too" without a Remote credential stops the node before any read, saying what to do', async () => {
		fakes = await startDemo();
		const { hiBobApi } = credentialsFor(fakes);
		await expect(
			runExecute(new HiBob(), {
				parameters: { resource: 'setup', operation: 'checkCompatibility', checkRemote: true },
				credentials: { hiBobApi } as any,
			}),
		).rejects.toThrow(/No Remote credential/);
		expect(fakes.hibob.requests).toHaveLength(0);
	});

	it('R5: under a tight HiBob rate limit the check slows down instead of running into 429s', async () => {
		fakes = await startDemo({
			fakes: { hibobOptions: { rateLimit: { limit: 3, windowMs: 1000 } } },
		});
		const run = await check(fakes, false);
		expect(fakes.hibob.requests.filter((r) => r.status === 429)).toHaveLength(0);
		expect(run.summary.verdict).toBe('ready');
	});
});

describe('Check API Compatibility: the pure core', () => {
	it('shapes are keys and types only; keys that could be data are hidden', () => {
		expect(
			shapeOf({ a: 'x', n: 1, list: [{ b: null }], 'jane@example.com': true, '123456': 1 }),
		).toEqual({
			a: 'string',
			n: 'number',
			list: [{ b: 'null' }],
			'<key>': 'boolean',
		});
	});

	it('nothing read → every line not_checked, never an exception', () => {
		const result = checkCompatibility({
			hibob: {},
			remote: {},
			checkedAt: '2030-01-01T00:00:00.000Z',
		});
		expect(result.lines.length).toBeGreaterThan(10);
		expect(result.lines.every((l) => l.status === 'not_checked')).toBe(true);
		expect(JSON.parse(result.report).checkedAt).toBe('2030-01-01T00:00:00.000Z');
	});

	it('bodies of any type (null, text, numbers) give unknown lines, never an exception', () => {
		for (const body of [
			null,
			'oops',
			42,
			[],
			[1, 2],
			{ data: null },
			{ data: { employments: 'x' } },
		]) {
			const answer = { status: 200, body, headers: {} };
			const result = checkCompatibility({
				hibob: {
					fields: answer,
					namedList: answer,
					peopleIndex: answer,
					person: answer,
					changes: answer,
					request: answer,
					whosOut: answer,
				},
				remote: {
					employments: answer,
					employments_by_type: { employee: answer },
					managers: answer,
					departments: answer,
					forms: [{ country: 'USA', form: 'administrative_details', read: answer }],
					timeoffs: answer,
					webhookCallbacks: answer,
				},
				checkedAt: '2030-01-01T00:00:00.000Z',
			});
			expect(result.verdict).toBe('not ready');
			expect(result.lines.some((l) => l.status === 'unknown')).toBe(true);
		}
	});
});

describe('Check API Compatibility: a variant is one the sync really handles', () => {
	/** The employee lane (dry run) and the time-off lanes (dry run): outcome and reason per person and request. */
	async function lanes(options: DemoOptions): Promise<string[]> {
		const company = makeDemoCompany(new Date());
		const fakes = await startDemo(options);
		try {
			const credentials = credentialsFor(fakes);
			const { RemoteUpsertEmployee } =
				await import('../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node');
			const { RemoteTimeOff } = await import('../nodes/RemoteTimeOff/RemoteTimeOff.node');
			const hibob = (parameters: IDataObject) =>
				runExecute(new HiBob(), { parameters: parameters as any, credentials: credentials as any });
			const people = (await hibob({ resource: 'employee', operation: 'getEmployees' })).output;
			const upsert = await runExecute(new RemoteUpsertEmployee(), {
				parameters: { options: { dryRun: true } },
				input: people,
				credentials: credentials as any,
				staticData: {},
			});
			const out = upsert.output
				.filter((o) => !o.json.summary)
				.map((o) => `employee ${o.json.hibobId}: ${o.json.outcome}/${o.json.reason}`);
			for (const operation of ['getChanges', 'getApproved']) {
				const requests = (await hibob({ resource: 'timeOff', operation })).output;
				const synced = await runExecute(new RemoteTimeOff(), {
					parameters: { approverId: company.approverId, options: { dryRun: true } } as any,
					input: requests,
					credentials: credentials as any,
				});
				out.push(
					...synced.output
						.filter((o) => !o.json.summary)
						.map((o) => `${operation} ${o.json.requestId}: ${o.json.outcome}/${o.json.reason}`),
				);
			}
			expect(fakes.remote.writeCount()).toBe(0);
			return out.sort();
		} finally {
			await fakes.close();
		}
	}

	let expected: string[];
	beforeAll(async () => {
		expected = await lanes({});
		expect(expected.filter((l) => l.startsWith('employee')).length).toBeGreaterThan(10);
		expect(expected.filter((l) => l.startsWith('getChanges')).length).toBeGreaterThan(0);
		expect(expected.filter((l) => l.startsWith('getApproved')).length).toBeGreaterThan(0);
	});

	it.each<[string, DemoOptions]>([
		['fields metadata wrapped as {fields}', { fieldsWrapped: true }],
		['named list wrapped as {list}', { hibob: { namedListWrapped: true } }],
		['no humanReadable node', { hibob: { humanReadableOmitted: true } }],
		['values under /category/field keys', { hibob: { peopleSlashKeys: true } }],
		['changes rows name the request id "id"', { hibob: { changesRequestIdKey: 'id' } }],
		[
			"startDatePortion in the changes feed and who's out",
			{ hibob: { timeoffPortionKeys: 'startDatePortion' } },
		],
		['"cancelled" spelling', { hibob: { cancelledSpelling: 'cancelled' } }],
		['employment without the wrapper', { remote: { employmentUnwrapped: true } }],
		['country form schema directly in data', { remote: { formShape: 'data' } }],
		['country form schema without a wrapper', { remote: { formShape: 'bare' } }],
		['departments paging inside data', { departmentsPaging: 'data' }],
		['Remote time off spelled "canceled"', { remote: { timeoffCanceledSpelling: true } }],
	])(
		'%s: the sync (dry run) decides the same for every person and request',
		async (_name, options) => {
			expect(await lanes(options)).toEqual(expected);
		},
	);
});

describe('Check API Compatibility in the template', () => {
	it('the Setup lane runs it after Check Permissions, with both credentials', async () => {
		const fs = await import('node:fs');
		const path = await import('node:path');
		const { setupLaneIssues } = await import('../scripts/lib/template');
		const wf = JSON.parse(
			fs.readFileSync(path.join(__dirname, '..', 'templates', 'hibob-to-remote-sync.json'), 'utf8'),
		);
		expect(setupLaneIssues(wf).filter((i) => !i.ok)).toEqual([]);
		// The check can fail: without the link, it says so.
		delete wf.connections['HiBob: Check permissions'];
		expect(
			setupLaneIssues(wf)
				.filter((i) => !i.ok)
				.map((i) => i.what),
		).toEqual(['setup lane: Check Permissions → Check API Compatibility']);
	});
});

describe('Check API Compatibility: Remote country forms', () => {
	it('a form Remote does not have for a country in use (404) is unknown, named with its path', async () => {
		const company = makeDemoCompany(new Date());
		const { cloneRemoteFormSchemas } = await import('./fakes');
		const schemas = cloneRemoteFormSchemas() as any;
		delete schemas.GBR.employment_basic_information;
		company.remote.schemas = schemas;
		const fakes = await startFakes({ hibob: company.hibob, remote: company.remote });
		try {
			const run = await check(fakes);
			expect(lineOf(run, 'remote.countryForm.GBR.employment_basic_information')).toMatchObject({
				status: 'unknown',
				path: '/v1/countries/GBR/employment_basic_information',
				got: JSON.stringify('answered 404'),
			});
			expect(run.summary.verdict).toBe('not ready');
			expect(statusOf(run, 'remote.countryForm.USA.employment_basic_information')).toBe('ok');
		} finally {
			await fakes.close();
		}
	});
});
