/**
 * The Output option of the sync nodes (issue 16): "Changes and Problems Only" emits the people who were
 * created, updated or failed, or who need someone to act, plus the summary item, which still counts
 * everyone; "Everything" (the default) keeps one item per input item (R1).
 */
import { makeWorld } from './helpers/world';
import type { World } from './helpers/world';

jest.setTimeout(60_000);

describe('Output option (R1 with a smaller output)', () => {
	let w: World | undefined;
	afterEach(async () => {
		await w?.close();
		w = undefined;
	});

	it('R1: "changes" keeps created/updated/failed and people who need a human; the summary counts everyone', async () => {
		w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'employee'),
				person('2', 'employee', { email: 'not an email' }),
				person('3', 'contractor'),
			],
			employments: [
				{
					external_id: '3',
					type: 'contractor',
					status: 'offboarding',
					personal_email: 'p3.home@example.org',
					full_name: 'First3 Last3',
				},
			],
		}));
		const people = await w.getEmployees();
		const all = await w.upsert(people, { summary: true, dryRun: true });
		const byId = new Map(
			all.filter((o) => !o.json.summary).map((o) => [String(o.json.hibobId), o.json]),
		);
		expect(byId.get('1')).toMatchObject({ outcome: 'created' });
		expect(byId.get('2')).toMatchObject({ outcome: 'skipped', reason: 'invalid_email' });
		expect(byId.get('3')).toMatchObject({ outcome: 'skipped', reason: 'employment_not_active' });

		const first = await w.upsert(people, { summary: true, output: 'changes' });
		expect(
			first
				.filter((o) => !o.json.summary)
				.map((o) => [o.json.hibobId, o.json.outcome, o.json.reason]),
		).toEqual([
			['1', 'created', 'created'],
			['2', 'skipped', 'invalid_email'],
		]);
		const summary = first.find((o) => o.json.summary === true)!.json;
		expect(summary).toMatchObject({ total: 3, byOutcome: { created: 1, skipped: 2 } });
		// paired items still point at the person's input item
		expect(first[0].pairedItem).toEqual({ item: people.findIndex((p) => p.json.hibobId === '1') });

		// nothing changed: only the person who needs a human, and the summary
		const second = await w.upsert(people, { summary: true, output: 'changes' });
		expect(second.filter((o) => !o.json.summary).map((o) => o.json.hibobId)).toEqual(['2']);
		expect(second.find((o) => o.json.summary === true)!.json).toMatchObject({
			total: 3,
			byOutcome: { unchanged: 1, skipped: 2 },
		});

		// "all" (the default) is one item per input item again
		const everything = await w.upsert(people, { output: 'all' });
		expect(everything).toHaveLength(3);
	});
});
