/**
 * The request contract of both vendors: every request body the product sends is checked against the
 * request schema of its operation in ../shared/specs (remote-openapi.yaml, hibob-openapi.yaml), plus
 * what Remote's API notes document beyond that 2024 file (remote-api.md §6.4, §6.6, §7: the create
 * keys, `PATCH /v2/employments/{id}`, the time-off cancel). Unknown top-level keys fail; so do
 * values of the wrong type and missing required keys.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';
import { REMOTE_WEBHOOK_EVENTS } from '../fakes/remoteWebhooks';

type Json = Record<string, any>;
export type Api = 'remote' | 'hibob';

/** The vendors' OpenAPI documents: ../shared/specs next to the repository, or SPECS_DIR. */
const SPEC_DIR = process.env.SPECS_DIR ?? path.resolve(__dirname, '../../../shared/specs');
const specs: Partial<Record<Api, Json>> = {};
function spec(api: Api): Json {
	if (!specs[api]) {
		const file = path.join(SPEC_DIR, `${api}-openapi.yaml`);
		if (!fs.existsSync(file))
			throw new Error(
				`The contract check needs the vendors' OpenAPI documents: ${file} is missing. Check out the project next to its shared/ folder, or set SPECS_DIR to the folder holding remote-openapi.yaml and hibob-openapi.yaml.`,
			);
		specs[api] = yaml.load(fs.readFileSync(file, 'utf8')) as Json;
	}
	return specs[api]!;
}

const str = { type: 'string' };
const strOrNull = { type: ['string', 'null'] };
const KINDS = ['employee', 'contractor', 'global_payroll_employee', 'hris'];

/** What the notes document for an operation beyond (or instead of) the 2024 spec file. */
interface Documented {
	/** Keys added to the spec's (non-deprecated) properties. */
	extra?: Json;
	/** Property schemas that replace the spec's (newer than the 2024 file). */
	override?: Json;
	required?: string[];
	/** No spec operation: these are all the keys. */
	only?: boolean;
}

const DOCUMENTED: Record<string, Documented> = {
	// §6.4 EmploymentCreateParams: basic information only; the other forms follow by PATCH.
	'POST /v1/employments': {
		extra: {
			external_id: str,
			engaged_by_legal_entity_id: str,
			bill_to_legal_entity_id: str,
			engaged_by_entity_slug: str,
		},
		override: { type: { type: 'string', enum: KINDS } },
		required: ['basic_information', 'country_code'],
	},
	// §6.6 EmploymentFullParams (live): also external_id and work_email.
	'PATCH /v1/employments/{employment_id}': {
		extra: { external_id: strOrNull, work_email: strOrNull },
		override: {
			type: { type: 'string', enum: KINDS },
			department_id: strOrNull,
			manager_id: strOrNull,
		},
	},
	// §6.6 EmploymentV2UpdateParams.
	'PATCH /v2/employments/{employment_id}': {
		only: true,
		extra: {
			department_id: strOrNull,
			external_id: strOrNull,
			manager_id: strOrNull,
			work_email: strOrNull,
		},
	},
	// HiBob (hibob-api.md, fields metadata): "The spec types `historical` as a string, but send a boolean."
	'POST /company/people/fields': { override: { historical: { type: 'boolean' } } },
	// HiBob PUT /people/{identifier} (spec description, hibob-api.md §3): the body holds any field of the
	// fields metadata with historical false, under its category; the spec's example lists three keys only.
	// The write-back (R8) sends the Work category's custom fields.
	'PUT /people/{identifier}': { extra: { work: { type: 'object' } } },
	// §8 webhooks: the live event enum (the 2024 file lists fewer events).
	'POST /v1/webhook-callbacks': {
		override: {
			subscribed_events: {
				type: 'array',
				items: { type: 'string', enum: [...REMOTE_WEBHOOK_EVENTS] },
			},
		},
	},
	// §7 status actions.
	'POST /v1/timeoff/{timeoff_id}/cancel': {
		only: true,
		extra: { cancel_reason: str },
		required: ['cancel_reason'],
	},
};

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// Remote's document marks some strings `format: datetime`, which is not a JSON Schema format; among
// them the time-off `start_date`/`end_date`, which the notes and Remote's examples give as days
// (YYYY-MM-DD). Read as "an ISO 8601 date or date-time" (unconfirmed which Remote requires; see
// docs/sync-rules.md), instead of being ignored with a warning on every request.
ajv.addFormat(
	'datetime',
	(value: string) =>
		(ajv.formats['date'] as { validate: (v: string) => boolean }).validate(value) ||
		(ajv.formats['date-time'] as { validate: (v: string) => boolean }).validate(value),
);

/** One compiled validator per schema object (the documents' schemas are compiled once, not per request). */
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();
function validatorFor(schema: any): ReturnType<typeof ajv.compile> {
	if (schema === null || typeof schema !== 'object') return ajv.compile(schema);
	let validate = compiled.get(schema);
	if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
	return validate;
}

/** The schema with every internal `$ref` replaced by its target (cycles cut after a few levels). */
function deref(api: Api, node: any, depth = 0): any {
	if (depth > 12 || node === null || typeof node !== 'object') return node;
	if (Array.isArray(node)) return node.map((n) => deref(api, n, depth + 1));
	if (typeof node.$ref === 'string') {
		const target = node.$ref
			.replace(/^#\//, '')
			.split('/')
			.reduce((o: any, k: string) => o?.[k], spec(api));
		return deref(api, target, depth + 1);
	}
	const out: Json = {};
	for (const [k, v] of Object.entries(node))
		if (!k.startsWith('x-')) out[k] = deref(api, v, depth + 1);
	return out;
}

const deprecated = (s: Json) =>
	/deprecated/i.test(String(s?.title ?? '')) || s?.deprecated === true;

/** The top-level keys a body may carry (of the non-deprecated branches), and the required ones. */
function topLevel(schema: Json): { properties: Json; required: string[] } {
	const branches = schema.oneOf ?? schema.anyOf;
	if (Array.isArray(branches)) {
		const properties: Json = {};
		for (const branch of branches.filter((b: Json) => !deprecated(b)))
			Object.assign(properties, topLevel(branch).properties);
		return { properties, required: [] };
	}
	const properties: Json = { ...(schema.properties ?? {}) };
	const required: string[] = [...(schema.required ?? [])];
	for (const part of schema.allOf ?? []) {
		const inner = topLevel(part);
		Object.assign(properties, inner.properties);
		required.push(...inner.required);
	}
	return { properties, required };
}

interface Operation {
	key: string;
	template: string;
	schema?: Json;
}

const derefCache = new WeakMap<object, Json>();
/** deref, once per schema of the document (so that its compiled validators are reused). */
function derefOnce(api: Api, schema: Json): Json {
	const cached = derefCache.get(schema);
	if (cached) return cached;
	const out: Json = deref(api, schema);
	derefCache.set(schema, out);
	return out;
}

function findOperation(api: Api, method: string, requestPath: string): Operation | undefined {
	const pathOnly = requestPath.split('?')[0];
	const specPath = api === 'hibob' ? pathOnly.replace(/^\/v1(?=\/)/, '') : pathOnly;
	const matches: Array<{ template: string; op: Json; params: number }> = [];
	for (const [template, ops] of Object.entries(spec(api).paths ?? {})) {
		const op = (ops as Json)[method.toLowerCase()];
		if (!op) continue;
		const regex = new RegExp(
			`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
		);
		if (regex.test(specPath))
			matches.push({ template, op, params: (template.match(/\{/g) ?? []).length });
	}
	matches.sort((a, b) => a.params - b.params);
	if (matches.length) {
		const { template, op } = matches[0];
		const schema = op.requestBody?.content?.['application/json']?.schema;
		return {
			key: `${method} ${template}`,
			template,
			schema: schema ? derefOnce(api, schema) : undefined,
		};
	}
	// Operations the 2024 file lacks but the notes document.
	for (const key of Object.keys(DOCUMENTED)) {
		const [m, template] = key.split(' ');
		if (m !== method) continue;
		const regex = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
		if (regex.test(pathOnly)) return { key, template };
	}
	return undefined;
}

/**
 * The problems of one request body (empty: it follows the contract). Requests to operations
 * neither the spec nor the notes describe are reported too.
 */
export function checkRequest(
	api: Api,
	method: string,
	requestPath: string,
	body: unknown,
): string[] {
	const where = `${method} ${requestPath}`;
	const operation = findOperation(api, method, requestPath);
	if (!operation) return [`${where}: no ${api} operation in the spec or the notes`];
	const documented = DOCUMENTED[operation.key] ?? {};
	if (!operation.schema && !documented.only) return [];
	const problems: string[] = [];
	if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
		return operation.schema?.type === 'array' ? [] : [`${where}: the body is not a JSON object`];
	}
	const base = documented.only ? { properties: {}, required: [] } : topLevel(operation.schema!);
	const properties: Json = {
		...base.properties,
		...(documented.extra ?? {}),
		...(documented.override ?? {}),
	};
	const required = [...new Set([...base.required, ...(documented.required ?? [])])];
	for (const key of Object.keys(body as Json)) {
		if (!(key in properties)) {
			problems.push(
				`${where}: unknown top-level key "${key}" (${operation.key} takes ${Object.keys(properties).sort().join(', ')})`,
			);
			continue;
		}
		const validate = validatorFor(properties[key]);
		if (!validate((body as Json)[key]))
			problems.push(`${where}: ${key} ${ajv.errorsText(validate.errors, { dataVar: key })}`);
	}
	for (const key of required)
		if (!(key in (body as Json))) problems.push(`${where}: required key "${key}" is missing`);
	return problems;
}
