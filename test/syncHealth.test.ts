/**
 * R9: an alert when the sync stops working: the pure verdict, and Remote Upsert Employee → Remote Sync
 * Health sharing the workflow's scope of n8n's deduplication store, on the suite's pinned clock (moved
 * with advanceClock).
 */
import { RemoteSyncHealth } from '../nodes/RemoteSyncHealth/RemoteSyncHealth.node';
import { RemoteUpsertEmployee } from '../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import { LAST_SUCCESS_KEY, syncHealth } from '../nodes/shared/core/syncHealth';
import { advanceClock } from './harness/clock';
import { makeContext, runExecute } from './harness/n8n';
import { ProcessedDataStore } from './harness/processedData';
import { makeWorld } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

const HOUR = 3600_000;
const NOW = Date.parse('2026-06-10T12:00:00.000Z');

describe('R9: the verdict (pure)', () => {
	it('R9: a success younger than N hours → no alert', () => {
		expect(
			syncHealth({ lastSuccessAt: new Date(NOW - 5 * HOUR).toISOString(), nowMs: NOW, hours: 6 }),
		).toMatchObject({ alert: false, reason: 'recent_success', hoursSinceLastSuccess: 5 });
	});

	it('R9: the last success N hours old or more → alert, saying since when', () => {
		const verdict = syncHealth({
			lastSuccessAt: '2026-06-10T04:00:00.000Z',
			nowMs: NOW,
			hours: 6,
		});
		expect(verdict).toMatchObject({
			alert: true,
			reason: 'no_recent_success',
			lastSuccessAt: '2026-06-10T04:00:00.000Z',
			hoursSinceLastSuccess: 8,
		});
		expect(verdict.message).toMatch(/no successful run for 8 hours .*04:00:00/);
	});

	it('R9: nothing recorded → waits N hours from the first look, then alerts', () => {
		const first = new Date(NOW).toISOString();
		expect(syncHealth({ watchingSince: first, nowMs: NOW + 5 * HOUR, hours: 6 })).toMatchObject({
			alert: false,
			reason: 'waiting_for_first_run',
		});
		const late = syncHealth({ watchingSince: first, nowMs: NOW + 6 * HOUR, hours: 6 });
		expect(late).toMatchObject({ alert: true, reason: 'never_succeeded' });
		expect(late.message).toMatch(/dry runs are not recorded/);
		expect(syncHealth({ nowMs: NOW, hours: 6 }).alert).toBe(false);
		expect(syncHealth({ lastSuccessAt: 'not a date', nowMs: NOW, hours: 6 }).alert).toBe(false);
	});
});

/** The health check of the workflow whose store is `store`. */
async function health(store: ProcessedDataStore, hours?: number) {
	const staticData = {};
	const { output } = await runExecute(new RemoteSyncHealth(), {
		parameters: hours === undefined ? {} : { alertAfterHours: hours },
		input: [{ json: {} }],
		credentials: {},
		staticData,
		processedData: store,
	});
	// Nothing goes to static data (a queue-mode worker would save it over what the triggers keep).
	expect(staticData).toEqual({});
	return output;
}

/** Whether a success is stamped in the workflow's scope for the minute of `ms` (both names). */
function successStamped(store: ProcessedDataStore, ms: number): boolean {
	const row = store.rows.get(`${store.workflowId}|`)?.data ?? [];
	const iso = new Date(ms).toISOString();
	return [`ok:${iso.slice(0, 13)}`, `ok:${iso.slice(0, 16)}`].every((name) =>
		row.includes(ProcessedDataStore.hash(name)),
	);
}

describe('R9: Remote Upsert Employee → Remote Sync Health', () => {
	const world = () => makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));

	it('R9: a successful run records its time; the check stays silent for 6 hours (the default), then emits one alert item', async () => {
		w = await world();
		await w.run();
		expect(successStamped(w.store, Date.now())).toBe(true);
		expect(w.staticData).toEqual({});
		expect(await health(w.store)).toEqual([]);
		advanceClock(5 * HOUR);
		expect(await health(w.store)).toEqual([]);
		advanceClock(1 * HOUR + 60_000);
		const alert = await health(w.store);
		expect(alert).toHaveLength(1);
		expect(alert[0].json).toMatchObject({
			reason: 'no_recent_success',
			alertAfterHours: 6,
			alert: expect.stringMatching(/no successful run for 6 hours/),
			whatToDo: expect.stringMatching(/Manual sync/),
		});
		expect(alert[0].pairedItem).toEqual({ item: 0 });
		// The next successful run silences it; N is configurable.
		await w.run();
		expect(await health(w.store)).toEqual([]);
		advanceClock(2 * HOUR);
		expect(await health(w.store, 1)).toHaveLength(1);
	});

	it('R9: a dry run and a run where everyone failed are not successes', async () => {
		w = await world();
		await w.run({ dryRun: true });
		expect(successStamped(w.store, Date.now())).toBe(false);
		w.fakes.remote.failNext(
			'POST /v1/employments',
			{ status: 422, body: { message: 'refused' } },
			5,
		);
		const out = await w.run();
		expect([...out.values()].every((o) => o.outcome === 'failed')).toBe(true);
		expect(successStamped(w.store, Date.now())).toBe(false);
	});

	it('R9: nothing ever recorded → the first look starts the grace period; an alert N hours later', async () => {
		const store = new ProcessedDataStore();
		expect(await health(store)).toEqual([]);
		advanceClock(3 * HOUR);
		expect(await health(store)).toEqual([]);
		advanceClock(3 * HOUR);
		const alert = await health(store);
		expect(alert.map((a) => a.json.reason)).toEqual(['never_succeeded']);
		// The first look is kept, not the latest: the next look alerts too.
		advanceClock(1 * HOUR);
		expect((await health(store)).map((a) => a.json.reason)).toEqual(['never_succeeded']);
	});

	it('R9: the last success is found again to the minute, also weeks back, in another workflow nothing is', async () => {
		w = await world();
		await w.run();
		const at = Date.now();
		advanceClock(20 * 24 * HOUR);
		const alert = await health(w.store);
		expect(alert[0].json).toMatchObject({ reason: 'no_recent_success' });
		// Counted from the end of the minute of the success: never earlier than the truth.
		const since = Number(alert[0].json.hoursSinceLastSuccess);
		expect(since).toBeLessThanOrEqual((Date.now() - at) / HOUR);
		expect(since).toBeGreaterThan((Date.now() - at) / HOUR - 0.1);
		expect(await health(new ProcessedDataStore('another-workflow'))).toEqual([]);
	});

	it('R9: a success stamped by an earlier version in static data is moved to the store once', async () => {
		w = await world();
		const store = new ProcessedDataStore();
		const at = Date.now() - 2 * HOUR;
		const staticData = { [LAST_SUCCESS_KEY]: new Date(at).toISOString() };
		const { ctx } = makeContext(new RemoteUpsertEmployee(), {
			parameters: {},
			staticData,
			processedData: store,
		});
		// Remote Upsert Employee moves it when it starts (its first step, before any read).
		await new RemoteUpsertEmployee().execute.call(ctx).catch(() => undefined);
		expect(staticData).toEqual({});
		expect(successStamped(store, at)).toBe(true);
	});

	it('R9: an Alert After of 0 or less, or more than the 30 days looked back, is a configuration mistake', async () => {
		await expect(health(new ProcessedDataStore(), 0)).rejects.toThrow(/Alert After \(Hours\)/);
		await expect(health(new ProcessedDataStore(), 24 * 31)).rejects.toThrow(/at most 720/);
	});
});
