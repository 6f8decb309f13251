/**
 * A small JSON Schema validator for the subset Remote's per-country forms use, so a payload can be
 * checked before it is sent (no ajv at run time).
 *
 * Supported: boolean schemas, `type` (one or a list; `nullable: true` adds null), `required`,
 * `properties`, `patternProperties`, `additionalProperties`, `dependentRequired`, `enum`, `const`,
 * `oneOf`, `anyOf`, `allOf`, `not`, `if`/`then`/`else`, `minLength`, `maxLength`, `pattern`,
 * `format` (date, date-time, time, email, uuid), `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `multipleOf`, `items` (one schema or a tuple with `additionalItems`),
 * `minItems`, `maxItems`, `uniqueItems`, `minProperties`, `maxProperties`, and `$ref` to a JSON
 * pointer inside the same schema (`#/definitions/…`, `#/$defs/…`). Other keywords (`title`,
 * `description`, `x-jsf-*`, …) are ignored. Properties whose value is `undefined` count as absent,
 * as they do once the payload is serialised to JSON.
 */

export interface SchemaIssue {
	/** Dotted path relative to the value (`basic_information.mobile_number`, `items[2].name`), '' for the value itself. */
	path: string;
	message: string;
}

interface Issue extends SchemaIssue {
	keyword: string;
}

interface Context {
	root: unknown;
	depth: number;
	/** Schema nodes left to visit: a guard against reference loops in a broken schema. */
	budget: { steps: number; exhausted: boolean };
}

type Schema = Record<string, unknown>;

const MAX_DEPTH = 128;
const MAX_STEPS = 1_000_000;
const MAX_LISTED_OPTIONS = 12;

/**
 * Checks `value` against `schema` and returns one issue per problem (empty when valid). `path`
 * prefixes every issue path.
 */
export function validateAgainstSchema(schema: unknown, value: unknown, path = ''): SchemaIssue[] {
	return dedupe(run(schema, value, path)).map(({ path: where, message }) => ({
		path: where,
		message,
	}));
}

/** The paths of required fields the value lacks (including ones required by `if`/`then`). */
export function requiredFieldsMissing(schema: unknown, value: unknown): string[] {
	const target = isObject(value) ? value : {};
	const paths = run(schema, target, '')
		.filter((issue) => issue.keyword === 'required')
		.map((issue) => issue.path);
	return [...new Set(paths)];
}

/** Issues as one readable line each: `name is required; email must be an email address`. */
export function describeIssues(issues: SchemaIssue[]): string {
	return issues
		.map((issue) => (issue.path ? `${issue.path} ${issue.message}` : issue.message))
		.join('; ');
}

function run(schema: unknown, value: unknown, path: string): Issue[] {
	const budget = { steps: MAX_STEPS, exhausted: false };
	const issues = check(schema, value, path, { root: schema, depth: 0, budget });
	// A (broken) schema that loops or nests beyond reason gets one issue, not a partial verdict.
	if (budget.exhausted)
		return [issue(path, 'cannot be checked: the schema is nested too deeply', 'depth')];
	return issues;
}

function dedupe(issues: Issue[]): Issue[] {
	const seen = new Set<string>();
	return issues.filter((issue) => {
		const key = `${issue.path}\u0000${issue.message}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function check(schema: unknown, value: unknown, path: string, ctx: Context): Issue[] {
	if (schema === true || schema === undefined || schema === null) return [];
	if (schema === false) return [issue(path, 'is not allowed', 'false')];
	if (!isObject(schema)) return [];
	if (ctx.budget.exhausted) return [];
	if (ctx.depth > MAX_DEPTH || --ctx.budget.steps < 0) {
		ctx.budget.exhausted = true;
		return [];
	}
	const inner: Context = { root: ctx.root, depth: ctx.depth + 1, budget: ctx.budget };
	const s = schema as Schema;

	if (s.nullable === true && value === null) return [];

	const issues: Issue[] = [];

	if (typeof s.$ref === 'string') {
		const target = resolveRef(ctx.root, s.$ref);
		if (target === undefined)
			issues.push(issue(path, `cannot be checked: unknown schema reference ${s.$ref}`, '$ref'));
		else append(issues, check(target, value, path, inner));
	}

	if (s.type !== undefined) {
		const types = (Array.isArray(s.type) ? s.type : [s.type]).filter(
			(t): t is string => typeof t === 'string',
		);
		if (types.length && !types.some((t) => hasType(value, t))) {
			// Everything else about a value of the wrong type is noise.
			issues.push(issue(path, `must be ${types.map(typeName).join(' or ')}`, 'type'));
			return issues;
		}
	}

	if (Array.isArray(s.enum) && !s.enum.some((option) => deepEqual(option, value))) {
		issues.push(issue(path, `must be one of: ${listOptions(s.enum)}`, 'enum'));
	}
	if (s.const !== undefined && !deepEqual(s.const, value)) {
		issues.push(issue(path, `must be ${display(s.const)}`, 'const'));
	}

	if (typeof value === 'string') append(issues, checkString(s, value, path));
	else if (typeof value === 'number') append(issues, checkNumber(s, value, path));
	else if (Array.isArray(value)) append(issues, checkArray(s, value, path, inner));
	else if (isObject(value)) append(issues, checkObject(s, value, path, inner));

	if (Array.isArray(s.allOf)) {
		for (const sub of s.allOf) append(issues, check(sub, value, path, inner));
	}
	if (Array.isArray(s.anyOf) && s.anyOf.length)
		append(issues, checkAlternatives(s.anyOf, value, path, inner, false));
	if (Array.isArray(s.oneOf) && s.oneOf.length)
		append(issues, checkAlternatives(s.oneOf, value, path, inner, true));
	if ('not' in s && s.not !== undefined && check(s.not, value, path, inner).length === 0) {
		issues.push(issue(path, 'is not allowed', 'not'));
	}
	if ('if' in s && s.if !== undefined && ('then' in s || 'else' in s)) {
		const branch = check(s.if, value, path, inner).length === 0 ? s.then : s.else;
		append(issues, check(branch, value, path, inner));
	}
	return issues;
}

function checkAlternatives(
	options: unknown[],
	value: unknown,
	path: string,
	ctx: Context,
	exactlyOne: boolean,
): Issue[] {
	const results = options.map((option) => check(option, value, path, ctx));
	const matches = results.filter((result) => result.length === 0).length;
	if (matches === 1 || (matches > 1 && !exactlyOne)) return [];
	if (matches > 1) return [issue(path, 'matches more than one of the allowed options', 'oneOf')];
	const values = constantOptions(options);
	if (values)
		return [issue(path, `must be one of: ${listOptions(values)}`, exactlyOne ? 'oneOf' : 'anyOf')];
	// For objects and lists, the problems with the closest option say most about what to fix.
	if (isObject(value) || Array.isArray(value)) {
		let best = results[0];
		for (const result of results) if (result.length < best.length) best = result;
		if (best.length && best.every((found) => found.path !== path)) return best;
	}
	return [issue(path, 'does not match any of the allowed options', exactlyOne ? 'oneOf' : 'anyOf')];
}

/** The values of an option list (`[{const: 'yes', title: 'Yes'}, …]`), or undefined if it is not one. */
function constantOptions(options: unknown[]): unknown[] | undefined {
	const values: unknown[] = [];
	for (const option of options) {
		if (!isObject(option)) return undefined;
		const o = option as Schema;
		if ('const' in o) values.push(o.const);
		else if (Array.isArray(o.enum)) append(values, o.enum);
		else return undefined;
	}
	return values;
}

function checkString(s: Schema, value: string, path: string): Issue[] {
	const issues: Issue[] = [];
	const needsLength = typeof s.minLength === 'number' || typeof s.maxLength === 'number';
	const length = needsLength ? codePoints(value) : 0;
	if (typeof s.minLength === 'number' && length < s.minLength) {
		issues.push(
			issue(
				path,
				s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`,
				'minLength',
			),
		);
	}
	if (typeof s.maxLength === 'number' && length > s.maxLength) {
		issues.push(issue(path, `must be at most ${s.maxLength} characters`, 'maxLength'));
	}
	if (typeof s.pattern === 'string') {
		const regex = compilePattern(s.pattern);
		if (regex && !regex.test(value))
			issues.push(issue(path, `is not in the expected format (${s.pattern})`, 'pattern'));
	}
	if (typeof s.format === 'string') {
		const format = FORMATS.get(s.format);
		if (format && !format.test(value)) issues.push(issue(path, format.message, 'format'));
	}
	return issues;
}

function checkNumber(s: Schema, value: number, path: string): Issue[] {
	const issues: Issue[] = [];
	if (typeof s.minimum === 'number') {
		if (s.exclusiveMinimum === true ? value <= s.minimum : value < s.minimum) {
			const word = s.exclusiveMinimum === true ? 'greater than' : 'at least';
			issues.push(issue(path, `must be ${word} ${s.minimum}`, 'minimum'));
		}
	}
	if (typeof s.maximum === 'number') {
		if (s.exclusiveMaximum === true ? value >= s.maximum : value > s.maximum) {
			const word = s.exclusiveMaximum === true ? 'less than' : 'at most';
			issues.push(issue(path, `must be ${word} ${s.maximum}`, 'maximum'));
		}
	}
	if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) {
		issues.push(issue(path, `must be greater than ${s.exclusiveMinimum}`, 'exclusiveMinimum'));
	}
	if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) {
		issues.push(issue(path, `must be less than ${s.exclusiveMaximum}`, 'exclusiveMaximum'));
	}
	if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
		const quotient = value / s.multipleOf;
		if (Math.abs(quotient - Math.round(quotient)) > 1e-9 * Math.max(1, Math.abs(quotient))) {
			issues.push(issue(path, `must be a multiple of ${s.multipleOf}`, 'multipleOf'));
		}
	}
	return issues;
}

function checkArray(s: Schema, value: unknown[], path: string, ctx: Context): Issue[] {
	const issues: Issue[] = [];
	if (typeof s.minItems === 'number' && value.length < s.minItems) {
		issues.push(
			issue(
				path,
				s.minItems === 1 ? 'must not be empty' : `must have at least ${s.minItems} items`,
				'minItems',
			),
		);
	}
	if (typeof s.maxItems === 'number' && value.length > s.maxItems) {
		issues.push(
			issue(
				path,
				`must have at most ${s.maxItems} ${s.maxItems === 1 ? 'item' : 'items'}`,
				'maxItems',
			),
		);
	}
	if (s.uniqueItems === true && hasDuplicates(value)) {
		issues.push(issue(path, 'must not contain duplicates', 'uniqueItems'));
	}
	const tuple = Array.isArray(s.prefixItems)
		? s.prefixItems
		: Array.isArray(s.items)
			? s.items
			: undefined;
	const rest = Array.isArray(s.prefixItems)
		? s.items
		: Array.isArray(s.items)
			? s.additionalItems
			: s.items;
	value.forEach((item, index) => {
		const where = `${path}[${index}]`;
		if (tuple && index < tuple.length) append(issues, check(tuple[index], item, where, ctx));
		else if (rest !== undefined) {
			const found = check(rest, item, where, ctx);
			// A tuple with `additionalItems: false` says there are too many items, not what is wrong with each.
			if (tuple && rest === false && found.length) {
				issues.push(issue(path, `must have at most ${tuple.length} items`, 'additionalItems'));
				return;
			}
			append(issues, found);
		}
	});
	return issues;
}

function checkObject(
	s: Schema,
	value: Record<string, unknown>,
	path: string,
	ctx: Context,
): Issue[] {
	const issues: Issue[] = [];
	const present = Object.keys(value).filter((key) => value[key] !== undefined);
	const properties = isObject(s.properties) ? (s.properties as Record<string, unknown>) : undefined;

	if (Array.isArray(s.required)) {
		for (const key of s.required) {
			if (typeof key === 'string' && !has(value, key)) {
				issues.push(issue(join(path, key), 'is required', 'required'));
			}
		}
	}
	if (isObject(s.dependentRequired)) {
		for (const [key, needed] of Object.entries(s.dependentRequired as Record<string, unknown>)) {
			if (!has(value, key) || !Array.isArray(needed)) continue;
			for (const other of needed) {
				if (typeof other === 'string' && !has(value, other)) {
					issues.push(issue(join(path, other), `is required when ${key} is given`, 'required'));
				}
			}
		}
	}
	if (typeof s.minProperties === 'number' && present.length < s.minProperties) {
		issues.push(issue(path, `must have at least ${s.minProperties} fields`, 'minProperties'));
	}
	if (typeof s.maxProperties === 'number' && present.length > s.maxProperties) {
		issues.push(issue(path, `must have at most ${s.maxProperties} fields`, 'maxProperties'));
	}

	const patterns = isObject(s.patternProperties)
		? Object.entries(s.patternProperties as Record<string, unknown>)
				.map(([source, sub]) => ({ regex: compilePattern(source), sub }))
				.filter((entry): entry is { regex: RegExp; sub: unknown } => entry.regex !== undefined)
		: [];
	for (const key of present) {
		const where = join(path, key);
		let known = false;
		if (properties && has(properties, key)) {
			known = true;
			append(issues, check(properties[key], value[key], where, ctx));
		}
		for (const { regex, sub } of patterns) {
			if (regex.test(key)) {
				known = true;
				append(issues, check(sub, value[key], where, ctx));
			}
		}
		if (!known && s.additionalProperties !== undefined) {
			if (s.additionalProperties === false)
				issues.push(issue(where, 'is not allowed', 'additionalProperties'));
			else append(issues, check(s.additionalProperties, value[key], where, ctx));
		}
	}
	return issues;
}

// ---- formats ------------------------------------------------------------------------------------

interface Format {
	test(value: string): boolean;
	message: string;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	if (month < 1 || month > 12 || day < 1) return false;
	const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]);
}

/** RFC 3339 full-time: `HH:MM:SS[.frac]` and a zone (`Z`, `±HH:MM`); a leap second only at 23:59:60 UTC. */
function isTime(value: string): boolean {
	const match = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([zZ])|([+-])(\d{2})(?::?(\d{2}))?)$/.exec(
		value,
	);
	if (!match) return false;
	const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const sign = match[6] === '-' ? -1 : 1;
	const zoneHours = match[7] === undefined ? 0 : Number(match[7]);
	const zoneMinutes = match[8] === undefined ? 0 : Number(match[8]);
	if (zoneHours > 23 || zoneMinutes > 59) return false;
	if (hour <= 23 && minute <= 59 && second <= 59) return true;
	if (second !== 60 || hour > 23 || minute > 59) return false;
	const utc = (((hour * 60 + minute - sign * (zoneHours * 60 + zoneMinutes)) % 1440) + 1440) % 1440;
	return utc === 23 * 60 + 59;
}

function isDateTime(value: string): boolean {
	const separator = value.search(/[tT ]/);
	return separator === 10 && isDate(value.slice(0, 10)) && isTime(value.slice(11));
}

const EMAIL_LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

function isEmail(value: string): boolean {
	const at = value.lastIndexOf('@');
	if (at <= 0) return false;
	const local = value.slice(0, at).split('.');
	const domain = value.slice(at + 1).split('.');
	return (
		local.every((atom) => EMAIL_LOCAL_ATOM.test(atom)) &&
		domain.length >= 2 &&
		domain.every((label) => DOMAIN_LABEL.test(label))
	);
}

const FORMATS = new Map<string, Format>([
	['date', { test: isDate, message: 'must be a date (YYYY-MM-DD)' }],
	['date-time', { test: isDateTime, message: 'must be a date and time (YYYY-MM-DDTHH:MM:SSZ)' }],
	['time', { test: isTime, message: 'must be a time (HH:MM:SSZ)' }],
	['email', { test: isEmail, message: 'must be an email address' }],
	[
		'uuid',
		{
			test: (value) => /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value),
			message: 'must be a UUID',
		},
	],
]);

// ---- helpers ------------------------------------------------------------------------------------

/** Appends without spreading, so a very long list of issues cannot overflow the call stack. */
function append<T>(target: T[], source: readonly T[]): void {
	for (const found of source) target.push(found);
}

function issue(path: string, message: string, keyword: string): Issue {
	return { path, message, keyword };
}

function join(path: string, key: string): string {
	return path ? `${path}.${key}` : key;
}

/** Whether an object has the key as its own property with a value (undefined counts as absent). */
function has(value: Record<string, unknown>, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(value, key) && value[key] !== undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
	switch (type) {
		case 'string':
			return typeof value === 'string';
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'boolean':
			return typeof value === 'boolean';
		case 'null':
			return value === null;
		case 'array':
			return Array.isArray(value);
		case 'object':
			return isObject(value);
		default:
			return true;
	}
}

const TYPE_NAMES = new Map([
	['string', 'text'],
	['number', 'a number'],
	['integer', 'a whole number'],
	['boolean', 'true or false'],
	['null', 'null'],
	['array', 'a list'],
	['object', 'an object'],
]);

function typeName(type: string): string {
	return TYPE_NAMES.get(type) ?? type;
}

function display(value: unknown): string {
	return typeof value === 'string' ? value : JSON.stringify(value);
}

function listOptions(options: unknown[]): string {
	const shown = options.slice(0, MAX_LISTED_OPTIONS).map(display).join(', ');
	return options.length > MAX_LISTED_OPTIONS ? `${shown}, … (${options.length} options)` : shown;
}

function codePoints(value: string): number {
	let count = 0;
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		// A high surrogate followed by a low one is one character.
		if (code >= 0xd800 && code <= 0xdbff && index + 1 < value.length) {
			const next = value.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) index++;
		}
		count++;
	}
	return count;
}

const patternCache = new Map<string, RegExp | undefined>();

/** A schema pattern as a unicode RegExp; undefined (not checked) if the schema's pattern is invalid. */
function compilePattern(source: string): RegExp | undefined {
	if (patternCache.has(source)) return patternCache.get(source);
	let regex: RegExp | undefined;
	try {
		regex = new RegExp(source, 'u');
	} catch {
		try {
			regex = new RegExp(source);
		} catch {
			regex = undefined;
		}
	}
	if (patternCache.size > 500) patternCache.clear();
	patternCache.set(source, regex);
	return regex;
}

/** Resolves `#`, `#/definitions/x`, `#/$defs/x` or any JSON pointer into the root schema. */
function resolveRef(root: unknown, ref: string): unknown {
	if (!ref.startsWith('#')) return undefined;
	let pointer: string;
	try {
		pointer = decodeURIComponent(ref.slice(1));
	} catch {
		return undefined;
	}
	if (pointer === '') return root;
	if (!pointer.startsWith('/')) return undefined;
	let node: unknown = root;
	for (const raw of pointer.slice(1).split('/')) {
		const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
		if (Array.isArray(node) && /^\d+$/.test(token)) node = node[Number(token)];
		else if (isObject(node) && has(node, token)) node = node[token];
		else return undefined;
	}
	return node;
}

function deepEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a) && Array.isArray(b)) {
		return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
	}
	const left = a as Record<string, unknown>;
	const right = b as Record<string, unknown>;
	const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
	const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
	return (
		leftKeys.length === rightKeys.length &&
		leftKeys.every(
			(key) => Object.prototype.hasOwnProperty.call(right, key) && deepEqual(left[key], right[key]),
		)
	);
}

function hasDuplicates(items: unknown[]): boolean {
	const primitives = new Set<unknown>();
	const composites: unknown[] = [];
	for (const item of items) {
		if (typeof item !== 'object' || item === null) {
			if (primitives.has(item)) return true;
			primitives.add(item);
		} else {
			if (composites.some((other) => deepEqual(other, item))) return true;
			composites.push(item);
		}
	}
	return false;
}
