/**
 * R9: an alert when the sync stops working: the pure verdict, and Remote Upsert Employee → Remote Sync
 * Health sharing the workflow's static data, on the suite's pinned clock (moved with advanceClock).
 */
import type { IDataObject } from 'n8n-workflow';
import { RemoteSyncHealth } from '../nodes/RemoteSyncHealth/RemoteSyncHealth.node';
import { LAST_SUCCESS_KEY, syncHealth } from '../nodes/shared/core/syncHealth';
import { advanceClock } from './harness/clock';
import { runExecute } from './harness/n8n';
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

	it('R9: nothing recorded → waits N hours from the first look, then alerts (manual runs are not recorded)', () => {
		const first = new Date(NOW).toISOString();
		expect(syncHealth({ watchingSince: first, nowMs: NOW + 5 * HOUR, hours: 6 })).toMatchObject({
			alert: false,
			reason: 'waiting_for_first_run',
		});
		const late = syncHealth({ watchingSince: first, nowMs: NOW + 6 * HOUR, hours: 6 });
		expect(late).toMatchObject({ alert: true, reason: 'never_succeeded' });
		expect(late.message).toMatch(/started by hand/);
		expect(syncHealth({ nowMs: NOW, hours: 6 }).alert).toBe(false);
		expect(syncHealth({ lastSuccessAt: 'not a date', nowMs: NOW, hours: 6 }).alert).toBe(false);
	});
});

async function health(staticData: IDataObject, hours?: number) {
	const { output } = await runExecute(new RemoteSyncHealth(), {
		parameters: hours === undefined ? {} : { alertAfterHours: hours },
		input: [{ json: {} }],
		credentials: {},
		staticData,
	});
	return output;
}

describe('R9: Remote Upsert Employee → Remote Sync Health', () => {
	const world = () => makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));

	it('R9: a successful run records its time; the check stays silent for 6 hours (the default), then emits one alert item', async () => {
		w = await world();
		await w.run();
		const recorded = Date.parse(String(w.staticData[LAST_SUCCESS_KEY]));
		expect(Math.abs(recorded - Date.now())).toBeLessThan(60_000);
		expect(await health(w.staticData)).toEqual([]);
		advanceClock(5 * HOUR);
		expect(await health(w.staticData)).toEqual([]);
		advanceClock(1 * HOUR + 60_000);
		const alert = await health(w.staticData);
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
		expect(await health(w.staticData)).toEqual([]);
		advanceClock(2 * HOUR);
		expect(await health(w.staticData, 1)).toHaveLength(1);
	});

	it('R9: a dry run and a run where everyone failed are not successes', async () => {
		w = await world();
		await w.run({ dryRun: true });
		expect(w.staticData[LAST_SUCCESS_KEY]).toBeUndefined();
		w.fakes.remote.failNext(
			'POST /v1/employments',
			{ status: 422, body: { message: 'refused' } },
			5,
		);
		const out = await w.run();
		expect([...out.values()].every((o) => o.outcome === 'failed')).toBe(true);
		expect(w.staticData[LAST_SUCCESS_KEY]).toBeUndefined();
	});

	it('R9: nothing ever recorded → the first look starts the grace period; an alert N hours later', async () => {
		const staticData: IDataObject = {};
		expect(await health(staticData)).toEqual([]);
		expect(typeof staticData.watchingSince).toBe('string');
		advanceClock(6 * HOUR);
		const alert = await health(staticData);
		expect(alert.map((a) => a.json.reason)).toEqual(['never_succeeded']);
	});

	it('R9: an Alert After of 0 or less is a configuration mistake', async () => {
		await expect(health({}, 0)).rejects.toThrow(/Alert After \(Hours\)/);
	});
});
