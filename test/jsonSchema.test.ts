import Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import {
	describeIssues,
	requiredFieldsMissing,
	validateAgainstSchema,
} from '../nodes/shared/core/jsonSchema';
import type { SchemaIssue } from '../nodes/shared/core/jsonSchema';
import { US_STATES } from './fixtures/remote-schemas';

const v = validateAgainstSchema;

describe('validateAgainstSchema: keywords', () => {
	it('accepts anything under true, an empty schema or no schema, and nothing under false', () => {
		expect(v(true, { a: 1 })).toEqual([]);
		expect(v({}, 'x')).toEqual([]);
		expect(v(undefined, 'x')).toEqual([]);
		expect(v(false, 'x')).toEqual([{ path: '', message: 'is not allowed' }]);
		expect(v(false, 'x', 'work_address')).toEqual([
			{ path: 'work_address', message: 'is not allowed' },
		]);
	});

	it('checks type, including lists of types', () => {
		expect(v({ type: 'string' }, 'a')).toEqual([]);
		expect(v({ type: 'string' }, 1)).toEqual([{ path: '', message: 'must be text' }]);
		expect(v({ type: 'number' }, 1.5)).toEqual([]);
		expect(v({ type: 'number' }, '1.5')).toEqual([{ path: '', message: 'must be a number' }]);
		expect(v({ type: 'number' }, Number.NaN)).toHaveLength(1);
		expect(v({ type: 'integer' }, 3)).toEqual([]);
		expect(v({ type: 'integer' }, 3.0)).toEqual([]);
		expect(v({ type: 'integer' }, 3.5)).toEqual([{ path: '', message: 'must be a whole number' }]);
		expect(v({ type: 'boolean' }, 'true')).toEqual([
			{ path: '', message: 'must be true or false' },
		]);
		expect(v({ type: 'object' }, [])).toEqual([{ path: '', message: 'must be an object' }]);
		expect(v({ type: 'object' }, null)).toHaveLength(1);
		expect(v({ type: 'array' }, {})).toEqual([{ path: '', message: 'must be a list' }]);
		expect(v({ type: 'null' }, null)).toEqual([]);
		expect(v({ type: ['string', 'null'] }, null)).toEqual([]);
		expect(v({ type: ['string', 'null'] }, 5)).toEqual([
			{ path: '', message: 'must be text or null' },
		]);
	});

	it('treats nullable: true (OpenAPI) as also allowing null', () => {
		expect(v({ type: 'string', nullable: true }, null)).toEqual([]);
		expect(v({ type: 'string', nullable: true, minLength: 2 }, 'a')).toHaveLength(1);
		expect(v({ type: 'string' }, null)).toEqual([{ path: '', message: 'must be text' }]);
	});

	it('checks required, properties and additionalProperties with dotted paths', () => {
		const schema = {
			type: 'object',
			required: ['name', 'address'],
			additionalProperties: false,
			properties: {
				name: { type: 'string' },
				address: {
					type: 'object',
					required: ['city'],
					properties: { city: { type: 'string' }, zip: { type: 'string' } },
					additionalProperties: { type: 'string' },
				},
			},
		};
		expect(v(schema, { name: 'Jane', address: { city: 'Berlin' } })).toEqual([]);
		expect(v(schema, {})).toEqual([
			{ path: 'name', message: 'is required' },
			{ path: 'address', message: 'is required' },
		]);
		expect(v(schema, { name: 'Jane', address: { zip: 1, note: 2 }, age: 3 })).toEqual([
			{ path: 'address.city', message: 'is required' },
			{ path: 'address.zip', message: 'must be text' },
			{ path: 'address.note', message: 'must be text' },
			{ path: 'age', message: 'is not allowed' },
		]);
		expect(v(schema, { name: 'Jane', address: { city: 'Berlin' } }, 'basic_information')).toEqual(
			[],
		);
		expect(v(schema, { address: { city: 'Berlin' } }, 'basic_information')).toEqual([
			{ path: 'basic_information.name', message: 'is required' },
		]);
	});

	it('treats undefined properties as absent, the way JSON does', () => {
		const schema = {
			type: 'object',
			required: ['a'],
			additionalProperties: false,
			properties: { a: { type: 'string' } },
		};
		expect(v(schema, { a: 'x', b: undefined })).toEqual([]);
		expect(v(schema, { a: undefined })).toEqual([{ path: 'a', message: 'is required' }]);
	});

	it('does not mistake inherited object members for properties', () => {
		const schema = { type: 'object', required: ['constructor', 'toString'], properties: {} };
		expect(v(schema, {})).toEqual([
			{ path: 'constructor', message: 'is required' },
			{ path: 'toString', message: 'is required' },
		]);
		expect(v({ type: 'string', format: 'constructor' }, 'x')).toEqual([]);
		expect(v({ type: 'toString' }, 'x')).toEqual([]);
	});

	it('checks patternProperties and counts them as known for additionalProperties', () => {
		const schema = {
			type: 'object',
			patternProperties: { '^custom_': { type: 'string' } },
			properties: { id: { type: 'integer' } },
			additionalProperties: false,
		};
		expect(v(schema, { id: 1, custom_team: 'x' })).toEqual([]);
		expect(v(schema, { id: 1, custom_team: 2, other: 1 })).toEqual([
			{ path: 'custom_team', message: 'must be text' },
			{ path: 'other', message: 'is not allowed' },
		]);
	});

	it('checks enum and const with deep equality', () => {
		expect(v({ enum: ['yes', 'no'] }, 'yes')).toEqual([]);
		expect(v({ enum: ['yes', 'no'] }, 'maybe')).toEqual([
			{ path: '', message: 'must be one of: yes, no' },
		]);
		expect(v({ enum: [1, null, { a: [1] }] }, { a: [1] })).toEqual([]);
		expect(v({ enum: [1, null] }, '1')).toEqual([{ path: '', message: 'must be one of: 1, null' }]);
		expect(v({ const: 'USA' }, 'USA')).toEqual([]);
		expect(v({ const: 'USA' }, 'usa')).toEqual([{ path: '', message: 'must be USA' }]);
		expect(v({ const: { a: 1, b: [2] } }, { b: [2], a: 1 })).toEqual([]);
		expect(v({ const: false }, 0)).toEqual([{ path: '', message: 'must be false' }]);
		const long = Array.from({ length: 51 }, (_, i) => `S${i}`);
		expect(v({ enum: long }, 'x')[0].message).toBe(
			'must be one of: S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, … (51 options)',
		);
	});

	it('reads oneOf/anyOf option lists as "one of" the values', () => {
		const yesNo = {
			type: 'string',
			oneOf: [
				{ const: 'yes', title: 'Yes' },
				{ const: 'no', title: 'No' },
			],
		};
		expect(v(yesNo, 'yes')).toEqual([]);
		expect(v(yesNo, 'Yes')).toEqual([{ path: '', message: 'must be one of: yes, no' }]);
		expect(v(yesNo, true)).toEqual([{ path: '', message: 'must be text' }]);
		expect(v({ anyOf: [{ const: 1 }, { enum: [2, 3] }] }, 4)).toEqual([
			{ path: '', message: 'must be one of: 1, 2, 3' },
		]);
	});

	it('checks oneOf (exactly one), anyOf (at least one) and allOf (all)', () => {
		const oneOf = { oneOf: [{ type: 'integer' }, { type: 'number', minimum: 10 }] };
		expect(v(oneOf, 5)).toEqual([]);
		expect(v(oneOf, 10.5)).toEqual([]);
		expect(v(oneOf, 12)).toEqual([
			{ path: '', message: 'matches more than one of the allowed options' },
		]);
		expect(v(oneOf, 'x')).toEqual([
			{ path: '', message: 'does not match any of the allowed options' },
		]);
		const anyOf = { anyOf: [{ type: 'integer' }, { type: 'number', minimum: 10 }] };
		expect(v(anyOf, 12)).toEqual([]);
		expect(v(anyOf, 'x')).toHaveLength(1);
		const allOf = { allOf: [{ type: 'string', minLength: 2 }, { maxLength: 3 }] };
		expect(v(allOf, 'ab')).toEqual([]);
		expect(v(allOf, 'abcd')).toEqual([{ path: '', message: 'must be at most 3 characters' }]);
	});

	it('explains a failed oneOf of object shapes by the closest shape', () => {
		const schema = {
			oneOf: [
				{
					type: 'object',
					required: ['type', 'hours'],
					properties: { type: { const: 'full_time' }, hours: { minimum: 35 } },
				},
				{
					type: 'object',
					required: ['type', 'days'],
					properties: { type: { const: 'part_time' } },
				},
			],
		};
		expect(v(schema, { type: 'full_time', hours: 40 })).toEqual([]);
		expect(v(schema, { type: 'full_time', hours: 20 })).toEqual([
			{ path: 'hours', message: 'must be at least 35' },
		]);
		expect(v(schema, { type: 'part_time' })).toEqual([{ path: 'days', message: 'is required' }]);
	});

	it('applies if/then/else; a false subschema forbids the key', () => {
		const schema = {
			type: 'object',
			properties: {
				has_seniority_date: { enum: ['yes', 'no'] },
				seniority_date: { type: 'string', format: 'date' },
			},
			if: {
				properties: { has_seniority_date: { const: 'yes' } },
				required: ['has_seniority_date'],
			},
			then: { required: ['seniority_date'] },
			else: { properties: { seniority_date: false } },
		};
		expect(v(schema, { has_seniority_date: 'yes', seniority_date: '2020-01-01' })).toEqual([]);
		expect(v(schema, { has_seniority_date: 'yes' })).toEqual([
			{ path: 'seniority_date', message: 'is required' },
		]);
		expect(v(schema, { has_seniority_date: 'no' })).toEqual([]);
		expect(v(schema, { has_seniority_date: 'no', seniority_date: '2020-01-01' })).toEqual([
			{ path: 'seniority_date', message: 'is not allowed' },
		]);
		expect(v(schema, { seniority_date: '2020-01-01' })).toEqual([
			{ path: 'seniority_date', message: 'is not allowed' },
		]);
		// if without then/else does nothing; its own failures are never reported.
		expect(v({ if: { type: 'string' } }, 1)).toEqual([]);
	});

	it('checks not', () => {
		expect(v({ not: { const: 'contractor' } }, 'employee')).toEqual([]);
		expect(v({ not: { const: 'contractor' } }, 'contractor')).toEqual([
			{ path: '', message: 'is not allowed' },
		]);
	});

	it('checks string lengths in characters, not UTF-16 units', () => {
		expect(v({ minLength: 1 }, '')).toEqual([{ path: '', message: 'must not be empty' }]);
		expect(v({ minLength: 3 }, 'ab')).toEqual([
			{ path: '', message: 'must be at least 3 characters' },
		]);
		expect(v({ maxLength: 2 }, 'abc')).toEqual([
			{ path: '', message: 'must be at most 2 characters' },
		]);
		expect(v({ maxLength: 2 }, '😀😀')).toEqual([]);
		expect(v({ minLength: 2 }, '😀')).toHaveLength(1);
		// Length keywords apply to strings only.
		expect(v({ minLength: 2 }, 1)).toEqual([]);
	});

	it('checks pattern as a unicode regular expression and ignores a broken one', () => {
		const ssn = { type: 'string', pattern: '^\\d{3}-\\d{2}-\\d{4}$' };
		expect(v(ssn, '123-45-6789')).toEqual([]);
		expect(v(ssn, '123456789')).toEqual([
			{ path: '', message: 'is not in the expected format (^\\d{3}-\\d{2}-\\d{4}$)' },
		]);
		expect(v({ pattern: 'ber' }, 'Berlin berlin')).toEqual([]);
		expect(v({ pattern: '^\\p{Lu}' }, 'Élodie')).toEqual([]);
		expect(v({ pattern: '([' }, 'x')).toEqual([]);
	});

	it('checks formats: date is a real calendar date', () => {
		const date = { type: 'string', format: 'date' };
		for (const ok of ['2025-01-31', '2024-02-29', '2000-02-29', '2025-12-31'])
			expect([ok, v(date, ok)]).toEqual([ok, []]);
		for (const bad of [
			'2025-13-40',
			'2025-02-30',
			'2023-02-29',
			'1900-02-29',
			'2025-04-31',
			'2025-00-10',
			'2025-01-00',
			'2025-1-5',
			'20250105',
			'2025-01-05T00:00:00Z',
			' 2025-01-05',
			'',
		]) {
			expect([bad, v(date, bad)]).toEqual([
				bad,
				[{ path: '', message: 'must be a date (YYYY-MM-DD)' }],
			]);
		}
		// Formats apply to strings only.
		expect(v({ format: 'date' }, 20250105)).toEqual([]);
	});

	it('checks formats: date-time, time, email, uuid; unknown formats pass', () => {
		const dateTime = { format: 'date-time' };
		for (const ok of [
			'2025-06-01T09:00:00Z',
			'2025-06-01t09:00:00.123+02:00',
			'2025-06-01 09:00:00-05:30',
			'2016-12-31T23:59:60Z',
			'2016-12-31T18:59:60-05:00',
		]) {
			expect([ok, v(dateTime, ok)]).toEqual([ok, []]);
		}
		for (const bad of [
			'2025-06-01T09:00:00',
			'2025-06-01T24:00:00Z',
			'2025-02-30T09:00:00Z',
			'2025-06-01T09:60:00Z',
			'2025-06-01T12:59:60Z',
			'2025-06-01',
			'yesterday',
		]) {
			expect([bad, v(dateTime, bad)]).toEqual([
				bad,
				[{ path: '', message: 'must be a date and time (YYYY-MM-DDTHH:MM:SSZ)' }],
			]);
		}
		expect(v({ format: 'time' }, '09:30:00Z')).toEqual([]);
		expect(v({ format: 'time' }, '09:30')).toHaveLength(1);
		const email = { format: 'email' };
		for (const ok of [
			'jane.doe@example.com',
			'j+tag@sub.example.co.uk',
			"o'brien@example.ie",
			'X@Y.IO',
		])
			expect([ok, v(email, ok)]).toEqual([ok, []]);
		for (const bad of [
			'jane',
			'jane@',
			'@example.com',
			'jane@example',
			'jane@@example.com',
			'jane doe@example.com',
			'jane..doe@example.com',
			'.jane@example.com',
			'jane@-example.com',
			'jane@example..com',
			'jané@example.com',
		]) {
			expect([bad, v(email, bad)]).toEqual([
				bad,
				[{ path: '', message: 'must be an email address' }],
			]);
		}
		expect(v({ format: 'uuid' }, '3fa85f64-5717-4562-b3fc-2c963f66afa6')).toEqual([]);
		expect(v({ format: 'uuid' }, '3fa85f64')).toHaveLength(1);
		expect(v({ format: 'x-remote-money' }, 'anything')).toEqual([]);
	});

	it('checks numeric bounds (draft 6+ numbers and draft 4 booleans)', () => {
		expect(v({ minimum: 1 }, 1)).toEqual([]);
		expect(v({ minimum: 1 }, 0)).toEqual([{ path: '', message: 'must be at least 1' }]);
		expect(v({ maximum: 48 }, 48.5)).toEqual([{ path: '', message: 'must be at most 48' }]);
		expect(v({ exclusiveMinimum: 0 }, 0)).toEqual([
			{ path: '', message: 'must be greater than 0' },
		]);
		expect(v({ exclusiveMaximum: 61 }, 61)).toEqual([
			{ path: '', message: 'must be less than 61' },
		]);
		expect(v({ exclusiveMaximum: 61 }, 60.9)).toEqual([]);
		expect(v({ minimum: 0, exclusiveMinimum: true }, 0)).toEqual([
			{ path: '', message: 'must be greater than 0' },
		]);
		expect(v({ maximum: 5, exclusiveMaximum: true }, 5)).toEqual([
			{ path: '', message: 'must be less than 5' },
		]);
		expect(v({ multipleOf: 0.01 }, 10.1)).toEqual([]);
		expect(v({ multipleOf: 0.5 }, 10.2)).toEqual([
			{ path: '', message: 'must be a multiple of 0.5' },
		]);
		expect(v({ minimum: 5 }, '1')).toEqual([]);
	});

	it('checks arrays: items, tuples, sizes and uniqueness', () => {
		const countries = {
			type: 'array',
			minItems: 1,
			maxItems: 3,
			uniqueItems: true,
			items: { enum: ['DEU', 'FRA', 'NLD', 'POL'] },
		};
		expect(v(countries, ['DEU', 'FRA'])).toEqual([]);
		expect(v(countries, [])).toEqual([{ path: '', message: 'must not be empty' }]);
		expect(v(countries, ['DEU', 'FRA', 'NLD', 'POL'])).toEqual([
			{ path: '', message: 'must have at most 3 items' },
		]);
		expect(v(countries, ['DEU', 'DEU'])).toEqual([
			{ path: '', message: 'must not contain duplicates' },
		]);
		expect(v(countries, ['DEU', 'XXX'], 'tax_servicing_countries')).toEqual([
			{ path: 'tax_servicing_countries[1]', message: 'must be one of: DEU, FRA, NLD, POL' },
		]);
		expect(
			v({ uniqueItems: true }, [
				{ a: 1, b: 2 },
				{ b: 2, a: 1 },
			]),
		).toHaveLength(1);
		expect(v({ uniqueItems: true }, [{ a: 1 }, { a: 2 }, 1, '1'])).toEqual([]);
		expect(v({ minItems: 2 }, [1])).toEqual([{ path: '', message: 'must have at least 2 items' }]);
		const tuple = { items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false };
		expect(v(tuple, ['a', 1])).toEqual([]);
		expect(v(tuple, ['a', 'b'])).toEqual([{ path: '[1]', message: 'must be a whole number' }]);
		expect(v(tuple, ['a', 1, 2])).toEqual([{ path: '', message: 'must have at most 2 items' }]);
		const people = { type: 'array', items: { type: 'object', required: ['name'] } };
		expect(v(people, [{ name: 'a' }, {}], 'dependents')).toEqual([
			{ path: 'dependents[1].name', message: 'is required' },
		]);
	});

	it('checks minProperties, maxProperties and dependentRequired', () => {
		expect(v({ minProperties: 1 }, {})).toEqual([
			{ path: '', message: 'must have at least 1 fields' },
		]);
		expect(v({ maxProperties: 1 }, { a: 1, b: 2 })).toHaveLength(1);
		const schema = { dependentRequired: { bank_account: ['bank_name'] } };
		expect(v(schema, { bank_account: 'x' })).toEqual([
			{ path: 'bank_name', message: 'is required when bank_account is given' },
		]);
		expect(v(schema, {})).toEqual([]);
	});

	it('follows $ref into definitions and $defs, and the root itself', () => {
		const schema = {
			type: 'object',
			properties: {
				home: { $ref: '#/definitions/address' },
				work: { $ref: '#/$defs/address' },
				manager: { $ref: '#' },
				'a/b': { $ref: '#/definitions/weird~1name' },
			},
			definitions: {
				address: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
				'weird/name': { type: 'integer' },
			},
			$defs: { address: { $ref: '#/definitions/address' } },
		};
		expect(
			v(schema, {
				home: { city: 'Berlin' },
				work: { city: 'Paris' },
				manager: { home: { city: 'Rome' } },
			}),
		).toEqual([]);
		expect(v(schema, { home: {}, work: { city: 1 }, manager: { home: {} }, 'a/b': 'x' })).toEqual([
			{ path: 'home.city', message: 'is required' },
			{ path: 'work.city', message: 'must be text' },
			{ path: 'manager.home.city', message: 'is required' },
			{ path: 'a/b', message: 'must be a whole number' },
		]);
	});

	it('reports a reference it cannot resolve and survives reference loops', () => {
		expect(v({ $ref: '#/definitions/missing' }, 1)).toEqual([
			{ path: '', message: 'cannot be checked: unknown schema reference #/definitions/missing' },
		]);
		expect(v({ $ref: 'https://example.com/schema.json' }, 1)).toHaveLength(1);
		const loop = {
			definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } },
			$ref: '#/definitions/a',
		};
		expect(v(loop, 1)).toEqual([
			{ path: '', message: 'cannot be checked: the schema is nested too deeply' },
		]);
		const explosive = { allOf: [{ $ref: '#' }, { $ref: '#' }] };
		const started = Date.now();
		expect(v(explosive, 1).length).toBeGreaterThan(0);
		expect(Date.now() - started).toBeLessThan(10_000);
	});

	it('ignores annotations and unknown keywords', () => {
		const schema = {
			type: 'string',
			title: 'Job title',
			description: 'As shown on the contract',
			'x-jsf-presentation': { inputType: 'text' },
			'x-jsf-logic': { computedValues: {} },
			deprecated: true,
			examples: ['Engineer'],
		};
		expect(v(schema, 'Engineer')).toEqual([]);
	});

	it('ignores malformed keyword values instead of throwing', () => {
		const schema = {
			required: 'name',
			properties: [],
			enum: 'x',
			minLength: '3',
			items: 5,
			allOf: {},
			type: 7,
		};
		expect(() => v(schema, { a: 1 })).not.toThrow();
		expect(() => v(null, null)).not.toThrow();
		expect(() => v('schema', 1)).not.toThrow();
	});

	it('does not repeat the same issue twice', () => {
		const schema = { allOf: [{ required: ['a'] }, { required: ['a'] }] };
		expect(v(schema, {})).toEqual([{ path: 'a', message: 'is required' }]);
	});

	it('describes issues in one line', () => {
		expect(
			describeIssues([
				{ path: 'name', message: 'is required' },
				{ path: '', message: 'must be an object' },
			]),
		).toBe('name is required; must be an object');
	});
});

describe('requiredFieldsMissing', () => {
	const schema = {
		type: 'object',
		required: ['name', 'email', 'address'],
		properties: {
			email: { type: 'string', format: 'email' },
			address: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
			has_seniority_date: { enum: ['yes', 'no'] },
		},
		if: { properties: { has_seniority_date: { const: 'yes' } }, required: ['has_seniority_date'] },
		then: { required: ['seniority_date'] },
	};

	it('lists missing required paths only, including nested and conditional ones', () => {
		expect(
			requiredFieldsMissing(schema, { email: 'bad', address: {}, has_seniority_date: 'yes' }),
		).toEqual(['name', 'address.city', 'seniority_date']);
		expect(
			requiredFieldsMissing(schema, { name: 'a', email: 'a@b.co', address: { city: 'x' } }),
		).toEqual([]);
	});

	it('treats a missing or non-object value as empty', () => {
		expect(requiredFieldsMissing(schema, undefined)).toEqual(['name', 'email', 'address']);
		expect(requiredFieldsMissing(schema, 'x')).toEqual(['name', 'email', 'address']);
	});
});

// ---- differential test against ajv --------------------------------------------------------------

const COUNTRY_CODES = ['DEU', 'AUT', 'CHE', 'FRA', 'NLD', 'POL', 'ESP', 'ITA', 'USA', 'GBR'];

/** Germany's employment_basic_information, in the shape Remote's json-schema-form schemas have. */
const DEU_BASIC_INFORMATION = {
	type: 'object',
	additionalProperties: false,
	required: [
		'name',
		'email',
		'job_title',
		'provisional_start_date',
		'has_seniority_date',
		'mobile_number',
		'tax_servicing_countries',
		'tax_job_category',
	],
	properties: {
		name: {
			type: 'string',
			title: 'Full name',
			minLength: 1,
			maxLength: 255,
			'x-jsf-presentation': { inputType: 'text' },
		},
		email: { type: 'string', format: 'email', title: 'Personal email', maxLength: 255 },
		job_title: { type: 'string', title: 'Job title', minLength: 1, maxLength: 255 },
		provisional_start_date: {
			type: 'string',
			format: 'date',
			title: 'Provisional start date',
			'x-jsf-presentation': { inputType: 'date', minDate: '2025-01-01' },
		},
		has_seniority_date: {
			type: 'string',
			title: 'Does the employee have a seniority date?',
			oneOf: [
				{ const: 'yes', title: 'Yes' },
				{ const: 'no', title: 'No' },
			],
			'x-jsf-presentation': { inputType: 'radio' },
		},
		seniority_date: { type: 'string', format: 'date', title: 'Seniority date' },
		mobile_number: { type: 'string', pattern: '^\\+[1-9]\\d{6,14}$', title: 'Mobile number' },
		tax_servicing_countries: {
			type: 'array',
			minItems: 1,
			uniqueItems: true,
			items: { type: 'string', enum: COUNTRY_CODES },
		},
		tax_job_category: {
			type: 'string',
			oneOf: [
				{ const: 'management', title: 'Management' },
				{ const: 'engineering', title: 'Engineering' },
				{ const: 'sales', title: 'Sales' },
				{ const: 'other', title: 'Other' },
			],
		},
		department: { type: ['string', 'null'], maxLength: 100 },
	},
	if: { properties: { has_seniority_date: { const: 'yes' } }, required: ['has_seniority_date'] },
	then: { required: ['seniority_date'] },
	else: { properties: { seniority_date: false } },
};

const USA_ADDRESS_DETAILS = {
	type: 'object',
	additionalProperties: false,
	required: ['address', 'city', 'state', 'zip_code'],
	properties: {
		address: { type: 'string', minLength: 1, maxLength: 255, title: 'Address' },
		address_line_2: { type: ['string', 'null'], maxLength: 255 },
		city: { type: 'string', minLength: 1, maxLength: 100 },
		state: {
			type: 'string',
			enum: US_STATES,
			title: 'State',
			'x-jsf-presentation': { inputType: 'select' },
		},
		zip_code: { type: 'string', pattern: '^\\d{5}(-\\d{4})?$', title: 'ZIP code' },
		country: { type: 'string', const: 'USA' },
	},
};

const USA_ADMINISTRATIVE_DETAILS = {
	type: 'object',
	additionalProperties: false,
	required: ['ssn', 'date_of_birth', 'marital_status', 'emergency_contact'],
	properties: {
		ssn: {
			type: 'string',
			pattern: '^(?!000|666|9\\d{2})\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}$',
			title: 'Social Security Number',
		},
		date_of_birth: { type: 'string', format: 'date' },
		marital_status: {
			type: 'string',
			oneOf: [
				{ const: 'single' },
				{ const: 'married' },
				{ const: 'divorced' },
				{ const: 'widowed' },
			],
		},
		w4_filing_status: {
			type: 'string',
			enum: ['single_or_married_separately', 'married_jointly', 'head_of_household'],
		},
		dependents_amount: { type: 'number', minimum: 0 },
		emergency_contact: { $ref: '#/definitions/contact' },
		signed_at: { type: 'string', format: 'date-time' },
	},
	definitions: {
		contact: {
			type: 'object',
			additionalProperties: false,
			required: ['name', 'phone'],
			properties: {
				name: { type: 'string', minLength: 1 },
				phone: { type: 'string', pattern: '^\\+?[0-9 ()-]{7,20}$' },
				relationship: { type: 'string', enum: ['spouse', 'parent', 'sibling', 'friend', 'other'] },
				email: { type: ['string', 'null'], format: 'email' },
			},
		},
	},
};

const CONTRACT_DETAILS = {
	type: 'object',
	additionalProperties: false,
	required: [
		'annual_gross_salary',
		'contract_duration_type',
		'work_hours_per_week',
		'role_description',
	],
	$defs: { money: { type: 'integer', minimum: 1, maximum: 100000000 } },
	properties: {
		annual_gross_salary: { $ref: '#/$defs/money', title: 'Annual gross salary (in cents)' },
		signing_bonus: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/money' }] },
		contract_duration_type: {
			type: 'string',
			oneOf: [{ const: 'indefinite' }, { const: 'fixed_term' }],
		},
		contract_end_date: { type: 'string', format: 'date' },
		work_hours_per_week: { type: 'number', exclusiveMinimum: 0, maximum: 48 },
		probation_length_days: { type: 'integer', minimum: 0, maximum: 180 },
		role_description: { type: 'string', minLength: 20, maxLength: 2000 },
		paid_time_off_days: { type: 'integer', minimum: 20, exclusiveMaximum: 61 },
		benefits: {
			type: 'array',
			maxItems: 3,
			uniqueItems: true,
			items: {
				type: 'object',
				additionalProperties: false,
				required: ['name'],
				properties: {
					name: { type: 'string', enum: ['health', 'dental', 'pension', 'meal'] },
					tier: { enum: ['basic', 'premium'] },
				},
			},
		},
	},
	allOf: [
		{
			if: {
				properties: { contract_duration_type: { const: 'fixed_term' } },
				required: ['contract_duration_type'],
			},
			then: { required: ['contract_end_date'] },
			else: { properties: { contract_end_date: false } },
		},
	],
};

const GBR_PAYROLL_DETAILS = {
	type: 'object',
	additionalProperties: false,
	required: ['ni_number', 'pension_opt_in', 'student_loan_plan'],
	properties: {
		ni_number: { type: 'string', pattern: '^[A-CEGHJ-PR-TW-Z]{2}\\d{6}[A-D]$' },
		pension_opt_in: { type: 'boolean' },
		pension_contribution_percent: { type: 'number', nullable: true, minimum: 0, maximum: 100 },
		student_loan_plan: {
			type: 'string',
			enum: ['none', 'plan_1', 'plan_2', 'plan_4', 'postgraduate'],
		},
		previous_employment: {
			type: 'object',
			nullable: true,
			required: ['p45_tax_code', 'leaving_date'],
			properties: {
				p45_tax_code: { type: 'string', pattern: '^[0-9]{1,4}[A-Z]{1,2}$' },
				leaving_date: { type: 'string', format: 'date' },
				total_pay: { type: 'number', minimum: 0 },
			},
		},
		starter_declaration: {
			type: 'string',
			oneOf: [{ const: 'A' }, { const: 'B' }, { const: 'C' }],
		},
		tags: { type: 'array', maxItems: 5, items: { type: 'string', maxLength: 20 } },
	},
	allOf: [
		{
			if: { properties: { pension_opt_in: { const: true } }, required: ['pension_opt_in'] },
			then: { required: ['pension_contribution_percent'] },
		},
		{
			if: {
				properties: { previous_employment: { type: 'object' } },
				required: ['previous_employment'],
			},
			then: { properties: { starter_declaration: false } },
			else: { required: ['starter_declaration'] },
		},
	],
};

const NLD_BANK_ACCOUNT = {
	type: 'object',
	required: ['account_holder', 'iban', 'currency', 'payment_schedule'],
	properties: {
		account_holder: { type: 'string', minLength: 2, maxLength: 70 },
		iban: { type: 'string', pattern: '^[A-Z]{2}\\d{2}[A-Z0-9]{11,30}$' },
		bic: { type: ['string', 'null'], pattern: '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$' },
		currency: { const: 'EUR' },
		payment_schedule: {
			type: 'object',
			additionalProperties: false,
			required: ['frequency'],
			properties: {
				frequency: { enum: ['monthly', 'semi_monthly'] },
				first_payment_on: { type: 'string', format: 'date' },
			},
		},
		verified_at: { type: 'string', format: 'date-time' },
		allocation_percent: { type: 'integer', minimum: 1, maximum: 100 },
	},
	additionalProperties: { type: 'string', maxLength: 50 },
};

const WORK_SCHEDULE = {
	type: 'object',
	additionalProperties: false,
	required: ['work_schedule', 'work_address'],
	definitions: {
		address: {
			type: 'object',
			required: ['country', 'city'],
			properties: {
				country: { type: 'string', enum: COUNTRY_CODES },
				city: { type: 'string', minLength: 1 },
				postal_code: { type: 'string' },
			},
		},
	},
	properties: {
		work_schedule: {
			oneOf: [
				{
					type: 'object',
					additionalProperties: false,
					required: ['type', 'hours'],
					properties: {
						type: { const: 'full_time' },
						hours: { type: 'number', minimum: 35, maximum: 48 },
					},
				},
				{
					type: 'object',
					additionalProperties: false,
					required: ['type', 'hours'],
					properties: {
						type: { const: 'part_time' },
						hours: { type: 'number', minimum: 1, maximum: 34.5 },
					},
				},
			],
		},
		work_address: { $ref: '#/definitions/address' },
		remote_days: {
			type: 'array',
			uniqueItems: true,
			items: { type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri'] },
		},
		start_time: { type: ['string', 'null'], pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
	},
};

type Rng = () => number;

/** mulberry32: a small seeded generator, so every run checks the same payloads. */
function seeded(seed: number): Rng {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

type Candidate = unknown | ((rng: Rng) => unknown);

interface FieldSpec {
	/** Values that satisfy the field's own schema. */
	good: Candidate[];
	/** Values that break it (or break it in some combinations). */
	bad: Candidate[];
}

const BAD_DATES = [
	'2025-13-40',
	'2025-02-30',
	'2023-02-29',
	'2025-04-31',
	'2025-1-5',
	'20250105',
	'05/01/2025',
	'2025-06-01T09:00:00Z',
];
const GOOD_DATES = ['2025-06-01', '2024-02-29', '2026-01-15', '1990-12-31'];
const WRONG_TYPES = [42, 1.5, true, null, '', [], {}, 'text'];

/**
 * A deep copy made in this realm: jest runs tests in a separate realm, and ajv's deep equality
 * (fast-deep-equal compares `valueOf`) misses duplicates between objects from structuredClone.
 */
function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

function resolve(candidate: Candidate, rng: Rng): unknown {
	return typeof candidate === 'function'
		? (candidate as (r: Rng) => unknown)(rng)
		: clone(candidate);
}

const contact = (rng: Rng): Record<string, unknown> => {
	const value: Record<string, unknown> = {
		name: pick(rng, ['Max Muster', 'A']),
		phone: pick(rng, ['+1 (555) 123-4567', '5551234567']),
	};
	if (rng() < 0.5) value.relationship = pick(rng, ['spouse', 'parent', 'friend']);
	if (rng() < 0.3) value.email = pick(rng, ['max@example.com', null]);
	return value;
};

interface Scenario {
	name: string;
	schema: Record<string, unknown>;
	fields: Record<string, FieldSpec>;
	optional: string[];
	extras: string[];
	/** Makes a clean payload satisfy the schema's if/then/else rules. */
	consistent?: (payload: Record<string, unknown>) => void;
}

const SCENARIOS: Scenario[] = [
	{
		name: 'DEU employment_basic_information',
		schema: DEU_BASIC_INFORMATION,
		optional: ['seniority_date', 'department'],
		extras: ['nickname', 'manager_email'],
		consistent: (payload) => {
			if (payload.has_seniority_date === 'yes') payload.seniority_date ??= '2019-04-01';
			else delete payload.seniority_date;
		},
		fields: {
			name: { good: ['Erika Mustermann', 'Jürgen Weiß', 'A'], bad: ['', 'x'.repeat(256)] },
			email: {
				good: ['erika@example.de', 'e.m+hr@mail.example.com'],
				bad: ['erika', 'erika@localhost', 'erika@@example.de'],
			},
			job_title: { good: ['Engineer', 'Head of People'], bad: [''] },
			provisional_start_date: { good: GOOD_DATES, bad: BAD_DATES },
			has_seniority_date: { good: ['yes', 'no'], bad: ['Yes', 'maybe', true] },
			seniority_date: { good: GOOD_DATES, bad: BAD_DATES },
			mobile_number: {
				good: ['+4915112345678', '+12025550123'],
				bad: ['015112345678', '+0151123', '+49 151 1234567'],
			},
			tax_servicing_countries: {
				good: [['DEU'], ['DEU', 'AUT'], (rng: Rng) => [pick(rng, COUNTRY_CODES)]],
				bad: [[], ['DEU', 'DEU'], ['DEU', 'XXX'], ['de'], 'DEU', [1]],
			},
			tax_job_category: {
				good: ['management', 'engineering', 'sales', 'other'],
				bad: ['Engineering', 'hr', 0],
			},
			department: { good: ['Platform', null], bad: [5, 'd'.repeat(101)] },
		},
	},
	{
		name: 'USA address_details',
		schema: USA_ADDRESS_DETAILS,
		optional: ['address_line_2', 'country'],
		extras: ['county', 'street'],
		fields: {
			address: { good: ['1600 Pennsylvania Ave NW', '1 Main St'], bad: ['', 1600] },
			address_line_2: { good: ['Apt 4', null], bad: [4] },
			city: { good: ['Washington', 'Austin'], bad: ['', 'c'.repeat(101)] },
			state: {
				good: ['DC', 'TX', 'NY', (rng: Rng) => pick(rng, US_STATES)],
				bad: ['Texas', 'tx', 'XX', 'PR'],
			},
			zip_code: { good: ['20500', '73301-0001'], bad: ['2050', '20500-1', 20500, '20500 0001'] },
			country: { good: ['USA'], bad: ['US', 'usa'] },
		},
	},
	{
		name: 'USA administrative_details',
		schema: USA_ADMINISTRATIVE_DETAILS,
		optional: ['w4_filing_status', 'dependents_amount', 'signed_at'],
		extras: ['ssn_last4', 'notes'],
		fields: {
			ssn: {
				good: ['123-45-6789', '078-05-1120'],
				bad: [
					'123456789',
					'000-12-3456',
					'666-12-3456',
					'900-12-3456',
					'123-00-4567',
					'123-45-0000',
				],
			},
			date_of_birth: { good: GOOD_DATES, bad: BAD_DATES },
			marital_status: {
				good: ['single', 'married', 'divorced', 'widowed'],
				bad: ['Single', 'partnered'],
			},
			w4_filing_status: { good: ['married_jointly', 'head_of_household'], bad: ['married'] },
			dependents_amount: { good: [0, 2000, 4500.5], bad: [-1, '2000'] },
			emergency_contact: {
				good: [contact],
				bad: [
					(rng: Rng) => ({ ...contact(rng), relationship: 'cousin' }),
					(rng: Rng) => ({ ...contact(rng), phone: 'call me' }),
					(rng: Rng) => ({ ...contact(rng), extra: 1 }),
					(rng: Rng) => ({ ...contact(rng), email: 'nope' }),
					{ name: '', phone: '5551234567' },
					{ phone: '5551234567' },
					'Max, +1 555',
				],
			},
			signed_at: {
				good: ['2025-06-01T09:00:00Z', '2025-06-01T09:00:00.5+02:00', '2025-06-01 09:00:00-05:00'],
				bad: [
					'2025-06-01T09:00:00',
					'2025-06-01',
					'2025-06-31T09:00:00Z',
					'2025-06-01T25:00:00Z',
					'2025-06-01T09:00:60Z',
				],
			},
		},
	},
	{
		name: 'contract_details',
		schema: CONTRACT_DETAILS,
		optional: [
			'signing_bonus',
			'contract_end_date',
			'probation_length_days',
			'paid_time_off_days',
			'benefits',
		],
		extras: ['currency', 'salary'],
		consistent: (payload) => {
			if (payload.contract_duration_type === 'fixed_term')
				payload.contract_end_date ??= '2026-12-31';
			else delete payload.contract_end_date;
		},
		fields: {
			annual_gross_salary: {
				good: [6000000, 1, 100000000, (rng: Rng) => 1 + Math.floor(rng() * 1e7)],
				bad: [0, -100, 6000000.5, '6000000', 100000001],
			},
			signing_bonus: { good: [null, 500000], bad: [0, 1.5, '500'] },
			contract_duration_type: {
				good: ['indefinite', 'fixed_term'],
				bad: ['permanent', 'Fixed_term'],
			},
			contract_end_date: { good: GOOD_DATES, bad: BAD_DATES },
			work_hours_per_week: { good: [40, 37.5, 48, 0.5], bad: [0, -1, 48.5, '40'] },
			probation_length_days: { good: [0, 90, 180], bad: [181, -1, 30.5] },
			role_description: {
				good: ['Builds and runs the payroll integration.', 'r'.repeat(2000)],
				bad: ['Too short', 'r'.repeat(2001)],
			},
			paid_time_off_days: { good: [20, 30, 60], bad: [19, 61, 25.5] },
			benefits: {
				good: [[], [{ name: 'health' }], [{ name: 'health', tier: 'premium' }, { name: 'dental' }]],
				bad: [
					[{ name: 'health' }, { name: 'health' }],
					[{ name: 'gym' }],
					[{ tier: 'basic' }],
					[{ name: 'health', tier: 'gold' }],
					[{ name: 'health', cost: 10 }],
					[{ name: 'health' }, { name: 'dental' }, { name: 'pension' }, { name: 'meal' }],
					['health'],
				],
			},
		},
	},
	{
		name: 'GBR payroll_details',
		schema: GBR_PAYROLL_DETAILS,
		optional: [
			'pension_contribution_percent',
			'previous_employment',
			'starter_declaration',
			'tags',
		],
		extras: ['tax_code'],
		consistent: (payload) => {
			if (payload.pension_opt_in === true) payload.pension_contribution_percent ??= 5;
			if (payload.previous_employment && typeof payload.previous_employment === 'object')
				delete payload.starter_declaration;
			else payload.starter_declaration ??= 'A';
		},
		fields: {
			ni_number: {
				good: ['AB123456C', 'JG103759A'],
				bad: ['QQ123456C', 'AB 12 34 56 C', 'DA123456A', 'qq123456c', 'QQ123456E'],
			},
			pension_opt_in: { good: [true, false], bad: ['yes', 1] },
			pension_contribution_percent: { good: [5, 0, 100, null, 3.5], bad: [101, -1, '5'] },
			student_loan_plan: { good: ['none', 'plan_2', 'postgraduate'], bad: ['plan_3', 'Plan_1'] },
			previous_employment: {
				good: [
					null,
					{ p45_tax_code: '1257L', leaving_date: '2025-03-31' },
					{ p45_tax_code: '1257L', leaving_date: '2024-02-29', total_pay: 12000 },
				],
				bad: [
					{ p45_tax_code: '1257', leaving_date: '2025-03-31' },
					{ p45_tax_code: '1257L', leaving_date: '2025-02-30' },
					{ p45_tax_code: '1257L' },
					{ p45_tax_code: '1257L', leaving_date: '2025-03-31', total_pay: -5 },
					'P45',
				],
			},
			starter_declaration: { good: ['A', 'B', 'C'], bad: ['D', 'a'] },
			tags: {
				good: [[], ['relocation'], ['a', 'a']],
				bad: [['x'.repeat(21)], ['a', 'b', 'c', 'd', 'e', 'f'], [1]],
			},
		},
	},
	{
		name: 'NLD bank_account',
		schema: NLD_BANK_ACCOUNT,
		optional: ['bic', 'verified_at', 'allocation_percent'],
		extras: ['nickname', 'note', 'bank_name'],
		fields: {
			account_holder: { good: ['Jan de Vries', 'Zoë Bakker'], bad: ['J', 'x'.repeat(71)] },
			iban: {
				good: ['NL91ABNA0417164300', 'DE89370400440532013000'],
				bad: ['NL91 ABNA 0417 1643 00', 'nl91abna0417164300', 'NL91ABNA'],
			},
			bic: { good: ['ABNANL2A', 'DEUTDEFF500', null], bad: ['ABNA', 'abnanl2a'] },
			currency: { good: ['EUR'], bad: ['USD', 'eur'] },
			payment_schedule: {
				good: [
					{ frequency: 'monthly' },
					{ frequency: 'semi_monthly', first_payment_on: '2025-06-25' },
				],
				bad: [
					{ frequency: 'weekly' },
					{},
					{ frequency: 'monthly', first_payment_on: '2025-06-31' },
					{ frequency: 'monthly', day: 25 },
				],
			},
			verified_at: { good: ['2025-06-01T09:00:00Z'], bad: ['2025-06-01', 'now'] },
			allocation_percent: { good: [1, 100, 50], bad: [0, 101, 50.5] },
		},
	},
	{
		name: 'work schedule and address',
		schema: WORK_SCHEDULE,
		optional: ['remote_days', 'start_time'],
		extras: ['shift'],
		fields: {
			work_schedule: {
				good: [
					{ type: 'full_time', hours: 40 },
					{ type: 'part_time', hours: 20 },
					{ type: 'part_time', hours: 34.5 },
				],
				bad: [
					{ type: 'full_time', hours: 20 },
					{ type: 'part_time', hours: 35 },
					{ type: 'freelance', hours: 10 },
					{ type: 'full_time' },
					{ type: 'full_time', hours: 40, flexible: true },
					'full_time',
				],
			},
			work_address: {
				good: [
					{ country: 'DEU', city: 'Berlin' },
					{ country: 'NLD', city: 'Utrecht', postal_code: '3511' },
					{ country: 'FRA', city: 'Lyon', floor: 3 },
				],
				bad: [
					{ country: 'Germany', city: 'Berlin' },
					{ city: 'Berlin' },
					{ country: 'DEU', city: '' },
					{ country: 'DEU', city: 'Berlin', postal_code: 10115 },
				],
			},
			remote_days: { good: [['mon'], ['mon', 'fri'], []], bad: [['mon', 'mon'], ['sat'], 'mon'] },
			start_time: { good: ['09:00', '23:59', null], bad: ['24:00', '9:00', '09:60'] },
		},
	},
];

/** One payload: mostly realistic, with each field sometimes dropped, broken, retyped or joined by extras. */
function generate(scenario: Scenario, rng: Rng): Record<string, unknown> {
	const payload: Record<string, unknown> = {};
	const clean = rng() < 0.35;
	for (const [field, spec] of Object.entries(scenario.fields)) {
		const optional = scenario.optional.includes(field);
		const roll = rng();
		if (optional && rng() < 0.5) continue;
		if (clean || roll < 0.72) payload[field] = resolve(pick(rng, spec.good), rng);
		else if (roll < 0.8) continue;
		else if (roll < 0.93) payload[field] = resolve(pick(rng, spec.bad), rng);
		else payload[field] = resolve(pick(rng, WRONG_TYPES), rng);
	}
	if (clean || rng() < 0.3) scenario.consistent?.(payload);
	if (!clean && rng() < 0.2)
		payload[pick(rng, scenario.extras)] = pick(rng, ['x', 1, null, 'y'.repeat(60)]);
	if (!clean && rng() < 0.1) {
		// Break a nested object or list in place: drop, retype or add a key, or repeat an item.
		const key = pick(rng, Object.keys(payload));
		const target = key === undefined ? undefined : payload[key];
		if (Array.isArray(target) && target.length) target.push(clone(target[0]));
		else if (target && typeof target === 'object') {
			const record = target as Record<string, unknown>;
			const inner = pick(rng, Object.keys(record));
			const action = rng();
			if (inner !== undefined && action < 0.4) delete record[inner];
			else if (inner !== undefined && action < 0.7) record[inner] = pick(rng, WRONG_TYPES);
			else record.unexpected = 'x';
		}
	}
	return payload;
}

function ourTopLevelPaths(issues: SchemaIssue[]): string[] {
	return [
		...new Set(issues.map((issue) => issue.path.split(/[.[]/)[0]).filter((path) => path !== '')),
	].sort();
}

function decodePointerToken(token: string): string {
	return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The top-level property each ajv error is about (root-level summaries such as "must match then" are skipped). */
function ajvTopLevelPaths(errors: ErrorObject[] | null | undefined): string[] {
	const paths = new Set<string>();
	for (const error of errors ?? []) {
		const segments = error.instancePath.split('/').slice(1).map(decodePointerToken);
		if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
		if (error.keyword === 'additionalProperties')
			segments.push(String(error.params.additionalProperty));
		if (segments.length) paths.add(segments[0]);
	}
	return [...paths].sort();
}

describe('validateAgainstSchema agrees with ajv 8 on realistic Remote schemas', () => {
	const ajv = new Ajv({ allErrors: true, strict: false });
	addFormats(ajv);
	const PER_SCENARIO = 150;

	it.each(SCENARIOS.map((scenario, index) => [scenario.name, scenario, index] as const))(
		'%s: generated payloads',
		(_name, scenario, index) => {
			const validate = ajv.compile(scenario.schema);
			const rng = seeded(0x5eed + index * 7919);
			let valid = 0;
			const mismatches: unknown[] = [];
			for (let run = 0; run < PER_SCENARIO; run++) {
				const payload = generate(scenario, rng);
				const ajvValid = validate(payload) as boolean;
				const expected = { valid: ajvValid, paths: ajvTopLevelPaths(validate.errors) };
				const issues = validateAgainstSchema(scenario.schema, payload);
				const actual = { valid: issues.length === 0, paths: ourTopLevelPaths(issues) };
				if (ajvValid) valid++;
				if (JSON.stringify(actual) !== JSON.stringify(expected)) {
					mismatches.push({ payload, expected, actual, issues, ajvErrors: validate.errors });
				}
			}
			expect(mismatches.slice(0, 3)).toEqual([]);
			// The generator must exercise both verdicts.
			expect(valid).toBeGreaterThanOrEqual(PER_SCENARIO * 0.15);
			expect(PER_SCENARIO - valid).toBeGreaterThanOrEqual(PER_SCENARIO * 0.3);
		},
	);

	it('agrees on the hand-picked edge cases of each schema', () => {
		const cases: Array<[Record<string, unknown>, unknown]> = [
			[DEU_BASIC_INFORMATION, {}],
			[DEU_BASIC_INFORMATION, { has_seniority_date: 'no', seniority_date: '2020-01-01' }],
			[DEU_BASIC_INFORMATION, { has_seniority_date: 'yes' }],
			[
				USA_ADDRESS_DETAILS,
				{ address: 'a', city: 'b', state: 'ZZ', zip_code: '1234', extra: true },
			],
			[
				CONTRACT_DETAILS,
				{
					annual_gross_salary: 1.5,
					contract_duration_type: 'fixed_term',
					work_hours_per_week: 0,
					role_description: 'x',
				},
			],
			[
				GBR_PAYROLL_DETAILS,
				{
					ni_number: 'QQ123456C',
					pension_opt_in: true,
					student_loan_plan: 'none',
					previous_employment: null,
				},
			],
			[
				WORK_SCHEDULE,
				{
					work_schedule: { type: 'part_time', hours: 40 },
					work_address: { country: 'DEU', city: 'Berlin' },
				},
			],
			[
				NLD_BANK_ACCOUNT,
				{
					account_holder: 'Jan',
					iban: 'NL91ABNA0417164300',
					currency: 'EUR',
					payment_schedule: { frequency: 'monthly' },
					note: 5,
				},
			],
		];
		for (const [schema, payload] of cases) {
			const validate = ajv.compile(schema);
			const ajvValid = validate(payload) as boolean;
			const issues = validateAgainstSchema(schema, payload);
			expect({ payload, valid: issues.length === 0, paths: ourTopLevelPaths(issues) }).toEqual({
				payload,
				valid: ajvValid,
				paths: ajvTopLevelPaths(validate.errors),
			});
		}
	});

	it('gives readable messages for a broken German payload', () => {
		const issues = validateAgainstSchema(
			DEU_BASIC_INFORMATION,
			{
				name: 'Erika Mustermann',
				email: 'erika',
				job_title: 'Engineer',
				provisional_start_date: '2025-02-30',
				has_seniority_date: 'maybe',
				seniority_date: '2020-01-01',
				tax_servicing_countries: ['DEU', 'DEU'],
				tax_job_category: 'engineering',
				nickname: 'Eri',
			},
			'employment_basic_information',
		);
		expect(issues).toEqual([
			{ path: 'employment_basic_information.mobile_number', message: 'is required' },
			{ path: 'employment_basic_information.email', message: 'must be an email address' },
			{
				path: 'employment_basic_information.provisional_start_date',
				message: 'must be a date (YYYY-MM-DD)',
			},
			{
				path: 'employment_basic_information.has_seniority_date',
				message: 'must be one of: yes, no',
			},
			{
				path: 'employment_basic_information.tax_servicing_countries',
				message: 'must not contain duplicates',
			},
			{ path: 'employment_basic_information.nickname', message: 'is not allowed' },
			{ path: 'employment_basic_information.seniority_date', message: 'is not allowed' },
		]);
	});
});
