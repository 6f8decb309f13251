/**
 * The suite's pinned clock. Every test file runs with `Date` (and so luxon's `DateTime.now()`, the
 * fakes' business clock and the nodes' "today") starting at PINNED_NOW instead of the real date, and
 * advancing in real time from there, so retries, rate-limit windows and timings behave as usual.
 * No test outcome depends on the day the suite is run (`npm run test:dates` runs it under faketime on
 * a Sunday, 29 February 2028, 31 December and today to prove it).
 *
 * TEST_NOW (an ISO instant) moves the pin, e.g. `TEST_NOW=2028-02-29T12:00:00Z npx jest`.
 */
export const DEFAULT_PINNED_NOW = '2026-06-10T12:00:00.000Z'; // a Wednesday

const RealDate: DateConstructor = (globalThis as any).__realDate ?? Date;

function pinnedInstant(): number {
	const text = process.env.TEST_NOW || DEFAULT_PINNED_NOW;
	const ms = RealDate.parse(text);
	if (Number.isNaN(ms)) throw new Error(`TEST_NOW "${text}" is not an ISO date-time`);
	return ms;
}

export const PINNED_NOW_MS = pinnedInstant();

/** Install the pinned `Date` on this realm's global (idempotent). */
export function installPinnedClock(): void {
	const g = globalThis as any;
	if (g.__realDate) return;
	g.__clockOffset = PINNED_NOW_MS - RealDate.now();
	const now = () => RealDate.now() + g.__clockOffset;
	class PinnedDate extends RealDate {
		constructor(...args: any[]) {
			if (args.length === 0) super(now());
			else super(...(args as [any]));
		}
		static now(): number {
			return now();
		}
	}
	// Calling Date() without `new` returns a string of "now".
	const DateFn = new Proxy(PinnedDate, {
		apply: () => new PinnedDate().toString(),
	});
	g.__realDate = RealDate;
	g.Date = DateFn;
}

/** Moves the pinned clock on by `ms` (e.g. a day later), for every `Date` of this test file. */
export function advanceClock(ms: number): void {
	const g = globalThis as any;
	if (typeof g.__clockOffset !== 'number') throw new Error('the pinned clock is not installed');
	g.__clockOffset += ms;
}

/** Today (UTC) under the pinned clock, as YYYY-MM-DD. */
export function todayIso(): string {
	return new Date().toISOString().slice(0, 10);
}
