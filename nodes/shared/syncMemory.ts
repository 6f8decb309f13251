/**
 * What the sync remembers between runs, in n8n's deduplication store: the `processed_data` table of
 * n8n's own database, which a queue-mode worker reads and writes like any other process. (Workflow
 * static data does not work there: n8n 2.40.7 hands a worker none and saves the worker's whole, so
 * every worker would start from nothing and erase what the triggers keep.)
 *
 * The store keeps an MD5 of each name and answers only "recorded or not". Recording is its only
 * read, so `peek` records and at once takes back what was not there before.
 */
import type { DeduplicationScope, ICheckProcessedOptions, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { hourName, hoursBetween, minuteName, minutesOf, stampNames } from './core/memoryKeys';

/**
 * How many names the store keeps in a node's own scope; the oldest go first (n8n drops them when
 * recording). The workflow's scope is shared with other nodes of the workflow (Remove Duplicates with
 * "Workflow" scope), so nothing there is ever dropped for a limit of ours: callers forget their own.
 */
const MAX_NODE_ENTRIES = 100_000;

export class SyncMemory {
	private readonly peekOptions: ICheckProcessedOptions = { mode: 'entries' };

	private readonly recordOptions: ICheckProcessedOptions;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly scope: DeduplicationScope,
	) {
		this.recordOptions =
			scope === 'node' ? { mode: 'entries', maxEntries: MAX_NODE_ENTRIES } : { mode: 'entries' };
		if (typeof ctx.helpers.checkProcessedAndRecord !== 'function')
			throw new NodeOperationError(ctx.getNode(), 'This n8n has no deduplication store', {
				description:
					'The node keeps what it synced in n8n’s deduplication store (n8n 1.70 or later). Update n8n.',
			});
	}

	/**
	 * Which of `names` are recorded. Reads only: names not recorded before are taken back at once. A
	 * process stopped between the two (a crash, before any write of the run) leaves those names
	 * recorded: an in-sync name then holds a person's update back until the next full re-check (a day
	 * by default; nothing wrong is written); whether a person was synced before takes two names, asked
	 * in turn (memoryKeys.linkKeys).
	 */
	async peek(names: string[]): Promise<Set<string>> {
		const unique = [...new Set(names)];
		if (!unique.length) return new Set();
		// No maxEntries here: names that are only looked at must not push recorded ones out.
		const found = await this.call(() =>
			this.ctx.helpers.checkProcessedAndRecord(unique, this.scope, this.peekOptions),
		);
		if (found.new.length)
			await this.call(() =>
				this.ctx.helpers.removeProcessed(found.new, this.scope, this.peekOptions),
			);
		return new Set(found.processed.map(String));
	}

	/** Records `names` (those recorded already stay where they are). */
	async record(names: string[]): Promise<void> {
		const unique = [...new Set(names)];
		if (unique.length)
			await this.call(() =>
				this.ctx.helpers.checkProcessedAndRecord(unique, this.scope, this.recordOptions),
			);
	}

	/** Stamps a time (to the minute) under `stamp`. */
	async stamp(stamp: string, ms: number): Promise<void> {
		await this.record(stampNames(stamp, ms));
	}

	/**
	 * The start of the newest (or oldest) minute stamped under `stamp` from `fromMs` to `toMs` (to the
	 * hour at the edges), or undefined. Two look-ups: the hours, then the minutes of the one found;
	 * with `hourWithin`, a newest hour that starts after `fromMs` is answered without the second (its
	 * start: the stamp is at least that new).
	 */
	async stamped(
		stamp: string,
		fromMs: number,
		toMs: number,
		which: 'newest' | 'oldest',
		hourWithin = false,
	): Promise<number | undefined> {
		const pick = <T>(list: T[]) => (which === 'newest' ? list[0] : list[list.length - 1]);
		const hours = hoursBetween(fromMs, toMs);
		const foundHours = await this.peek(hours.map((h) => hourName(stamp, h)));
		const hour = pick(hours.filter((h) => foundHours.has(hourName(stamp, h))));
		if (hour === undefined) return undefined;
		if (hourWithin && which === 'newest' && hour > fromMs) return hour;
		const minutes = minutesOf(hour);
		const foundMinutes = await this.peek(minutes.map((m) => minuteName(stamp, m)));
		return pick(minutes.filter((m) => foundMinutes.has(minuteName(stamp, m))));
	}

	/** Takes back the stamps under `stamp` of the `hours` hours before `beforeMs`. */
	async forgetStamps(stamp: string, beforeMs: number, hours: number): Promise<void> {
		const names: string[] = [];
		for (const hour of hoursBetween(beforeMs - hours * 3600_000, beforeMs - 1)) {
			names.push(hourName(stamp, hour));
			for (const minute of minutesOf(hour)) names.push(minuteName(stamp, minute));
		}
		await this.forget(names);
	}

	/** Takes `names` back. */
	async forget(names: string[]): Promise<void> {
		const unique = [...new Set(names)];
		if (unique.length)
			await this.call(() => this.ctx.helpers.removeProcessed(unique, this.scope, this.peekOptions));
	}

	private async call<T>(op: () => Promise<T>): Promise<T> {
		try {
			return await op();
		} catch (error) {
			const message = (error as Error).message ?? String(error);
			throw new NodeOperationError(
				this.ctx.getNode(),
				`n8n’s deduplication store refused: ${message}`,
				{
					description:
						'The node keeps what it synced there. Save the workflow first (the store needs its id). If the workflow is saved, another node of this workflow (Remove Duplicates with scope "Workflow" and another "Keep Items Where") uses the workflow’s store with other settings: set that node’s scope to "Node".',
				},
			);
		}
	}
}
