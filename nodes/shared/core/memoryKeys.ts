/**
 * The names of what the sync remembers between runs. They are kept in n8n's deduplication store
 * (the `processed_data` table of n8n's database: PostgreSQL in queue mode), which every n8n process
 * reads and writes and which holds only an MD5 of each name: it answers "was this name recorded?",
 * never gives a name back. So each fact is a name whose presence is the fact, and a time is stamped
 * as two names, its UTC hour and its UTC minute, found again hour first, then minute.
 * Pure: no I/O.
 */

export const HOUR_MS = 3600_000;
export const MINUTE_MS = 60_000;

/** The person was in sync with nothing held back, for exactly this (keyed) fingerprint (R4). */
export const inSyncKey = (hibobId: string, fingerprint: string) => `s:${hibobId}:${fingerprint}`;

/**
 * The person was in sync except for differences that cannot be written, reported as `reason`, for
 * exactly this held-back fingerprint (R4: fingerprint and what the list shows of the differences).
 */
export const heldBackKey = (hibobId: string, fingerprint: string, reason: string) =>
	`h:${hibobId}:${fingerprint}:${reason}`;

/**
 * An earlier run matched or created a Remote employment for this person (U8): two names, looked up one
 * after the other (the second only where the first is found), so that a look-up cut off between its
 * record and its take-back (a crash) cannot make a new hire look synced before: that takes both.
 */
export const linkKeys = (hibobId: string): [string, string] => [`l:${hibobId}`, `L:${hibobId}`];

/** Stamps: a run re-checked every employment (R4), a run succeeded (R9), the health check looked (R9). */
export const RECHECK = 'r';
export const SUCCESS = 'ok';
export const WATCH = 'w';

/** How far back stamps are looked for: 31 days. */
export const LOOKBACK_HOURS = 31 * 24;

const hourOf = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const minuteOf = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/** The start of every UTC hour from `fromMs` to `toMs` (both included), newest first. */
export function hoursBetween(fromMs: number, toMs: number): number[] {
	const hours: number[] = [];
	for (let t = floorTo(toMs, HOUR_MS); t >= floorTo(fromMs, HOUR_MS); t -= HOUR_MS) hours.push(t);
	return hours;
}

/** The start of every minute of the UTC hour that starts at `hourMs`, newest first. */
export const minutesOf = (hourMs: number) =>
	Array.from({ length: 60 }, (_, i) => hourMs + (59 - i) * MINUTE_MS);

/** The name of a stamp's hour or minute. */
export const hourName = (stamp: string, hourMs: number) => `${stamp}:${hourOf(hourMs)}`;
export const minuteName = (stamp: string, minuteMs: number) => `${stamp}:${minuteOf(minuteMs)}`;

/** The two names that stamp a time: its UTC hour and its UTC minute. */
export const stampNames = (stamp: string, ms: number) => [
	hourName(stamp, ms),
	minuteName(stamp, ms),
];
