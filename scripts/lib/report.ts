/**
 * Reading a run of the template back: one row per person (HiBob read joined with the Remote Upsert
 * output) and per time-off request, the lanes' summary items, and a plain-text table that stays readable
 * in 100 columns (the message goes on its own wrapped lines under each row).
 */
import { nodeItems, type ExecutionRun } from './n8n';
import { employeeNodes, timeOffNodes, type WorkflowJson } from './template';

export interface PersonRow {
	hibobId: string;
	person: string;
	kind: string;
	outcome: string;
	reason: string;
	message: string;
	remoteEmploymentId: string | null;
	changes: string[];
	heldBack: string[];
}

export interface TimeOffRow {
	requestId: string;
	hibobId: string;
	person: string;
	what: string;
	outcome: string;
	reason: string;
	message: string;
}

export interface LaneResult<Row> {
	/** The lane's node ran in this execution. */
	ran: boolean;
	rows: Row[];
	/** The summary item the write node emits (`summary: true`). */
	summaryItem?: Record<string, any>;
	/** The lane's readable run summary (the Set node after the filter). */
	readable?: Record<string, any>;
}

const KIND_LABEL: Record<string, string> = {
	employee: 'EOR',
	contractor: 'contractor',
	global_payroll_employee: 'GP',
};

export function kindLabel(kind: unknown): string {
	return typeof kind === 'string' ? (KIND_LABEL[kind] ?? kind) : '-';
}

function ran(run: ExecutionRun | undefined, node: string): boolean {
	return !!run?.data.resultData.runData[node]?.length;
}

export function employeeResult(
	run: ExecutionRun | undefined,
	wf: WorkflowJson,
): LaneResult<PersonRow> {
	const names = employeeNodes(wf);
	const people = names.read ? nodeItems(run, names.read) : [];
	const byId = new Map(people.map((p) => [String(p.hibobId), p]));
	const out = nodeItems(run, names.upsert);
	const rows: PersonRow[] = out
		.filter((o) => o.summary !== true)
		.map((o) => {
			const p = byId.get(String(o.hibobId));
			const name =
				typeof o.name === 'string' && o.name
					? o.name
					: p
						? String(p.fullName ?? [p.firstName, p.lastName].filter(Boolean).join(' '))
						: '';
			return {
				hibobId: String(o.hibobId),
				person: name || `id ${o.hibobId}`,
				kind: kindLabel(o.kind ?? p?.kind),
				outcome: String(o.outcome),
				reason: String(o.reason),
				message: String(o.message ?? ''),
				remoteEmploymentId: (o.remoteEmploymentId as string | null) ?? null,
				changes: ((o.changes as Array<{ field: string }>) ?? []).map((c) => c.field),
				heldBack: ((o.heldBack as Array<{ field: string; reason: string }>) ?? []).map(
					(h) => `${h.field}:${h.reason}`,
				),
			};
		});
	return {
		ran: ran(run, names.upsert),
		rows,
		summaryItem: out.find((o) => o.summary === true),
		readable: nodeItems(run, names.summary)[0],
	};
}

export function timeOffResult(
	run: ExecutionRun | undefined,
	wf: WorkflowJson,
): LaneResult<TimeOffRow> {
	const names = timeOffNodes(wf);
	const requests = names.reads.flatMap((n) => nodeItems(run, n));
	const byId = new Map(requests.map((r) => [String(r.requestId), r]));
	const out = names.syncs.flatMap((n) => nodeItems(run, n));
	const rows: TimeOffRow[] = out
		.filter((o) => o.summary !== true)
		.map((o) => {
			const r = byId.get(String(o.requestId));
			const dates = o.startDate
				? o.startDate === o.endDate
					? String(o.startDate)
					: `${o.startDate}..${o.endDate}`
				: '';
			return {
				requestId: String(o.requestId),
				hibobId: String(o.hibobId),
				person: String(r?.employeeDisplayName ?? o.name ?? `HiBob ${o.hibobId}`),
				what: [o.policyType, dates].filter(Boolean).join(' '),
				outcome: String(o.outcome),
				reason: String(o.reason),
				message: String(o.message ?? ''),
			};
		});
	return {
		ran: names.syncs.some((n) => ran(run, n)),
		rows,
		summaryItem: out.find((o) => o.summary === true),
		readable: nodeItems(run, names.summary)[0],
	};
}

/** Counts of rows by outcome, in the vocabulary order. */
export function countByOutcome(rows: Array<{ outcome: string }>): Record<string, number> {
	const counts: Record<string, number> = {
		created: 0,
		updated: 0,
		unchanged: 0,
		skipped: 0,
		failed: 0,
	};
	for (const r of rows) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
	return counts;
}

export function formatCounts(counts: Record<string, number>): string {
	return Object.entries(counts)
		.map(([k, v]) => `${v} ${k}`)
		.join(', ');
}

function wrap(text: string, width: number): string[] {
	const words = text.replace(/\s+/g, ' ').trim().split(' ');
	const lines: string[] = [];
	let line = '';
	for (let word of words) {
		while (word.length > width) {
			if (line) {
				lines.push(line);
				line = '';
			}
			lines.push(word.slice(0, width));
			word = word.slice(width);
		}
		if (!line) line = word;
		else if (line.length + 1 + word.length <= width) line += ` ${word}`;
		else {
			lines.push(line);
			line = word;
		}
	}
	if (line) lines.push(line);
	return lines.length ? lines : [''];
}

function fit(text: string, width: number): string {
	return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

export interface Column {
	title: string;
	width: number;
}

/**
 * A table whose last field (the message) is printed under its row, indented and wrapped, so every line
 * stays within `totalWidth` columns.
 */
export function formatTable(
	columns: Column[],
	rows: Array<{ cells: string[]; message: string }>,
	totalWidth = 100,
): string {
	const lines: string[] = [];
	const header = columns
		.map((c) => fit(c.title, c.width))
		.join('  ')
		.trimEnd();
	lines.push(header);
	lines.push(columns.map((c) => '─'.repeat(c.width)).join('  '));
	const indent = '    ';
	for (const row of rows) {
		lines.push(
			columns
				.map((c, i) => fit(row.cells[i] ?? '', c.width))
				.join('  ')
				.trimEnd(),
		);
		if (row.message)
			for (const l of wrap(row.message, totalWidth - indent.length)) lines.push(`${indent}${l}`);
	}
	return lines.join('\n');
}

export function peopleTable(rows: PersonRow[]): string {
	return formatTable(
		[
			{ title: 'person', width: 22 },
			{ title: 'kind', width: 10 },
			{ title: 'outcome', width: 9 },
			{ title: 'reason', width: 28 },
		],
		rows.map((r) => ({ cells: [r.person, r.kind, r.outcome, r.reason], message: r.message })),
	);
}

export function timeOffTable(rows: TimeOffRow[]): string {
	return formatTable(
		[
			{ title: 'person', width: 18 },
			{ title: 'time off', width: 30 },
			{ title: 'outcome', width: 9 },
			{ title: 'reason', width: 24 },
		],
		rows.map((r) => ({ cells: [r.person, r.what, r.outcome, r.reason], message: r.message })),
	);
}
