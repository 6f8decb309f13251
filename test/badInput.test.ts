/**
 * Bad input from HiBob (issue: at least 30 kinds): each malformed person gets its own clear reason,
 * the others still sync, nothing crashes and nothing wrong is written to Remote.
 * Rules: R1 (one item per person with a reason), R2 (one person never stops the others), N4, N5,
 * E2, M2.
 */
import { isoIn, makeWorld } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

interface Case {
	name: string;
	kind?: 'employee' | 'contractor' | 'global_payroll_employee' | null;
	person: Record<string, any>;
	reason: string;
	/** Text the message must contain (the field or value it names). */
	mentions?: string;
	outcome?: string;
}

const CASES: Case[] = [
	{
		name: 'no work and no personal email',
		person: { email: '', home: { privateEmail: null } },
		reason: 'missing_email',
	},
	{
		name: 'work email with two @',
		person: { email: 'jane@@example.com' },
		reason: 'invalid_email',
		mentions: 'jane@@example.com',
	},
	{
		name: 'work email with a space',
		person: { email: 'jane doe@example.com' },
		reason: 'invalid_email',
	},
	{
		name: 'work email without domain dot',
		person: { email: 'jane@localhost' },
		reason: 'invalid_email',
	},
	{
		name: 'personal email invalid',
		person: { home: { privateEmail: 'not-an-email' } },
		reason: 'invalid_email',
		mentions: 'home.privateEmail',
	},
	{
		name: 'email of 300 characters',
		person: { email: `${'a'.repeat(290)}@example.com` },
		reason: 'invalid_email',
	},
	{ name: 'email is a number', person: { email: 12345 }, reason: 'invalid_email' },
	{
		name: 'start date 2025-13-40',
		person: { work: { startDate: '2025-13-40' } },
		reason: 'invalid_start_date',
		mentions: '2025-13-40',
	},
	{
		name: 'start date 2025-02-30',
		person: { work: { startDate: '2025-02-30' } },
		reason: 'invalid_start_date',
	},
	{
		name: 'start date in words',
		person: { work: { startDate: 'next monday' } },
		reason: 'invalid_start_date',
	},
	{
		name: 'start date as a number',
		person: { work: { startDate: 20250101 } },
		reason: 'invalid_start_date',
	},
	{
		name: 'unknown country name',
		person: { address: { country: 'Atlantis' } },
		reason: 'unknown_country',
		mentions: 'Atlantis',
	},
	{ name: 'country code XX', person: { address: { country: 'XX' } }, reason: 'unknown_country' },
	{
		name: 'no address country and a site that is no country',
		person: { address: { country: null }, work: { site: 'Remote' } },
		reason: 'missing_country',
	},
	{
		name: '"Sync to Remote" holds an unknown label',
		kind: null,
		person: { syncExtra: 'As intern' },
		reason: 'unknown_sync_kind',
		mentions: 'As intern',
	},
	{
		name: '"Sync to Remote" holds a list id with no label',
		kind: null,
		person: { syncRaw: '999999' },
		reason: 'unknown_sync_kind',
		mentions: '999999',
	},
	{
		name: 'job title list id with no label',
		person: { work: { title: '987654' } },
		reason: 'unresolved_list_value',
		mentions: '987654',
	},
	{
		name: 'first name with a NUL character',
		person: { firstName: 'Ja\u0000ne' },
		reason: 'invalid_characters',
		mentions: 'root.firstName',
	},
	{
		name: 'surname of 10,000 characters',
		person: { surname: 'x'.repeat(10_000) },
		reason: 'value_too_long',
		mentions: 'root.surname',
	},
	{
		name: 'display name with a bidi override',
		person: { firstName: '', surname: '', displayName: 'evil\u202Eeman' },
		reason: 'invalid_characters',
	},
	{
		name: 'city with a bell character',
		person: { address: { city: 'New\u0007York' } },
		reason: 'invalid_characters',
		mentions: 'address.city',
	},
	{ name: 'first name is an object', person: { firstName: { text: 'Jane' } }, reason: 'not_text' },
	{
		name: 'no name at all',
		person: { firstName: '', surname: '', displayName: '' },
		reason: 'missing_name',
	},
	{
		name: 'EOR start date in the past',
		person: { work: { startDate: isoIn(-20) } },
		reason: 'start_date_not_in_future',
	},
	{
		name: 'EOR without start date',
		person: { work: { startDate: null } },
		reason: 'start_date_not_in_future',
	},
	{
		name: 'German hire without mobile number',
		person: {
			address: { country: 'Germany', city: 'Berlin', postCode: '10115', usaState: null },
			home: { mobilePhone: null },
		},
		reason: 'remote_schema_invalid',
		mentions: 'mobile_number',
	},
	{
		name: 'US hire without state',
		person: { address: { usaState: null } },
		reason: 'remote_schema_invalid',
		mentions: 'address_details.state',
	},
	{
		name: 'US hire with a bad ZIP code',
		person: { address: { postCode: 'ABCDE' } },
		reason: 'remote_schema_invalid',
		mentions: 'postal_code',
	},
	{
		name: 'emergency contact without phone',
		person: { emergency: { phone: null, mobilePhone: null } },
		reason: 'remote_schema_invalid',
		mentions: 'phone_number',
	},
	{
		name: 'terminated in HiBob, never in Remote',
		person: { internal: { status: 'Inactive', lifecycleStatus: 'terminated' } },
		reason: 'terminated_in_hibob',
	},
	{
		name: 'British hire with a malformed postcode',
		person: {
			address: { country: 'United Kingdom', city: 'London', postCode: '12345', usaState: null },
		},
		reason: 'remote_schema_invalid',
		mentions: 'postal_code',
	},
	{
		name: 'hibob id with path characters',
		person: { id: '../../etc' },
		reason: 'invalid_hibob_id',
	},
];

describe('Bad HiBob input (R1, R2)', () => {
	let w: World | undefined;
	afterEach(async () => {
		await w?.close();
		w = undefined;
	});

	it(`R2: ${CASES.length} kinds of malformed people each get their own reason; the valid ones still sync`, async () => {
		w = await makeWorld({}, ({ person, sync }) => {
			const syncKey = sync.fieldId.split('.').pop()!;
			const people = CASES.map((c, i) => {
				const id = c.person.id ?? String(1000 + i);
				const overrides = { ...c.person };
				delete overrides.syncExtra;
				delete overrides.syncRaw;
				const p = person(String(1000 + i), c.kind === undefined ? 'employee' : c.kind, overrides);
				p.id = id;
				if (c.person.syncExtra)
					p.work!.custom = { [syncKey]: sync.extraItemIds[c.person.syncExtra] };
				if (c.person.syncRaw) p.work!.custom = { [syncKey]: c.person.syncRaw };
				return p;
			});
			// Two valid people around them, and two HiBob people sharing one email (M2-like duplicate).
			people.push(person('1', 'employee'), person('2', 'contractor'));
			people.push(
				person('3', 'contractor', { email: 'shared@example.com' }),
				person('4', 'contractor', { email: 'SHARED@example.com ' }),
			);
			return { people };
		});
		const people = await w.getEmployees();
		const out = await w.upsert(people, { summary: true });
		const byId = new Map(
			out.filter((o) => !o.json.summary).map((o) => [String(o.json.hibobId ?? ''), o.json]),
		);
		const problems: string[] = [];
		CASES.forEach((c, i) => {
			const id = c.person.id === '../../etc' ? '' : String(c.person.id ?? 1000 + i);
			const got = id ? byId.get(id) : out.find((o) => o.json.reason === 'invalid_hibob_id')?.json;
			if (!got) return problems.push(`${c.name}: no output item`);
			if (got.reason !== c.reason)
				problems.push(`${c.name}: reason ${got.reason} (${got.message}), expected ${c.reason}`);
			if (got.outcome !== (c.outcome ?? 'skipped'))
				problems.push(`${c.name}: outcome ${got.outcome}`);
			if (c.mentions && !String(got.message).includes(c.mentions))
				problems.push(`${c.name}: message "${got.message}" does not name ${c.mentions}`);
			if (!String(got.message ?? '').trim()) problems.push(`${c.name}: empty message`);
			return undefined;
		});
		expect(problems).toEqual([]);
		expect(new Set(CASES.map((c) => c.reason)).size).toBeGreaterThanOrEqual(15);
		expect(byId.get('1')!.outcome).toBe('created');
		expect(byId.get('2')!.outcome).toBe('created');
		expect(byId.get('3')).toMatchObject({
			outcome: 'skipped',
			reason: 'duplicate_hibob_email',
			name: 'First3 Last3',
		});
		// R1: a person with unreadable data is still recognisable by name, without the control characters.
		expect(byId.get('1017')!.name).toBe('Jane Last1017');
		expect(byId.get('4')).toMatchObject({ outcome: 'skipped', reason: 'duplicate_hibob_email' });
		// Only the two valid people reached Remote; every output item is paired to its input.
		expect(w.fakes.remote.count('POST /v1/employments')).toBe(2);
		expect(w.fakes.remote.state.employments.map((e) => e.external_id).sort()).toEqual(['1', '2']);
		out.forEach((o, i) => {
			if (!o.json.summary) expect(o.pairedItem).toEqual({ item: i });
		});
		const summary = out[out.length - 1].json as any;
		expect(summary.summary).toBe(true);
		expect(summary.byOutcome.created).toBe(2);
	});

	it('R2: items that are not HiBob people at all are skipped as invalid_input_item, paired, without stopping the run', async () => {
		w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));
		const people = await w.getEmployees();
		const input = [
			{ json: { hello: 'world' } },
			people[0],
			{ json: { hibobId: 7, valid: true } },
			{ json: {} },
		];
		const out = await w.upsert(input as any);
		expect(out.map((o) => [o.json.outcome, o.json.reason])).toEqual([
			['skipped', 'invalid_input_item'],
			['created', 'created'],
			['skipped', 'invalid_input_item'],
			['skipped', 'invalid_input_item'],
		]);
		expect(out.map((o) => o.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
	});

	it('S3: sections hidden by permissions give field_not_visible instead of a crash', async () => {
		w = await makeWorld(
			{ hibob: { deniedFields: ['root.email', 'home.privateEmail'] } },
			({ person }) => ({
				people: [person('1', 'contractor')],
			}),
		);
		const out = await w.run();
		expect(out.get('1')).toMatchObject({ outcome: 'skipped', reason: 'field_not_visible' });
		expect(String(out.get('1')!.message)).toContain('Basic info');
	});
});
