/**
 * Option fields and settings shared by the sync nodes, so that "Dry Run", "Output Summary Item" and
 * "Timezone" read and behave the same everywhere.
 */
import { DateTime } from 'luxon';
import type { INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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
			description: 'Use an IANA timezone name such as Europe/Berlin or America/New_York, or leave it empty for UTC.',
		});
	}
	return timezone;
}
