/**
 * Option fields and settings shared by the sync nodes, so that "Dry Run", "Output Summary Item", "Output"
 * and "Timezone" read and behave the same everywhere.
 */
import { DateTime } from 'luxon';
import type { IDataObject, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The subtitle of both Remote sync nodes: "Dry run" when the option is on, else what the node does.
 * (The other header fields stay written out in each node: n8n's lint rules read them there.)
 */
export function dryRunSubtitle(whatItDoes: string): string {
	return `={{$parameter["options"]["dryRun"] === true ? "Dry run" : typeof $parameter["options"]["dryRun"] === "string" ? "Dry run: see options" : "${whatItDoes}"}}`;
}

export const dryRunOption: INodeProperties = {
	displayName: 'Dry Run',
	name: 'dryRun',
	type: 'boolean',
	default: false,
	description: 'Whether to only report what would change, sending no write request to Remote',
};

export const summaryOption: INodeProperties = {
	displayName: 'Output Summary Item',
	name: 'summary',
	type: 'boolean',
	default: false,
	description: 'Whether to add one last item with counts by outcome and reason',
};

export const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'Changes and Problems Only',
			value: 'changes',
			description:
				"Only the items that were created, updated or failed, or that need someone to act; keeps large runs small in n8n's execution history",
		},
		{
			name: 'Everything',
			value: 'all',
			description: 'One item for every input item, whatever happened',
		},
	],
	default: 'all',
	description:
		'Which result items the node emits (the summary item, when on, always counts everything)',
};

/** The items kept by the Output option: everything, or only what changed or needs a human. */
export function keepOutput(
	mode: unknown,
	items: INodeExecutionData[],
	needsAHuman: (json: IDataObject) => boolean,
): INodeExecutionData[] {
	if (mode !== 'changes') return items;
	return items.filter(
		(i) =>
			i.json.summary === true ||
			['created', 'updated', 'failed'].includes(String(i.json.outcome)) ||
			needsAHuman(i.json),
	);
}

export function timezoneOption(whatFor: string): INodeProperties {
	return {
		displayName: 'Timezone',
		name: 'timezone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Berlin',
		description: `The timezone that decides what "today" is${whatFor}. Empty: UTC.`,
	};
}

/** "Today" is the date in UTC unless the node is given a timezone; a wrong name stops the node. */
export function resolveTimezone(node: INode, configured: unknown): string {
	const timezone = typeof configured === 'string' ? configured.trim() : '';
	if (!timezone) return 'UTC';
	if (!DateTime.now().setZone(timezone).isValid) {
		throw new NodeOperationError(node, `"${timezone}" is not a timezone`, {
			description:
				'Use an IANA timezone name such as Europe/Berlin or America/New_York, or leave it empty for UTC.',
		});
	}
	return timezone;
}
