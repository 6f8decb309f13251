// ESLint rules for the shipped workflow templates (templates/*.json), so `eslint templates` checks what
// can be checked without an n8n: valid JSON, node types users can load, credential placeholders, no
// secrets or instance ids, and connections that name existing nodes. The e2e test (scripts/e2e.ts) checks
// the rest against a running n8n 2.40.7 (registered types and versions) and runs the template.
const PACKAGE = 'n8n-nodes-hibob-remote';

/** A parser that keeps the text only: the rule reads `sourceCode.text` and parses it as JSON itself. */
export const jsonTextParser = {
	meta: { name: 'template-json-text' },
	parseForESLint(text) {
		const lines = text.split('\n');
		return {
			ast: {
				type: 'Program',
				body: [],
				sourceType: 'module',
				comments: [],
				tokens: [],
				range: [0, text.length],
				loc: {
					start: { line: 1, column: 0 },
					end: { line: lines.length, column: lines[lines.length - 1].length },
				},
			},
			visitorKeys: { Program: [] },
		};
	},
};

function problems(wf) {
	const out = [];
	if (
		!wf ||
		typeof wf !== 'object' ||
		!Array.isArray(wf.nodes) ||
		typeof wf.connections !== 'object'
	) {
		return ['not a workflow: needs "nodes" (array) and "connections" (object)'];
	}
	const names = new Set();
	for (const node of wf.nodes) {
		if (names.has(node.name)) out.push(`node name "${node.name}" is used twice`);
		names.add(node.name);
		if (
			typeof node.type !== 'string' ||
			!(node.type.startsWith('n8n-nodes-base.') || node.type.startsWith(`${PACKAGE}.`))
		) {
			out.push(
				`"${node.name}": type "${node.type}" is neither n8n-nodes-base.* nor ${PACKAGE}.* (CUSTOM.* only exists in n8n-node dev)`,
			);
		}
		if (/\.(code|function|functionItem|executeCommand)$/.test(node.type ?? ''))
			out.push(`"${node.name}": no Code/Function nodes in templates`);
		if (typeof node.typeVersion !== 'number') out.push(`"${node.name}": typeVersion missing`);
		if (!Array.isArray(node.position) || node.position.length !== 2)
			out.push(`"${node.name}": position [x, y] missing`);
		for (const [type, cred] of Object.entries(node.credentials ?? {})) {
			if (!cred || cred.id !== '' || typeof cred.name !== 'string' || !cred.name) {
				out.push(
					`"${node.name}": credential ${type} must be a placeholder {"id": "", "name": "..."} for the user to pick`,
				);
			}
		}
		if (node.type === `${PACKAGE}.hiBobTrigger`) {
			if (node.parameters?.secret) out.push(`"${node.name}": the webhook secret must ship empty`);
			if (node.webhookId !== undefined)
				out.push(
					`"${node.name}": must not ship a webhookId (every install would share one webhook path; n8n assigns one on import)`,
				);
		}
	}
	for (const [from, byType] of Object.entries(wf.connections)) {
		if (!names.has(from)) out.push(`connections: no node "${from}"`);
		for (const outputs of Object.values(byType ?? {})) {
			for (const links of outputs ?? []) {
				for (const link of links ?? [])
					if (!names.has(link.node))
						out.push(`connections: "${from}" → missing node "${link.node}"`);
			}
		}
	}
	if (wf.meta?.templateCredsSetupCompleted !== false)
		out.push('meta.templateCredsSetupCompleted must be false');
	if (wf.meta?.instanceId !== undefined || wf.id !== undefined)
		out.push('remove "id" and "meta.instanceId" (they belong to one n8n instance)');
	if (wf.settings?.executionOrder !== 'v1') out.push('settings.executionOrder must be "v1"');
	return out;
}

export const templatePlugin = {
	meta: { name: 'hibob-remote-templates' },
	rules: {
		'valid-template': {
			meta: {
				type: 'problem',
				docs: { description: 'A workflow template users can import as it is' },
				schema: [],
			},
			create(context) {
				return {
					Program(node) {
						let wf;
						try {
							wf = JSON.parse(context.sourceCode.text);
						} catch (e) {
							context.report({ node, message: `not valid JSON: ${e.message}` });
							return;
						}
						for (const message of problems(wf)) context.report({ node, message });
					},
				};
			},
		},
	},
};
