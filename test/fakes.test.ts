/**
 * The fakes refuse what the real APIs refuse (../shared/api/*.md), and their test machinery
 * (rate limits, seeded faults, one-shot faults, counters) behaves as documented.
 */
import type { HiBobFixture, RemoteFixture } from './fakes';
import {
	DEFAULT_LEGAL_ENTITY_ID,
	HiBobFake,
	makeCompany,
	makeDemoCompany,
	remoteBlobsFor,
	RemoteFake,
	startFakes,
	withSyncToRemoteField,
} from './fakes';
import { remoteFormSchemas, schemaFixtureCountries } from './fixtures/remote-schemas';

const NOW = new Date('2030-03-10T12:00:00Z');
const now = () => new Date(NOW.getTime());

interface Answer {
	status: number;
	headers: Headers;
	body: any;
}

async function call(
	base: string,
	method: string,
	path: string,
	options: { auth?: string; body?: unknown } = {},
): Promise<Answer> {
	const headers: Record<string, string> = {};
	if (options.auth) headers.authorization = options.auth;
	if (options.body !== undefined) headers['content-type'] = 'application/json';
	const res = await fetch(base + path, {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

function hibobFixture(): HiBobFixture & { syncFieldId: string; items: Record<string, string> } {
	const fixture: HiBobFixture = {
		serviceUserId: 'SERVICE-USER-1',
		token: 'test-hibob-token',
		companyId: 636192,
		people: [
			{
				id: '3332883884017713938',
				email: 'ada.brown@example.com',
				firstName: 'Ada',
				surname: 'Brown',
				work: {
					title: '101',
					startDate: '2031-01-05',
					department: '201',
					site: 'New York',
					reportsTo: null,
				},
				internal: { status: 'Active', lifecycleStatus: 'hired' },
				address: {
					line1: '1 Main Street',
					city: 'New York',
					postCode: '10001',
					country: 'United States',
					usaState: 'NY',
				},
				home: { privateEmail: 'ada@mail.example.net', mobilePhone: '+1 212 555 0100' },
				identification: { ssn: '900-12-3456' },
				payroll: {
					salary: { yearlyPayment: { value: 120000, currency: 'USD' }, payPeriod: 'Annual' },
				},
			},
			{
				id: '3332883884017713939',
				email: 'ben.costa@example.com',
				firstName: 'Ben',
				surname: 'Costa',
				work: {
					title: '103',
					startDate: '2020-02-01',
					department: '202',
					site: 'Lisbon',
					reportsTo: null,
				},
				internal: {
					status: 'Inactive',
					lifecycleStatus: 'terminated',
					terminationDate: '2030-02-01',
				},
			},
		],
	};
	const info = withSyncToRemoteField(fixture);
	const key = info.fieldId.split('.').pop()!;
	fixture.people[0].work!.custom = { [key]: info.itemIds.contractor };
	return { ...fixture, syncFieldId: info.fieldId, items: info.itemIds };
}

function remoteFixture(): RemoteFixture {
	return {
		token: 'test-remote-token',
		companyId: 'company-1',
		companyManagers: [
			{
				user_id: 'mgr-admin',
				user_email: 'admin@example.com',
				user_name: 'Ann Admin',
				role: 'admin',
			},
			{
				user_id: 'mgr-onb',
				user_email: 'onb@example.com',
				user_name: 'Otto Onb',
				role: 'onboarding_manager',
			},
		],
		departments: [{ id: 'dep-eng', name: 'Engineering' }],
		employments: [
			{
				id: 'emp-active',
				status: 'active',
				country_code: 'USA',
				full_name: 'Ada Brown',
				job_title: 'Engineer',
				personal_email: 'ada@mail.example.net',
				work_email: 'ada.brown@example.com',
				external_id: '3332883884017713938',
				address_details: {
					address: '1 Main Street',
					city: 'New York',
					state: 'NY',
					postal_code: '10001',
				},
			},
			{
				id: 'emp-invited',
				status: 'invited',
				country_code: 'GBR',
				personal_email: 'inv@example.net',
			},
			{
				id: 'emp-initiated',
				status: 'initiated',
				country_code: 'DEU',
				personal_email: 'init@example.net',
			},
			{
				id: 'emp-created',
				status: 'created',
				country_code: 'PRT',
				personal_email: 'created@example.net',
			},
			{
				id: 'emp-deleted',
				status: 'deleted',
				country_code: 'PRT',
				personal_email: 'deleted@example.net',
			},
		],
	};
}

describe('fake HiBob', () => {
	let fixture: ReturnType<typeof hibobFixture>;
	let hibob: HiBobFake;
	let auth: string;

	beforeEach(async () => {
		fixture = hibobFixture();
		hibob = await HiBobFake.start(fixture, { now });
		auth = hibob.authHeader();
	});
	afterEach(() => hibob.close());

	it('answers 401 {key, error} to bad or missing credentials, even with faults queued, and logs only the scheme', async () => {
		hibob.failNext('*', { status: 503 });
		const wrong = `Basic ${Buffer.from('SERVICE-USER-1:nope').toString('base64')}`;
		const bad = await call(hibob.url, 'GET', '/v1/company/people/fields', { auth: wrong });
		expect(bad.status).toBe(401);
		expect(bad.body).toEqual({ key: expect.any(String), error: expect.any(String) });
		expect(bad.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
		expect((await call(hibob.url, 'GET', '/v1/company/people/fields')).status).toBe(401);
		expect(
			(
				await call(hibob.url, 'GET', '/v1/company/people/fields', {
					auth: 'Bearer test-hibob-token',
				})
			).status,
		).toBe(401);
		// The queued fault is still there for the first authenticated call.
		expect((await call(hibob.url, 'GET', '/v1/company/people/fields', { auth })).status).toBe(503);
		expect(hibob.requests.map((r) => r.authScheme)).toEqual(['Basic', null, 'Bearer', 'Basic']);
		expect(JSON.stringify(hibob.requests)).not.toContain('test-hibob-token');
		expect(hibob.count('GET /v1/company/people/fields')).toBe(4);
	});

	it('returns only the requested fields, nested by path, and drops unknown and denied fields with 200', async () => {
		hibob.deniedCategories.add('identification');
		hibob.deniedFields.add('home.mobilePhone');
		const res = await call(hibob.url, 'POST', '/v1/people/search', {
			auth,
			body: {
				fields: [
					'root.email',
					'work.title',
					fixture.syncFieldId,
					'identification.ssn',
					'home.mobilePhone',
					'home.privateEmail',
					'work.noSuchField',
					'payroll.salary.yearlyPayment',
				],
			},
		});
		expect(res.status).toBe(200);
		expect(res.body.employees).toEqual([
			{
				id: '3332883884017713938',
				email: 'ada.brown@example.com',
				work: {
					title: '101',
					custom: { [fixture.syncFieldId.split('.').pop()!]: fixture.items.contractor },
				},
				home: { privateEmail: 'ada@mail.example.net' },
				payroll: { salary: { yearlyPayment: { value: 120000, currency: 'USD' } } },
			},
		]);
	});

	it('without fields returns basic root fields and work, but no custom fields', async () => {
		const res = await call(hibob.url, 'POST', '/v1/people/search', { auth, body: {} });
		const [ada] = res.body.employees;
		expect(ada).toMatchObject({
			id: '3332883884017713938',
			email: 'ada.brown@example.com',
			firstName: 'Ada',
		});
		expect(ada.work).toMatchObject({ title: '101', department: '201', startDate: '2031-01-05' });
		expect(ada.work.custom).toBeUndefined();
		expect(ada.address).toBeUndefined();
	});

	it('refuses filters HiBob refuses: other paths, other operators, empty values, [] and more than one', async () => {
		const search = (filters: unknown) =>
			call(hibob.url, 'POST', '/v1/people/search', {
				auth,
				body: { fields: ['root.id'], filters },
			});
		expect(
			(await search([{ fieldPath: 'work.department', operator: 'equals', values: ['201'] }]))
				.status,
		).toBe(400);
		expect(
			(await search([{ fieldPath: 'root.id', operator: 'contains', values: ['3'] }])).status,
		).toBe(400);
		expect((await search([{ fieldPath: 'root.id', operator: 'equals', values: [] }])).status).toBe(
			400,
		);
		const empty = await search([]);
		expect(empty.status).toBe(400);
		expect(empty.body).toEqual({ key: 'bad_request', error: expect.any(String) });
		const two = [
			{ fieldPath: 'root.id', operator: 'equals', values: ['1'] },
			{ fieldPath: 'root.email', operator: 'equals', values: ['a@b.c'] },
		];
		expect((await search(two)).status).toBe(400);
		const byEmail = await search([
			{ fieldPath: 'root.email', operator: 'equals', values: ['ADA.BROWN@example.com'] },
		]);
		expect(byEmail.body.employees).toEqual([{ id: '3332883884017713938' }]);
	});

	it('returns inactive people only with showInactive', async () => {
		const ids = async (body: object) =>
			(
				await call(hibob.url, 'POST', '/v1/people/search', {
					auth,
					body: { fields: ['root.id'], ...body },
				})
			).body.employees.map((e: any) => e.id);
		expect(await ids({})).toEqual(['3332883884017713938']);
		expect(await ids({ showInactive: false })).toEqual(['3332883884017713938']);
		expect(await ids({ showInactive: true })).toEqual([
			'3332883884017713938',
			'3332883884017713939',
		]);
	});

	it('humanReadable APPEND adds labels from the named lists; REPLACE and lower case work too', async () => {
		const fields = ['root.firstName', 'work.title', 'work.department', fixture.syncFieldId];
		const key = fixture.syncFieldId.split('.').pop()!;
		const append = await call(hibob.url, 'POST', '/v1/people/search', {
			auth,
			body: { fields, humanReadable: 'APPEND' },
		});
		const [ada] = append.body.employees;
		expect(ada.work).toEqual({
			title: '101',
			department: '201',
			custom: { [key]: fixture.items.contractor },
		});
		expect(ada.humanReadable).toEqual({
			id: '3332883884017713938',
			firstName: 'Ada',
			work: {
				title: 'Software Engineer',
				department: 'Engineering',
				custom: { [key]: 'As contractor' },
			},
		});
		const replace = await call(hibob.url, 'POST', '/v1/people/search', {
			auth,
			body: { fields, humanReadable: 'replace' },
		});
		expect(replace.body.employees[0].work.custom[key]).toBe('As contractor');
		expect(replace.body.employees[0].humanReadable).toBeUndefined();
		expect(
			(await call(hibob.url, 'POST', '/v1/people/search', { auth, body: { humanReadable: 'YES' } }))
				.status,
		).toBe(400);
	});

	it('reads one person by id or email, inactive included, and answers 404 otherwise', async () => {
		const one = await call(hibob.url, 'POST', '/v1/people/ben.costa@example.com', {
			auth,
			body: { fields: ['root.email'] },
		});
		expect(one.body).toEqual({
			employees: [{ id: '3332883884017713939', email: 'ben.costa@example.com' }],
		});
		expect(hibob.count('POST /v1/people/:identifier')).toBe(1);
		expect((await call(hibob.url, 'POST', '/v1/people/404', { auth, body: {} })).status).toBe(404);
	});

	it('serves field metadata bare or wrapped and creates custom list fields with their named list', async () => {
		const bare = await call(hibob.url, 'GET', '/v1/company/people/fields', { auth });
		expect(Array.isArray(bare.body)).toBe(true);
		expect(bare.body.find((f: any) => f.id === 'work.title')).toMatchObject({
			type: 'list',
			typeData: { listId: 'title' },
		});
		hibob.fieldsWrapped = true;
		expect(
			Array.isArray(
				(await call(hibob.url, 'GET', '/v1/company/people/fields', { auth })).body.fields,
			),
		).toBe(true);

		const create = (body: unknown) =>
			call(hibob.url, 'POST', '/v1/company/people/fields', { auth, body });
		expect((await create({ name: 'X', category: 'root', type: 'text' })).status).toBe(400);
		expect((await create({ name: 'X', category: 'nope', type: 'text' })).status).toBe(404);
		expect((await create({ category: 'work', type: 'list' })).status).toBe(400);
		const made = await create({
			name: 'Sync to Remote',
			category: 'work',
			type: 'list',
			historical: false,
		});
		expect(made.status).toBe(200);
		expect(made.body.id).toBe(`work.custom.field_${NOW.getTime()}`);
		const field = hibob.getField(made.body.id)!;
		const listId = field.typeData.listId!;
		const add = (name: string) =>
			call(hibob.url, 'POST', `/v1/company/named-lists/${listId}`, { auth, body: { name } });
		const item = await add('As employee');
		expect(item.body).toEqual({ id: expect.any(String) });
		expect((await add('as employee')).status).toBe(409);
		expect(
			(await call(hibob.url, 'POST', '/v1/company/named-lists/nope', { auth, body: { name: 'x' } }))
				.status,
		).toBe(404);
		const list = await call(hibob.url, 'GET', `/v1/company/named-lists/${listId}`, { auth });
		expect(list.body).toEqual({
			name: listId,
			items: [
				{
					id: item.body.id,
					name: 'As employee',
					value: 'As employee',
					archived: false,
					children: [],
				},
			],
		});
		expect((await call(hibob.url, 'GET', '/v1/company/named-lists/nope', { auth })).status).toBe(
			404,
		);
		const all = await call(hibob.url, 'GET', '/v1/company/named-lists', { auth });
		expect(all.body.map((l: any) => l.name)).toEqual(
			expect.arrayContaining(['title', 'department', listId]),
		);
	});

	it('time-off changes: since is required and at most 6 months back; filters on the change date', async () => {
		const changes = (qs: string) =>
			call(hibob.url, 'GET', `/v1/timeoff/requests/changes${qs}`, { auth });
		expect((await changes('')).status).toBe(400);
		expect((await changes('?since=yesterday')).status).toBe(400);
		expect((await changes('?since=2029-09-01T00:00:00Z')).status).toBe(400); // > 6 months before 2030-03-10
		expect((await changes('?since=2029-10-01T00:00:00Z&to=2030-05-01T00:00:00Z')).status).toBe(400);
		expect((await changes('?since=2030-03-01T12:30-02:00')).body).toEqual({ changes: [] });

		const request = hibob.addTimeoffRequest({
			employeeId: '3332883884017713938',
			startDate: '2030-04-01',
			endDate: '2030-04-03',
			policyTypeDisplayName: 'Holiday',
		});
		const pending = hibob.addTimeoffRequest({
			employeeId: '3332883884017713938',
			startDate: '2030-05-01',
			status: 'pending',
		});
		const replaced = hibob.replaceTimeoffRequest(request.requestId, { endDate: '2030-04-04' });
		hibob.cancelTimeoffRequest(replaced.requestId);

		const feed = (await changes('?since=2030-03-01T00:00:00Z')).body.changes;
		expect(feed.map((c: any) => [c.changeType, c.requestId])).toEqual([
			['Created', request.requestId],
			['Canceled', request.requestId],
			['Created', replaced.requestId],
			['Canceled', replaced.requestId],
		]);
		expect(feed[2]).toMatchObject({
			employeeEmail: 'ada.brown@example.com',
			employeeDisplayName: 'Ada Brown',
			previousRequestId: request.requestId,
			originalRequestId: request.requestId,
			startPortion: 'all_day',
			totalDuration: 4,
			durationUnit: 'days',
			createdOn: NOW.toISOString(),
		});
		const withPending = (await changes('?since=2030-03-01T00:00:00Z&includePending=true')).body
			.changes;
		expect(withPending.map((c: any) => c.changeType)).toContain('Pending');
		expect((await changes('?since=2030-03-11T00:00:00Z')).body.changes).toEqual([]);

		const detail = await call(
			hibob.url,
			'GET',
			`/v1/timeoff/employees/3332883884017713938/requests/${replaced.requestId}`,
			{ auth },
		);
		expect(detail.body).toMatchObject({
			status: 'canceled',
			approved: false,
			previousRequestId: request.requestId,
			startDatePortion: 'all_day',
		});
		hibob.deleteTimeoffRequest(pending.requestId);
		expect(
			(
				await call(
					hibob.url,
					'GET',
					`/v1/timeoff/employees/3332883884017713938/requests/${pending.requestId}`,
					{ auth },
				)
			).status,
		).toBe(404);
		expect(
			(
				await call(hibob.url, 'GET', `/v1/timeoff/employees/other/requests/${request.requestId}`, {
					auth,
				})
			).status,
		).toBe(404);
	});

	it("who's out: approved requests overlapping the window, active people, hourly only on request", async () => {
		hibob.addTimeoffRequest({
			employeeId: '3332883884017713938',
			startDate: '2030-04-01',
			endDate: '2030-04-03',
		});
		hibob.addTimeoffRequest({
			employeeId: '3332883884017713938',
			startDate: '2030-04-02',
			type: 'hours',
			hoursOnDate: 3,
		});
		hibob.addTimeoffRequest({
			employeeId: '3332883884017713938',
			startDate: '2030-04-02',
			status: 'pending',
		});
		hibob.addTimeoffRequest({ employeeId: '3332883884017713939', startDate: '2030-04-02' }); // inactive person
		const out = (qs: string) => call(hibob.url, 'GET', `/v1/timeoff/whosout${qs}`, { auth });
		expect((await out('?from=2030-04-02')).status).toBe(400);
		const plain = (await out('?from=2030-04-02&to=2030-04-02')).body.outs;
		expect(plain).toHaveLength(1);
		expect(plain[0]).toMatchObject({
			status: 'Approved',
			startPortion: 'all_day',
			employeeDisplayName: 'Ada Brown',
		});
		expect(
			(await out('?from=2030-04-02&to=2030-04-02&includeHourly=true&includePending=true')).body
				.outs,
		).toHaveLength(3);
		expect((await out('?from=2030-04-04&to=2030-04-09')).body.outs).toHaveLength(0);
	});

	it('rate limit: 429 {key:"rate_limit"} with X-RateLimit-Reset in epoch seconds', async () => {
		hibob.setRateLimit({ limit: 2, windowMs: 60_000 });
		const before = Date.now();
		const first = await call(hibob.url, 'GET', '/v1/company/named-lists', { auth });
		expect(first.headers.get('x-ratelimit-limit')).toBe('2');
		expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
		await call(hibob.url, 'GET', '/v1/company/named-lists', { auth });
		const limited = await call(hibob.url, 'GET', '/v1/company/named-lists', { auth });
		expect(limited.status).toBe(429);
		expect(limited.body).toEqual({ key: 'rate_limit', error: expect.any(String) });
		expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
		expect(limited.headers.get('retry-after')).toBeNull();
		const reset = Number(limited.headers.get('x-ratelimit-reset'));
		expect(reset).toBeGreaterThanOrEqual(Math.floor((before + 60_000) / 1000));
		expect(reset).toBeLessThanOrEqual(Math.ceil((Date.now() + 60_000) / 1000));
	});
});

describe('fake Remote', () => {
	let remote: RemoteFake;
	let auth: string;

	beforeEach(async () => {
		remote = await RemoteFake.start(remoteFixture(), { now });
		auth = remote.authHeader();
	});
	afterEach(() => remote.close());

	const employee = (extra: Record<string, unknown> = {}) => ({
		country_code: 'USA',
		type: 'employee',
		external_id: 'hb-1',
		basic_information: {
			name: 'Noah Carter',
			email: 'noah@mail.example.net',
			work_email: 'noah.carter@example.com',
			job_title: 'Engineer',
			provisional_start_date: '2030-04-15',
			...extra,
		},
	});

	it('answers 401 {"message":"Unauthorized"} without rate-limit headers to a bad token', async () => {
		const bad = await call(remote.url, 'GET', '/v1/employments', { auth: 'Bearer ra_test_wrong' });
		expect(bad.status).toBe(401);
		expect(bad.body).toEqual({ message: 'Unauthorized' });
		expect(bad.headers.get('x-ratelimit-remaining')).toBeNull();
		expect(
			(await call(remote.url, 'GET', '/v1/employments', { auth: 'test-remote-token' })).status,
		).toBe(401);
		const ok = await call(remote.url, 'GET', '/v1/employments', { auth });
		expect(ok.status).toBe(200);
		expect(ok.headers.get('x-ratelimit-count')).toBe('1');
		expect(remote.requests.map((r) => r.authScheme)).toEqual(['Bearer', '(none)', 'Bearer']);
		expect(JSON.stringify(remote.requests)).not.toContain('test-remote-token');
		expect(JSON.stringify(remote.requests)).not.toContain('ra_test_wrong');
	});

	it('lists employments in the paging envelope with minimal items; clamps page_size to 100', async () => {
		for (let i = 0; i < 22; i++)
			remote.addEmployment({
				status: i % 2 ? 'active' : 'created',
				personal_email: `p${i}@x.example`,
			});
		const page = await call(remote.url, 'GET', '/v1/employments?page=3&page_size=10', { auth });
		expect(page.body.data).toMatchObject({ current_page: 3, total_count: 26, total_pages: 3 });
		expect(page.body.data.employments).toHaveLength(6);
		expect(Object.keys(page.body.data.employments[0]).sort()).toEqual(
			[
				'country',
				'department',
				'department_id',
				'employment_model',
				'external_id',
				'full_name',
				'id',
				'job_title',
				'login_email',
				'personal_email',
				'short_id',
				'status',
				'type',
				'work_email',
			].sort(),
		);
		const big = await call(remote.url, 'GET', '/v1/employments?page_size=500', { auth });
		expect(big.body.data).toMatchObject({ total_pages: 1, total_count: 26 });
		const dflt = await call(remote.url, 'GET', '/v1/employments', { auth });
		expect(dflt.body.data.employments).toHaveLength(20);
		expect((await call(remote.url, 'GET', '/v1/employments?page=0', { auth })).status).toBe(400);
		const incomplete = await call(
			remote.url,
			'GET',
			'/v1/employments?status=incomplete&page_size=100',
			{ auth },
		);
		expect(
			incomplete.body.data.employments.every(
				(e: any) => !['active', 'archived', 'deleted'].includes(e.status),
			),
		).toBe(true);
		expect(incomplete.body.data.total_count).toBe(14); // invited, initiated, created + 11 created
		const byEmail = await call(remote.url, 'GET', '/v1/employments?email=ADA@mail.example.net', {
			auth,
		});
		expect(byEmail.body.data.employments.map((e: any) => e.id)).toEqual(['emp-active']);
		const deleted = await call(
			remote.url,
			'GET',
			'/v1/employments?email=deleted@example.net&status=deleted',
			{ auth },
		);
		expect(deleted.body.data.total_count).toBe(0);
	});

	it('shows the full employment, 404 for unknown ids', async () => {
		const show = await call(remote.url, 'GET', '/v1/employments/emp-active', { auth });
		expect(show.body.data.employment).toMatchObject({
			id: 'emp-active',
			status: 'active',
			external_id: '3332883884017713938',
			country: { code: 'USA', name: 'United States' },
			basic_information: { name: 'Ada Brown' },
			manager_id: null,
			provisional_start_date: null,
		});
		expect((await call(remote.url, 'GET', '/v1/employments/nope', { auth })).status).toBe(404);
	});

	it('PATCH on an active employment refuses job title changes and applies nothing', async () => {
		const before = JSON.stringify(remote.getEmployment('emp-active'));
		const res = await call(remote.url, 'PATCH', '/v1/employments/emp-active', {
			auth,
			body: {
				address_details: {
					address: '2 New Street',
					city: 'Austin',
					state: 'TX',
					postal_code: '73301',
				},
				basic_information: {
					name: 'Ada Brown',
					email: 'ada@mail.example.net',
					job_title: 'Staff Engineer',
					provisional_start_date: '2031-01-01',
				},
			},
		});
		expect(res.status).toBe(422);
		expect(res.body.message).toMatchObject({
			code: 'resource_invalid_state',
			resource_type: 'employment',
			resource_id: 'emp-active',
			message: 'basic_information cannot be updated while the employment is active',
		});
		expect(JSON.stringify(remote.getEmployment('emp-active'))).toBe(before);
		expect(
			(
				await call(remote.url, 'PATCH', '/v1/employments/emp-active', {
					auth,
					body: { job_title: 'X' },
				})
			).status,
		).toBe(422);
	});

	it('PATCH on an active employment applies manager, address and external_id; the department only through PATCH /v2', async () => {
		const v1Department = await call(remote.url, 'PATCH', '/v1/employments/emp-active', {
			auth,
			body: { department_id: 'dep-eng' },
		});
		expect(v1Department.status).toBe(422);
		expect(v1Department.body.message.code).toBe('resource_invalid_state');
		const v2 = await call(remote.url, 'PATCH', '/v2/employments/emp-active', {
			auth,
			body: { department_id: 'dep-eng' },
		});
		expect(v2.status).toBe(200);
		const res = await call(remote.url, 'PATCH', '/v1/employments/emp-active', {
			auth,
			body: {
				manager_id: 'mgr-admin',
				address_details: {
					address: '2 New Street',
					city: 'Austin',
					state: 'TX',
					postal_code: '73301',
				},
				external_id: 'hb-9',
			},
		});
		expect(res.status).toBe(200);
		expect(res.body.data.employment).toMatchObject({
			manager_id: 'mgr-admin',
			manager_email: 'admin@example.com',
			department: 'Engineering',
			external_id: 'hb-9',
			address_details: { city: 'Austin' },
		});
		const badManager = await call(remote.url, 'PATCH', '/v1/employments/emp-active', {
			auth,
			body: { manager_id: 'mgr-onb' },
		});
		expect(badManager.status).toBe(422);
		expect(
			(
				await call(remote.url, 'PATCH', '/v2/employments/emp-active', {
					auth,
					body: { department_id: 'nope' },
				})
			).status,
		).toBe(422);
		const badAddress = await call(remote.url, 'PATCH', '/v1/employments/emp-active', {
			auth,
			body: { address_details: { address: '2 New Street', city: 'Austin', postal_code: 'ABC' } },
		});
		expect(badAddress.status).toBe(422);
		expect(Object.keys(badAddress.body.errors).sort()).toEqual([
			'address_details.postal_code',
			'address_details.state',
		]);
	});

	it('PATCH work_email on an invited employment works; basic_information while onboarding is refused', async () => {
		const ok = await call(remote.url, 'PATCH', '/v1/employments/emp-invited', {
			auth,
			body: { work_email: 'new@example.com' },
		});
		expect(ok.status).toBe(200);
		expect(remote.getEmployment('emp-invited')!.work_email).toBe('new@example.com');
		const refused = await call(remote.url, 'PATCH', '/v1/employments/emp-invited', {
			auth,
			body: { address_details: {} },
		});
		expect(refused.body.message.code).toBe('resource_invalid_state');
		const onboarding = await call(remote.url, 'PATCH', '/v1/employments/emp-initiated', {
			auth,
			body: { basic_information: { name: 'X' } },
		});
		expect(onboarding.status).toBe(422);
		expect(onboarding.body.message.message).toBe(
			'basic_information cannot be updated while the employment is initiated',
		);
		const external = await call(remote.url, 'PATCH', '/v1/employments/emp-initiated', {
			auth,
			body: { external_id: 'hb-7' },
		});
		expect(external.status).toBe(200);
		const managerTooEarly = await call(remote.url, 'PATCH', '/v1/employments/emp-created', {
			auth,
			body: { manager_id: 'mgr-admin' },
		});
		expect(managerTooEarly.status).toBe(422);
	});

	it('PATCH basic_information on a created employment revalidates and keeps the top-level fields in sync', async () => {
		const body = {
			basic_information: {
				name: 'Rita Prt',
				email: 'rita@mail.example.net',
				job_title: 'Designer',
				provisional_start_date: '2030-06-01',
				has_seniority_date: 'no',
			},
		};
		const ok = await call(remote.url, 'PATCH', '/v1/employments/emp-created', { auth, body });
		expect(ok.status).toBe(200);
		expect(ok.body.data.employment).toMatchObject({
			full_name: 'Rita Prt',
			job_title: 'Designer',
			login_email: 'rita@mail.example.net',
			provisional_start_date: '2030-06-01',
		});
		const past = {
			basic_information: { ...body.basic_information, provisional_start_date: '2030-03-01' },
		};
		const refused = await call(remote.url, 'PATCH', '/v1/employments/emp-created', {
			auth,
			body: past,
		});
		expect(refused.body.errors).toEqual({
			'basic_information.provisional_start_date': ['must be a date in the future'],
		});
	});

	it('POST employment validates basic_information against the country schema and names every field', async () => {
		const deu = {
			country_code: 'DEU',
			basic_information: {
				name: 'Greta Hoffmann',
				email: 'greta@mail.example.net',
				job_title: 'Engineer',
				provisional_start_date: '2030-05-01',
				has_seniority_date: 'no',
				seniority_date: '2020-01-01',
				tax_servicing_countries: ['Germany'],
				tax_job_category: 'astronaut',
				favourite_colour: 'blue',
			},
		};
		const res = await call(remote.url, 'POST', '/v1/employments', { auth, body: deu });
		expect(res.status).toBe(422);
		expect(res.body.errors).toEqual({
			'basic_information.mobile_number': ["must have required property 'mobile_number'"],
			'basic_information.favourite_colour': ['must NOT have additional properties'],
			'basic_information.seniority_date': ['boolean schema is false'],
			'basic_information.tax_job_category': [
				'must be one of: office_worker, technical_specialist, manager, executive',
			],
		});
		expect(remote.employments).toHaveLength(5);
	});

	it('POST employment: 201 with status created for a valid USA employee; past start dates and unknown countries refused', async () => {
		const created = await call(remote.url, 'POST', '/v1/employments', { auth, body: employee() });
		expect(created.status).toBe(201);
		expect(created.body.data.employment).toMatchObject({
			status: 'created',
			type: 'employee',
			full_name: 'Noah Carter',
			job_title: 'Engineer',
			login_email: 'noah@mail.example.net',
			personal_email: 'noah@mail.example.net',
			work_email: 'noah.carter@example.com',
			external_id: 'hb-1',
			provisional_start_date: '2030-04-15',
			country: { code: 'USA' },
		});
		expect(created.body.data.employment.id).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		const again = await call(remote.url, 'POST', '/v1/employments', { auth, body: employee() });
		expect(again.body.errors).toEqual({ 'basic_information.email': ['has already been taken'] });

		const past = await call(remote.url, 'POST', '/v1/employments', {
			auth,
			body: employee({ email: 'late@mail.example.net', provisional_start_date: '2030-03-10' }),
		});
		expect(past.status).toBe(422);
		expect(past.body.errors['basic_information.provisional_start_date']).toEqual([
			'must be a date in the future',
		]);
		const contractor = await call(remote.url, 'POST', '/v1/employments', {
			auth,
			body: {
				...employee({ email: 'c@mail.example.net', provisional_start_date: '2029-01-01' }),
				type: 'contractor',
			},
		});
		expect(contractor.status).toBe(201);
		const unknown = await call(remote.url, 'POST', '/v1/employments', {
			auth,
			body: { ...employee(), country_code: 'FRA' },
		});
		expect(unknown.status).toBe(422);
		expect(unknown.body.message.code).toBe('resource_not_supported_for_country');
		const missing = await call(remote.url, 'POST', '/v1/employments', {
			auth,
			body: { country_code: 'USA' },
		});
		expect(missing.body.errors).toEqual({ basic_information: ["can't be blank"] });
		// N3: the create takes basic information only; the other forms follow by PATCH.
		const withForms = await call(remote.url, 'POST', '/v1/employments', {
			auth,
			body: {
				...employee({ email: 's@mail.example.net' }),
				administrative_details: { ssn: '123-45-6789' },
			},
		});
		expect(withForms.status).toBe(422);
		expect(withForms.body.message).toEqual([
			{
				code: 'parameter_unknown',
				message: 'Unknown parameter administrative_details',
				param: 'administrative_details',
			},
		]);
		const ssn = await call(
			remote.url,
			'PATCH',
			`/v1/employments/${created.body.data.employment.id}`,
			{
				auth,
				body: { administrative_details: { ssn: '12-345' } },
			},
		);
		expect(ssn.body.errors['administrative_details.ssn']).toEqual([
			expect.stringContaining('must match pattern'),
		]);
		const gpBody = {
			...employee({ email: 'gp@mail.example.net', provisional_start_date: '2020-01-01' }),
			type: 'global_payroll_employee',
		};
		const noEntity = await call(remote.url, 'POST', '/v1/employments', { auth, body: gpBody });
		expect(noEntity.body.errors).toEqual({ engaged_by_legal_entity_id: ["can't be blank"] });
		const gp = await call(remote.url, 'POST', '/v1/employments', {
			auth,
			body: { ...gpBody, engaged_by_legal_entity_id: DEFAULT_LEGAL_ENTITY_ID },
		});
		expect(gp.status).toBe(201);
		const salary = await call(
			remote.url,
			'PATCH',
			`/v1/employments/${gp.body.data.employment.id}`,
			{
				auth,
				body: { contract_details: { annual_gross_salary: 12000000.5 } },
			},
		);
		expect(salary.body.errors).toEqual({
			'contract_details.annual_gross_salary': ['must be integer'],
		});
	});

	it('serves country form schemas as {data:{schema, version}} and 404 for unknown ones', async () => {
		const form = await call(
			remote.url,
			'GET',
			'/v1/countries/DEU/employment_basic_information?json_schema_version=latest',
			{ auth },
		);
		expect(form.body.data.version).toBe(3);
		expect(form.body.data.schema.required).toContain('mobile_number');
		expect(form.body.data.schema).toEqual(
			remoteFormSchemas.DEU.employment_basic_information.schema,
		);
		const alias = await call(remote.url, 'GET', '/v1/countries/USA/emergency_contact', { auth });
		expect(alias.body.data.schema.required).toEqual(['name', 'relationship', 'phone_number']);
		expect(
			(await call(remote.url, 'GET', '/v1/countries/FRA/address_details', { auth })).status,
		).toBe(404);
		expect((await call(remote.url, 'GET', '/v1/countries/USA/nope', { auth })).status).toBe(404);
		expect(schemaFixtureCountries).toEqual(['USA', 'GBR', 'DEU', 'PRT']);
	});

	it('company managers and departments', async () => {
		const managers = await call(remote.url, 'GET', '/v1/company-managers', { auth });
		expect(managers.body.data).toMatchObject({ current_page: 1, total_count: 2, total_pages: 1 });
		expect(managers.body.data.company_managers[0]).toEqual({
			user_id: 'mgr-admin',
			user_name: 'Ann Admin',
			user_email: 'admin@example.com',
			role: 'admin',
			company_id: 'company-1',
		});
		expect((await call(remote.url, 'GET', '/v1/company-departments', { auth })).status).toBe(400);
		const created = await call(remote.url, 'POST', '/v1/company-departments', {
			auth,
			body: { company_id: 'company-1', name: 'Data' },
		});
		expect(created.status).toBe(201);
		expect(created.body.data.company_department).toMatchObject({
			name: 'Data',
			company_id: 'company-1',
		});
		const list = await call(remote.url, 'GET', '/v1/company-departments?company_id=company-1', {
			auth,
		});
		expect(list.body).toMatchObject({ current_page: 1, total_count: 2, total_pages: 1 });
		expect(list.body.data.company_departments.map((d: any) => d.name)).toEqual([
			'Engineering',
			'Data',
		]);
		remote.departmentsPaging = 'data';
		const inData = await call(remote.url, 'GET', '/v1/company-departments?company_id=company-1', {
			auth,
		});
		expect(inData.body.data.total_pages).toBe(1);
	});

	it('time off: approved only, with a company-manager approver, for active employments; cancel once', async () => {
		const body = {
			employment_id: 'emp-active',
			start_date: '2030-04-01',
			end_date: '2030-04-02',
			timezone: 'America/New_York',
			timeoff_type: 'paid_time_off',
			timeoff_days: [
				{ day: '2030-04-01', hours: 8 },
				{ day: '2030-04-02', hours: 4 },
			],
			status: 'approved',
			approved_at: '2030-03-09T10:00:00Z',
			approver_id: 'mgr-admin',
			notes: 'hibob:30001',
		};
		const post = (b: unknown) => call(remote.url, 'POST', '/v1/timeoff', { auth, body: b });
		const { approver_id: _omit, ...noApprover } = body;
		void _omit;
		const missing = await post(noApprover);
		expect(missing.status).toBe(422);
		expect(missing.body.errors).toEqual({ approver_id: ["can't be blank"] });
		expect((await post({ ...body, approver_id: 'someone' })).body.errors).toEqual({
			approver_id: ['must be the user id of a company manager'],
		});
		expect((await post({ ...body, status: 'requested' })).body.errors).toEqual({
			status: ['must be approved'],
		});
		expect((await post({ ...body, timeoff_type: 'holiday' })).status).toBe(422);
		const badDays = await post({
			...body,
			timeoff_days: [
				{ day: '2030-04-01', hours: 9 },
				{ day: '2030-04-01', hours: 2.5 },
				{ day: '2030-04-05', hours: 8 },
			],
		});
		expect(Object.keys(badDays.body.errors).sort()).toEqual([
			'timeoff_days.0.hours',
			'timeoff_days.1.day',
			'timeoff_days.1.hours',
			'timeoff_days.2.day',
		]);
		expect((await post({ ...body, employment_id: 'emp-invited' })).body.message.code).toBe(
			'resource_invalid_state',
		);
		expect((await post({ ...body, employment_id: 'nope' })).status).toBe(422);

		const created = await post(body);
		expect(created.status).toBe(201);
		const timeoff = created.body.data.timeoff;
		expect(timeoff).toMatchObject({
			status: 'approved',
			notes: 'hibob:30001',
			total_minutes: 720,
			timeoff_days: [
				{ day: '2030-04-01', hours: 8, minutes: 0 },
				{ day: '2030-04-02', hours: 4, minutes: 0 },
			],
		});
		const listed = await call(
			remote.url,
			'GET',
			'/v1/timeoff?employment_id=emp-active&start_date=2030-04-02&end_date=2030-04-30',
			{ auth },
		);
		expect(listed.body.data).toMatchObject({ total_count: 1, total_pages: 1, current_page: 1 });
		const outside = await call(
			remote.url,
			'GET',
			'/v1/timeoff?start_date=2030-04-03&end_date=2030-04-30',
			{ auth },
		);
		expect(outside.body.data.total_count).toBe(0);

		const cancel = () =>
			call(remote.url, 'POST', `/v1/timeoff/${timeoff.id}/cancel`, {
				auth,
				body: { cancel_reason: 'Cancelled in HiBob' },
			});
		const first = await cancel();
		expect(first.status).toBe(200);
		expect(first.body.data.timeoff).toMatchObject({
			status: 'cancelled',
			cancel_reason: 'Cancelled in HiBob',
			cancelled_at: NOW.toISOString(),
		});
		const second = await cancel();
		expect(second.status).toBe(422);
		expect(second.body.message.code).toBe('resource_invalid_state');
		expect(
			(
				await call(remote.url, 'POST', '/v1/timeoff/nope/cancel', {
					auth,
					body: { cancel_reason: 'x' },
				})
			).status,
		).toBe(404);
		expect(remote.count('POST /v1/timeoff/:id/cancel')).toBe(3);
	});

	it('contract amendment form: per employment (employment_id required), {data:{schema, version}}, countries differ', async () => {
		const form = await call(
			remote.url,
			'GET',
			'/v1/countries/USA/contract_amendment?employment_id=emp-active&json_schema_version=latest',
			{ auth },
		);
		expect(form.status).toBe(200);
		expect(form.body.data.schema).toEqual(remoteFormSchemas.USA.contract_amendment.schema);
		expect(form.body.data.schema).toMatchObject({
			additionalProperties: false,
			required: ['effective_date', 'reason_for_change'],
		});
		expect(form.body.data.schema.properties.reason_for_change.enum).toContain('other');
		expect(form.body.data.schema.properties.annual_gross_salary).toMatchObject({
			type: 'integer',
			minimum: 0,
		});
		expect(
			(await call(remote.url, 'GET', '/v1/countries/USA/contract_amendment', { auth })).status,
		).toBe(400);
		expect(
			(
				await call(remote.url, 'GET', '/v1/countries/USA/contract_amendment?employment_id=nope', {
					auth,
				})
			).status,
		).toBe(404);
		expect(
			(
				await call(
					remote.url,
					'GET',
					'/v1/countries/GBR/contract_amendment?employment_id=emp-active',
					{ auth },
				)
			).status,
		).toBe(422);
		expect(remoteFormSchemas.DEU.contract_amendment.schema.required).toContain(
			'weekly_working_hours',
		);
		expect(remoteFormSchemas.PRT.contract_amendment.schema.properties).not.toHaveProperty(
			'provisional_start_date',
		);
		expect(remote.count('GET /v1/countries/:code/contract_amendment')).toBe(4);
		expect(remote.count('GET /v1/countries/:code/:form')).toBe(0);
	});

	it('POST contract amendment: validated against the form and the active contract, stored as submitted, employment unchanged until approved', async () => {
		const employment = remote.getEmployment('emp-active')!;
		expect(employment.active_contract_id).toEqual(expect.any(String));
		const before = JSON.stringify(employment);
		const post = (body: unknown) =>
			call(remote.url, 'POST', '/v1/contract-amendments', { auth, body });
		const good = {
			employment_id: 'emp-active',
			amendment_contract_id: employment.active_contract_id,
			contract_amendment: {
				effective_date: '2030-04-01',
				reason_for_change: 'promotion',
				job_title: 'Staff Engineer',
				annual_gross_salary: 15000000,
			},
		};

		const blank = await post({ contract_amendment: {} });
		expect(blank.status).toBe(422);
		expect(blank.body.errors).toEqual({
			employment_id: ["can't be blank"],
			amendment_contract_id: ["can't be blank"],
		});
		const invalid = await post({
			...good,
			contract_amendment: {
				job_title: 'Staff Engineer',
				annual_gross_salary: -1,
				reason_for_change: 'raise',
				bonus: 1,
			},
		});
		expect(invalid.status).toBe(422);
		expect(Object.keys(invalid.body.errors).sort()).toEqual([
			'contract_amendment.annual_gross_salary',
			'contract_amendment.bonus',
			'contract_amendment.effective_date',
			'contract_amendment.reason_for_change',
		]);
		const wrongContract = await post({ ...good, amendment_contract_id: 'old-contract' });
		expect(wrongContract.body.message).toMatchObject({
			code: 'parameter_value_invalid',
			param: 'amendment_contract_id',
		});
		const notActive = await post({ ...good, employment_id: 'emp-created' });
		expect(notActive.body.message).toMatchObject({
			code: 'resource_invalid_state',
			resource_id: 'emp-created',
		});
		const noChange = await post({
			...good,
			contract_amendment: {
				effective_date: '2030-04-01',
				reason_for_change: 'other',
				job_title: 'Engineer',
			},
		});
		expect(noChange.body.errors).toEqual({
			contract_amendment: ['must change at least one term of the current contract'],
		});
		expect(remote.contractAmendments).toHaveLength(0);

		const created = await post(good);
		expect(created.status).toBe(200);
		const amendment = created.body.data.contract_amendment;
		expect(amendment).toMatchObject({
			status: 'submitted',
			employment_id: 'emp-active',
			amendment_contract_id: employment.active_contract_id,
			submitted_at: NOW.toISOString(),
			request_details: { effective_date: '2030-04-01', reason_for_change: 'promotion' },
			changes: {
				'contract.job_title': { previous: 'Engineer', current: 'Staff Engineer' },
				'compensation.amount': { previous: null, current: 15000000 },
			},
		});
		expect(amendment).not.toHaveProperty('requested');
		expect(JSON.stringify(remote.getEmployment('emp-active'))).toBe(before);

		// Listed (MinimalContractAmendment items), filtered by employment and status, paged.
		const listed = await call(
			remote.url,
			'GET',
			'/v1/contract-amendments?employment_id=emp-active&status=submitted,in_review',
			{ auth },
		);
		expect(listed.body.data).toMatchObject({ current_page: 1, total_count: 1, total_pages: 1 });
		expect(listed.body.data.contract_amendments).toEqual([
			{
				id: amendment.id,
				employment_id: 'emp-active',
				job_title: 'Staff Engineer',
				reason_for_change: 'promotion',
				requested_by: expect.any(String),
				requested_effective_date: '2030-04-01T00:00:00Z',
				status: 'submitted',
				submitted_at: NOW.toISOString(),
			},
		]);
		expect(
			(await call(remote.url, 'GET', '/v1/contract-amendments?employment_id=emp-invited', { auth }))
				.body.data.total_count,
		).toBe(0);
		expect(
			(await call(remote.url, 'GET', '/v1/contract-amendments?status=done', { auth })).body.data
				.total_count,
		).toBe(0);
		expect(
			(await call(remote.url, 'GET', `/v1/contract-amendments/${amendment.id}`, { auth })).body.data
				.contract_amendment.id,
		).toBe(amendment.id);

		// Remote's review (sandbox approve): the terms change and a new contract becomes active.
		const approved = await call(
			remote.url,
			'PUT',
			`/v1/sandbox/contract-amendments/${amendment.id}/approve`,
			{ auth },
		);
		expect(approved.body.data.contract_amendment.status).toBe('done');
		const after = remote.getEmployment('emp-active')!;
		expect(after.job_title).toBe('Staff Engineer');
		expect(after.contract_details.annual_gross_salary).toBe(15000000);
		expect(after.active_contract_id).not.toBe(good.amendment_contract_id);
		expect((await post(good)).body.message).toMatchObject({ param: 'amendment_contract_id' });
	});

	it('rate limit: 429 {message} with x-ratelimit-reset in milliseconds and no Retry-After', async () => {
		remote.setRateLimit({ limit: 2, windowMs: 60_000 });
		const a = await call(remote.url, 'GET', '/v1/company-managers', { auth });
		expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
		const resetA = Number(a.headers.get('x-ratelimit-reset'));
		expect(resetA).toBeGreaterThan(59_000);
		expect(resetA).toBeLessThanOrEqual(60_000);
		await call(remote.url, 'GET', '/v1/company-managers', { auth });
		const limited = await call(remote.url, 'GET', '/v1/company-managers', { auth });
		expect(limited.status).toBe(429);
		expect(limited.body).toEqual({ message: 'Too many requests' });
		expect(limited.headers.get('retry-after')).toBeNull();
		expect(limited.headers.get('x-ratelimit-count')).toBe('3');
		expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
		expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(60_000);
		// A short window resets.
		remote.setRateLimit({ limit: 1, windowMs: 50 });
		await call(remote.url, 'GET', '/v1/company-managers', { auth });
		expect((await call(remote.url, 'GET', '/v1/company-managers', { auth })).status).toBe(429);
		await new Promise((r) => setTimeout(r, 60));
		expect((await call(remote.url, 'GET', '/v1/company-managers', { auth })).status).toBe(200);
	});

	it('one-shot faults: status, 429 with headers, drop (nothing applied), dropAfterApply (applied)', async () => {
		remote.failNext('POST /v1/employments', { status: 503 });
		expect(
			(await call(remote.url, 'POST', '/v1/employments', { auth, body: employee() })).status,
		).toBe(503);
		remote.failNext('POST /v1/employments', { status: 429 });
		const limited = await call(remote.url, 'POST', '/v1/employments', { auth, body: employee() });
		expect(limited.status).toBe(429);
		expect(limited.body).toEqual({ message: 'Too many requests' });
		expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);

		remote.failNext('POST /v1/employments', { drop: true });
		await expect(
			call(remote.url, 'POST', '/v1/employments', { auth, body: employee() }),
		).rejects.toThrow();
		expect(remote.employments).toHaveLength(5);

		remote.failNext('POST /v1/employments', { dropAfterApply: true });
		await expect(
			call(remote.url, 'POST', '/v1/employments', { auth, body: employee() }),
		).rejects.toThrow();
		expect(remote.employments).toHaveLength(6);
		expect(remote.findByExternalId('hb-1')).toHaveLength(1);
		const recovered = await call(remote.url, 'GET', '/v1/employments?email=noah@mail.example.net', {
			auth,
		});
		expect(recovered.body.data.total_count).toBe(1);
		expect(remote.count('POST /v1/employments')).toBe(4);
		expect(remote.requests.filter((r) => r.dropped).map((r) => r.fault)).toEqual([
			'drop',
			'dropAfterApply',
		]);
		remote.resetCounters();
		expect(remote.counters).toEqual({});
		expect(remote.requests).toHaveLength(0);
	});

	it('seeded faults are reproducible: same seed, same sequence', async () => {
		const run = async (seed: number) => {
			const fake = await RemoteFake.start(remoteFixture(), {
				now,
				faults: {
					seed,
					error5xxRate: 0.2,
					rateLimit429Rate: 0.15,
					dropRate: 0.1,
					dropAfterApplyRate: 0.3,
					latencyMs: [0, 2],
				},
			});
			const outcomes: string[] = [];
			try {
				for (let i = 0; i < 30; i++) {
					const write = i % 3 === 0;
					try {
						const res = write
							? await call(fake.url, 'PATCH', '/v1/employments/emp-active', {
									auth: fake.authHeader(),
									body: { external_id: `x${i}` },
								})
							: await call(fake.url, 'GET', '/v1/employments', { auth: fake.authHeader() });
						outcomes.push(String(res.status));
					} catch {
						outcomes.push('dropped');
					}
				}
				return {
					outcomes,
					trace: fake.faultTrace.map((d) => d.kind),
					externalId: fake.getEmployment('emp-active')!.external_id,
				};
			} finally {
				await fake.close();
			}
		};
		const a = await run(42);
		const b = await run(42);
		expect(b).toEqual(a);
		expect(new Set(a.trace).size).toBeGreaterThan(2);
		expect(a.outcomes).toContain('dropped');
		const c = await run(7);
		expect(c.trace).not.toEqual(a.trace);
	});

	it('a one-shot fault does not shift the seeded sequence', async () => {
		const kinds = async (withOneShot: boolean) => {
			const fake = await HiBobFake.start(hibobFixture(), {
				now,
				faults: { seed: 9, error5xxRate: 0.3, rateLimit429Rate: 0.2 },
			});
			try {
				if (withOneShot) fake.failNext('GET /v1/company/named-lists', { status: 500 });
				for (let i = 0; i < 12; i++)
					await call(fake.url, 'GET', '/v1/company/named-lists', { auth: fake.authHeader() });
				return {
					trace: fake.faultTrace.map((d) => d.kind),
					statuses: fake.requests.map((r) => r.status),
				};
			} finally {
				await fake.close();
			}
		};
		const plain = await kinds(false);
		const shifted = await kinds(true);
		expect(shifted.trace).toEqual(plain.trace);
		expect(shifted.statuses.slice(1)).toEqual(plain.statuses.slice(1));
		expect(shifted.statuses[0]).toBe(500);
	});

	it('seeded dropAfterApply applies the write although the client never sees the answer', async () => {
		remote.setFaults({ seed: 3, dropAfterApplyRate: 1 });
		await expect(
			call(remote.url, 'PATCH', '/v1/employments/emp-invited', {
				auth,
				body: { external_id: 'hb-42' },
			}),
		).rejects.toThrow();
		expect(remote.getEmployment('emp-invited')!.external_id).toBe('hb-42');
		// Reads are never "drop after apply".
		expect((await call(remote.url, 'GET', '/v1/employments/emp-invited', { auth })).status).toBe(
			200,
		);
		remote.setFaults(undefined);
	});
});

describe('company generator and startFakes', () => {
	it('makeCompany is deterministic and consistent across both fixtures for 10 000 people', () => {
		// (How long it takes is a figure for the benchmark, not a test outcome: the machine may be busy.)
		const big = makeCompany({ people: 10_000, seed: 5, now: NOW, withTimeoff: 2000 });
		expect(big.hibob.people).toHaveLength(10_000);
		expect(new Set(big.hibob.people.map((p) => p.id)).size).toBe(10_000);
		expect(new Set(big.hibob.people.map((p) => p.email)).size).toBe(10_000);
		expect(big.hibob.timeoffRequests).toHaveLength(2000);
		const again = makeCompany({ people: 200, seed: 5, now: NOW, withTimeoff: 20 });
		const same = makeCompany({ people: 200, seed: 5, now: NOW, withTimeoff: 20 });
		expect(JSON.stringify(same)).toBe(JSON.stringify(again));

		const linked = big.people.filter((p) => p.remoteEmploymentId);
		expect(linked.length).toBe(big.remote.employments!.length);
		const byEmail = linked.filter((p) => p.linkedBy === 'email');
		expect(byEmail.length).toBeGreaterThan(0);
		for (const p of byEmail.slice(0, 50)) {
			const e = big.remote.employments!.find((x) => x.id === p.remoteEmploymentId)!;
			expect(e.external_id).toBeNull();
		}
		const kinds = new Set(big.people.map((p) => p.kind));
		expect(kinds).toEqual(new Set(['employee', 'contractor', 'global_payroll_employee', null]));
		const newHires = big.people.filter(
			(p) => p.kind === 'employee' && p.remote === 'missing' && p.active,
		);
		expect(
			newHires.filter((p) => p.startDate > '2030-03-10').length / newHires.length,
		).toBeGreaterThan(0.9);
		expect(
			big.people.some(
				(p) =>
					p.country === 'DEU' && !p.hasMobile && p.kind === 'employee' && p.remote === 'missing',
			),
		).toBe(true);
	});

	it('generated new hires map onto payloads the fake Remote accepts (except documented failures)', async () => {
		const company = makeCompany({ people: 60, seed: 11, now: NOW });
		const fakes = await startFakes({
			hibob: company.hibob,
			remote: company.remote,
			now,
			inspection: true,
		});
		try {
			const auth = fakes.remote.authHeader();
			let created = 0;
			for (const p of company.people.filter((x) => x.kind && x.remote === 'missing' && x.active)) {
				const person = fakes.hibob.getPerson(p.hibobId)!;
				const { basic_information, ...forms } = remoteBlobsFor(
					person,
					p.country,
					p.kind!,
				) as Record<string, unknown>;
				// The documented sequence: create with basic information, then one PATCH per form.
				const entity =
					p.kind === 'global_payroll_employee'
						? { engaged_by_legal_entity_id: DEFAULT_LEGAL_ENTITY_ID }
						: {};
				const res = await call(fakes.remoteUrl, 'POST', '/v1/employments', {
					auth,
					body: {
						country_code: p.country,
						type: p.kind,
						external_id: p.hibobId,
						basic_information,
						...entity,
					},
				});
				const expectFail =
					(p.kind === 'employee' && p.startDate <= '2030-03-10') ||
					(p.kind === 'employee' && p.country === 'DEU' && !p.hasMobile);
				expect({ id: p.hibobId, status: res.status, errors: res.body.errors }).toMatchObject({
					status: expectFail ? 422 : 201,
				});
				if (res.status === 201) created++;
				if (res.status !== 201 || p.kind === 'contractor') continue;
				for (const [form, value] of Object.entries(forms)) {
					const patch = await call(
						fakes.remoteUrl,
						'PATCH',
						`/v1/employments/${res.body.data.employment.id}`,
						{ auth, body: { [form]: value } },
					);
					expect({
						id: p.hibobId,
						form,
						status: patch.status,
						errors: patch.body.errors,
					}).toMatchObject({ status: 200 });
				}
			}
			expect(created).toBeGreaterThan(5);
			const counters = await call(fakes.remoteUrl, 'GET', '/__fake/counters');
			expect(counters.body.counters['POST /v1/employments']).toBeGreaterThan(5);
			const state = await call(fakes.hibobUrl, 'GET', '/__fake/state');
			expect(state.body.people).toHaveLength(60);
			expect((await call(fakes.remoteUrl, 'POST', '/__fake/reset-counters')).body).toEqual({
				ok: true,
			});
			expect(fakes.remote.counters).toEqual({});
		} finally {
			await fakes.close();
		}
	});

	it('the demo company loads into both fakes', async () => {
		const demo = makeDemoCompany(NOW);
		const fakes = await startFakes({ hibob: demo.hibob, remote: demo.remote, now });
		try {
			const people = await call(fakes.hibobUrl, 'POST', '/v1/people/search', {
				auth: fakes.hibob.authHeader(),
				body: {
					fields: ['root.id', demo.syncField.fieldId],
					showInactive: true,
					humanReadable: 'APPEND',
				},
			});
			expect(people.body.employees).toHaveLength(demo.hibob.people.length);
			const labels = people.body.employees.map(
				(e: any) => e.humanReadable.work?.custom?.[demo.syncField.fieldId.split('.').pop()!],
			);
			expect(labels).toEqual(
				expect.arrayContaining([
					'As employee',
					'As contractor',
					'As global payroll employee',
					'As freelancer',
				]),
			);
			const shared = fakes.remote.employments.filter(
				(e) => e.login_email === 'kai.tanaka@example.com',
			);
			expect(shared).toHaveLength(2);
			const changes = await call(
				fakes.hibobUrl,
				'GET',
				'/v1/timeoff/requests/changes?since=2030-03-01T00:00:00Z',
				{
					auth: fakes.hibob.authHeader(),
				},
			);
			expect(changes.body.changes.length).toBeGreaterThanOrEqual(5);
		} finally {
			await fakes.close();
		}
	});
});
