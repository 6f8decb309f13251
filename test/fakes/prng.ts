/** Small deterministic helpers shared by the fakes and the company generator. */

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). Same seed → same sequence. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Integer in [min, max] (both inclusive). */
export function randInt(rand: () => number, min: number, max: number): number {
	return min + Math.floor(rand() * (max - min + 1));
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
	return items[Math.floor(rand() * items.length)];
}

/** Picks a key of a weight table (weights need not sum to 1; zero/negative weights are never picked). */
export function pickWeighted<K extends string>(
	rand: () => number,
	weights: Partial<Record<K, number>>,
): K {
	const entries = Object.entries(weights).filter(
		([, w]) => typeof w === 'number' && (w as number) > 0,
	) as Array<[K, number]>;
	if (!entries.length) throw new Error('pickWeighted: no positive weight');
	const total = entries.reduce((sum, [, w]) => sum + w, 0);
	let r = rand() * total;
	for (const [key, w] of entries) {
		if (r < w) return key;
		r -= w;
	}
	return entries[entries.length - 1][0];
}

/**
 * A deterministic, UUID-shaped id (version 4 layout) from a kind tag and a counter, e.g.
 * `e0000001-0000-4000-8000-00000000002a`. Ids, not secrets.
 */
export function fakeUuid(kind: number, n: number): string {
	const k = (kind >>> 0).toString(16).padStart(8, '0').slice(-8);
	const c = n.toString(16).padStart(12, '0').slice(-12);
	return `${k}-0000-4000-8000-${c}`;
}

/** YYYY-MM-DD of a Date, in UTC. */
export function isoDate(d: Date): string {
	return d.toISOString().slice(0, 10);
}

/** Adds whole days to a date (UTC) and returns a new Date. */
export function addDays(d: Date, days: number): Date {
	return new Date(d.getTime() + days * 86_400_000);
}

/** Adds calendar months (UTC) and returns a new Date. */
export function addMonths(d: Date, months: number): Date {
	const out = new Date(d.getTime());
	out.setUTCMonth(out.getUTCMonth() + months);
	return out;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Strict YYYY-MM-DD check (also rejects 2024-02-31). */
export function isValidDate(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	const m = DATE_RE.exec(value);
	if (!m) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && isoDate(d) === value;
}

const ISO_DATETIME_RE =
	/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses an ISO-8601 date or date-time (no zone → UTC). `undefined` when invalid. */
export function parseIsoDateTime(value: unknown): Date | undefined {
	if (typeof value !== 'string' || !ISO_DATETIME_RE.test(value)) return undefined;
	let text = value;
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
		if (!isValidDate(text)) return undefined;
		text = `${text}T00:00:00Z`;
	} else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
		text = `${text}Z`;
	}
	// Date.parse wants "+hh:mm"; accept "+hhmm" as well.
	text = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
	const ms = Date.parse(text);
	return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Deep clone of plain JSON data. */
export function clone<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function isPlainObject(value: unknown): value is Record<string, any> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of plain objects: arrays and scalars replace, `undefined` is ignored, `null` sets null. */
export function deepMerge<T extends Record<string, any>>(target: T, patch: Record<string, any>): T {
	for (const [key, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		if (isPlainObject(value) && isPlainObject((target as any)[key])) {
			deepMerge((target as any)[key], value);
		} else {
			(target as any)[key] = isPlainObject(value) || Array.isArray(value) ? clone(value) : value;
		}
	}
	return target;
}
