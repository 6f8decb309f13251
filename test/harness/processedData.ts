/**
 * n8n's deduplication store as the nodes see it (`this.helpers.checkProcessedAndRecord` and friends),
 * behaving as n8n 2.40.7 does (packages/cli's DeduplicationHelper, read for this): per workflow and
 * context ('' for the workflow's scope, `n:<node id>` for a node's) one list of the MD5 (base64) of
 * every value recorded; recording appends the values not in the list and then drops the oldest beyond
 * `maxEntries`; removing takes out the first equal entry; the mode is fixed by the first write, and
 * a call with another mode is refused. Only 'entries' mode is implemented (the nodes use no other);
 * a call in another mode is refused too, so a node that starts using one fails here first.
 * The real store is proven in real n8n by the end-to-end tests (regular and queue mode).
 */
import { createHash } from 'crypto';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedOptions,
	IDeduplicationOutput,
	INode,
} from 'n8n-workflow';

interface Row {
	mode: string;
	data: string[];
}

export class ProcessedDataStore {
	/** `${workflowId}|${context}` → the row n8n keeps in `processed_data`. */
	readonly rows = new Map<string, Row>();

	constructor(readonly workflowId = 'test-workflow') {}

	private key(scope: DeduplicationScope, node: INode): string {
		return `${this.workflowId}|${scope === 'node' ? `n:${node.id}` : ''}`;
	}

	private row(scope: DeduplicationScope, node: INode, options: ICheckProcessedOptions) {
		if (options.mode !== 'entries')
			throw new Error(`the test store implements only mode "entries", not "${options.mode}"`);
		const row = this.rows.get(this.key(scope, node));
		if (row && row.mode !== options.mode)
			throw new Error(
				'Deduplication data was originally saved with an incompatible setting of the ‘Keep Items Where’ parameter.',
			);
		return row;
	}

	static hash(value: DeduplicationItemTypes): string {
		return createHash('md5').update(value.toString()).digest('base64');
	}

	/** The helpers n8n gives an execute context, bound to its node. */
	helpers(node: INode) {
		return {
			checkProcessedAndRecord: async (
				items: DeduplicationItemTypes[],
				scope: DeduplicationScope,
				options: ICheckProcessedOptions,
			): Promise<IDeduplicationOutput> => {
				const hashes = items.map(ProcessedDataStore.hash);
				const row = this.row(scope, node, options);
				if (!row) {
					const data = options.maxEntries ? hashes.slice(-options.maxEntries) : hashes;
					this.rows.set(this.key(scope, node), { mode: options.mode, data: [...data] });
					return { new: items, processed: [] };
				}
				const known = new Set(row.data);
				const out: IDeduplicationOutput = { new: [], processed: [] };
				hashes.forEach((hash, i) => {
					if (known.has(hash)) out.processed.push(items[i]);
					else {
						out.new.push(items[i]);
						row.data.push(hash);
					}
				});
				if (options.maxEntries && row.data.length > options.maxEntries)
					row.data.splice(0, row.data.length - options.maxEntries);
				return out;
			},
			removeProcessed: async (
				items: DeduplicationItemTypes[],
				scope: DeduplicationScope,
				options: ICheckProcessedOptions,
			): Promise<void> => {
				const row = this.row(scope, node, options);
				if (!row) return;
				for (const hash of items.map(ProcessedDataStore.hash)) {
					const at = row.data.indexOf(hash);
					if (at !== -1) row.data.splice(at, 1);
				}
			},
		};
	}
}
