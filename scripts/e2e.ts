/**
 * Smoke test against a real n8n 2.40.7 (scripts/lib/n8n.ts): install n8n (cached), install the packed
 * package into a fresh user folder, start the fake HiBob/Remote servers, import credentials pointing at
 * them, check that the server registers every node and credential of package.json's `n8n` section, then
 * import and `n8n execute` a Manual Trigger → HiBob workflow.
 *
 * Run with `npm run test:e2e` (builds first). KEEP_E2E=1 keeps the temp user folder for inspection.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

import {
	addCleanup,
	ensureN8n,
	execute,
	fetchNodeTypes,
	importCredentials,
	importWorkflow,
	installPackage,
	nodeItems,
	ownerSession,
	PACKAGE_NAME,
	packageTypes,
	projectRoot,
	secs,
	spawnGroup,
	startServer,
	stopGroup,
	type N8nServer,
	type PackageTypes,
	type RegisteredTypes,
} from './lib/n8n';

interface FakesInfo {
	hibobUrl: string;
	remoteUrl: string;
	hibobServiceUserId: string;
	hibobToken: string;
	remoteToken: string;
}

const results: Array<{ name: string; ok: boolean; detail?: string }> = [];
const phases: Array<{ name: string; ms: number }> = [];

function check(name: string, ok: boolean, detail?: string): boolean {
	results.push({ name, ok, detail });
	console.log(`${ok ? '  PASS' : '  FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
	return ok;
}

function warn(msg: string): void {
	console.log(`  WARN ${msg}`);
}

async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
	console.log(`\n== ${name}`);
	const start = Date.now();
	try {
		return await fn();
	} finally {
		const ms = Date.now() - start;
		phases.push({ name, ms });
		console.log(`   (${secs(ms)})`);
	}
}

/** Start `node .build/scripts/fakes.js --company small` and read its JSON line. */
async function startFakes(root: string): Promise<{ child: ChildProcess; info: FakesInfo } | undefined> {
	const script = path.join(root, '.build', 'scripts', 'fakes.js');
	if (!fs.existsSync(script)) return undefined;
	// own process group, killed on stop, on our exit and on SIGINT (spawnGroup)
	const child = spawnGroup(process.execPath, [script, '--company', 'small'], { cwd: root });
	child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[fakes] ${d.toString('utf8')}`));
	const info = await new Promise<FakesInfo>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('fakes printed no JSON line within 30 s')), 30_000);
		const lines = readline.createInterface({ input: child.stdout! });
		lines.on('line', (line) => {
			try {
				const v = JSON.parse(line);
				if (v && typeof v.hibobUrl === 'string' && typeof v.remoteUrl === 'string') {
					clearTimeout(timer);
					resolve(v);
				}
			} catch {
				// a log line
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`fakes exited (${code}) before printing their URLs`));
		});
	});
	child.stdout!.resume();
	return { child, info };
}

/** Checks every declared node/credential; returns false when one is not registered. */
function checkRegistered(types: PackageTypes, registered: RegisteredTypes): boolean {
	let all = true;
	const ours = registered.nodes.filter((n) => n.name.startsWith(`${PACKAGE_NAME}.`));
	console.log(`   registered node types of ${PACKAGE_NAME} (${ours.length}):`);
	for (const n of ours) console.log(`     ${n.name}  v${JSON.stringify(n.version)}  "${n.displayName}"`);
	const credNames = new Set(types.credentials.map((c) => c.name));
	const ourCreds = registered.credentials.filter((c) => credNames.has(c.name));
	console.log(`   registered credential types of the package (${ourCreds.length}):`);
	for (const c of ourCreds) {
		console.log(`     ${c.name}  "${c.displayName}"  used by: ${(c.supportedNodes ?? []).join(', ') || '-'}`);
	}
	const nodeNames = new Set(registered.nodes.map((n) => n.name));
	for (const { name, file } of types.nodes) {
		all = check(`node ${PACKAGE_NAME}.${name} registered`, nodeNames.has(`${PACKAGE_NAME}.${name}`), file) && all;
	}
	// n8n keeps credential type names bare (no package prefix), e.g. "hiBobApi".
	const registeredCreds = new Set(registered.credentials.map((c) => c.name));
	for (const { name, file } of types.credentials) {
		all = check(`credential ${name} registered`, registeredCreds.has(name), file) && all;
	}
	const declared = new Set(types.nodes.map((n) => `${PACKAGE_NAME}.${n.name}`));
	for (const n of ours) {
		if (declared.has(n.name)) continue;
		// n8n derives an AI-agent tool variant `<name>Tool` from every node with `usableAsTool: true`
		if (n.name.endsWith('Tool') && declared.has(n.name.slice(0, -'Tool'.length))) {
			console.log(`   ${n.name}: tool variant n8n derived from ${n.name.slice(0, -'Tool'.length)} (usableAsTool)`);
		} else warn(`${n.name} is registered but not declared in package.json`);
	}
	if (types.nodes.length === 0) warn('package.json declares no nodes yet');
	if (types.credentials.length === 0) warn('package.json declares no credentials yet');
	return all;
}

async function fakeCounters(url: string): Promise<unknown> {
	const res = await fetch(`${url.replace(/\/+$/, '')}/__fake/counters`);
	return res.ok ? res.json() : `HTTP ${res.status}`;
}

function sumNumbers(v: unknown): number {
	if (typeof v === 'number') return v;
	if (v && typeof v === 'object') return Object.values(v).reduce((s: number, x) => s + sumNumbers(x), 0);
	return 0;
}

async function main(): Promise<number> {
	const started = Date.now();
	const root = projectRoot();
	const keep = process.env.KEEP_E2E === '1';
	let userFolder: string | undefined;
	let server: N8nServer | undefined;
	let fakes: { child: ChildProcess; info: FakesInfo } | undefined;
	let installMs = 0;
	let cold = false;

	try {
		const paths = await phase('ensure n8n', ensureN8n);
		installMs = paths.ms;
		cold = paths.cold;
		check('n8n installed', fs.existsSync(paths.n8nBin), `${paths.n8nDir} (${cold ? 'cold' : 'warm'})`);

		const types = await phase('build check', async () => {
			const dist = path.join(root, 'dist');
			check('dist/ exists (npm run build)', fs.existsSync(dist), dist);
			const t = packageTypes(root);
			for (const f of [...t.nodes, ...t.credentials]) {
				check(`built file ${f.file}`, fs.existsSync(path.join(root, f.file)));
			}
			for (const w of t.warnings) warn(w);
			console.log(`   package.json n8n section: nodes [${t.nodes.map((n) => n.name).join(', ')}], credentials [${t.credentials.map((c) => c.name).join(', ')}]`);
			return t;
		});

		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-hibob-remote-e2e-'));
		const uf = userFolder;
		// also on Ctrl-C (the finally below does not run then)
		if (!keep) addCleanup(() => fs.rmSync(uf, { recursive: true, force: true }));
		console.log(`\nuser folder: ${uf}${keep ? ' (kept: KEEP_E2E=1)' : ''}`);

		await phase('install packed package', async () => {
			const pkg = await installPackage(uf);
			check('package installed into .n8n/nodes', fs.existsSync(path.join(pkg.dir, 'package.json')), `${pkg.tarball} → ${pkg.dir}`);
		});

		fakes = await phase('start fakes', async () => {
			const f = await startFakes(root);
			if (!f) {
				warn('.build/scripts/fakes.js does not exist yet: skipping the fakes (credentials point at a closed port)');
				return undefined;
			}
			console.log(`   HiBob fake ${f.info.hibobUrl}, Remote fake ${f.info.remoteUrl}`);
			return f;
		});

		const credIds = await phase('import credentials', async () => {
			const [hibobId, remoteId] = await importCredentials(uf, [
				{
					name: 'HiBob (fake)',
					type: 'hiBobApi',
					data: {
						serviceUserId: fakes?.info.hibobServiceUserId ?? 'SERVICE-E2E',
						token: fakes?.info.hibobToken ?? 'e2e-token',
						environment: 'custom',
						customUrl: fakes?.info.hibobUrl ?? 'http://127.0.0.1:9',
					},
				},
				{
					name: 'Remote (fake)',
					type: 'remoteApi',
					data: {
						apiToken: fakes?.info.remoteToken ?? 'ra_test_e2e',
						environment: 'custom',
						customUrl: fakes?.info.remoteUrl ?? 'http://127.0.0.1:9',
					},
				},
			]);
			check('credentials imported', true, `hiBobApi ${hibobId}, remoteApi ${remoteId}`);
			return { hibobId, remoteId };
		});

		const registered = await phase('server start + registered types', async () => {
			server = await startServer(uf);
			check('server ready (GET /healthz/readiness 200)', true, `${server.url} after ${secs(server.readyMs)}`);
			const session = await ownerSession(server.url);
			const reg = await fetchNodeTypes(server.url, session);
			console.log(`   /types/nodes.json: ${reg.nodes.length} node types, /types/credentials.json: ${reg.credentials.length}`);
			if (!checkRegistered(types, reg)) {
				// n8n skips the whole package when one declared file is missing or throws; show why
				const lines = fs.readFileSync(server.logFile, 'utf8').split('\n');
				const why = lines.flatMap((l, i) => (/Failed to load (package|node|credential)/i.test(l) ? [l, lines[i + 1] ?? ''] : []));
				if (why.length) console.log(`   from the n8n server log:\n     ${why.slice(0, 12).join('\n     ')}`);
			}
			return reg;
		});
		const serverReadyMs = server!.readyMs;

		await phase('server stop', async () => {
			await server!.stop();
			server = undefined;
		});

		const hiBob = types.nodes.find((n) => n.name === 'hiBob');
		const useHiBob = !!hiBob && !!fakes;
		const workflowId = await phase('import workflow', async () => {
			let wf: Record<string, any>;
			if (useHiBob) {
				const desc = registered.nodes.find((n) => n.name === `${PACKAGE_NAME}.hiBob`);
				const version = Array.isArray(desc?.version) ? Math.max(...desc!.version) : (desc?.version ?? 1);
				wf = {
					name: 'e2e: Manual Trigger → HiBob get employees',
					nodes: [
						{ id: 'e2e-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: 'e2e-hibob',
							name: 'HiBob',
							type: `${PACKAGE_NAME}.hiBob`,
							typeVersion: version,
							position: [220, 0],
							parameters: { resource: 'employee', operation: 'getEmployees' },
							credentials: { hiBobApi: { id: credIds.hibobId, name: 'HiBob (fake)' } },
						},
					],
					connections: { Start: { main: [[{ node: 'HiBob', type: 'main', index: 0 }]] } },
					settings: { executionOrder: 'v1' },
				};
			} else {
				warn(
					!hiBob
						? 'package.json has no hiBob node yet: running Manual Trigger → No Operation instead, only to prove `n8n execute` works'
						: 'fakes unavailable: running Manual Trigger → No Operation instead of HiBob',
				);
				wf = {
					name: 'e2e: Manual Trigger → No Operation',
					nodes: [
						{ id: 'e2e-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{ id: 'e2e-noop', name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
					],
					connections: { Start: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
					settings: { executionOrder: 'v1' },
				};
			}
			const id = await importWorkflow(uf, wf);
			check('workflow imported', true, `${id} "${wf.name}"`);
			return id;
		});

		const before = fakes ? await fakeCounters(fakes.info.hibobUrl).catch(() => undefined) : undefined;
		const executeMs = await phase('n8n execute', async () => {
			const res = await execute(uf, workflowId);
			check('n8n execute succeeded', res.ok, res.ok ? `exit ${res.code}, status ${res.run?.status}` : res.error);
			const step = useHiBob ? 'HiBob' : 'No Operation';
			const items = nodeItems(res.run, step);
			check(`${step} step produced items`, items.length > 0, `${items.length} item(s)`);
			if (items.length) console.log(`   first item: ${JSON.stringify(items[0]).slice(0, 300)}`);
			return res.ms;
		});
		if (fakes && useHiBob) {
			const after = await fakeCounters(fakes.info.hibobUrl).catch((e) => `unreadable: ${e.message}`);
			console.log(`   HiBob fake counters: ${JSON.stringify(after).slice(0, 400)}`);
			if (!(sumNumbers(after) > sumNumbers(before))) warn('HiBob fake counters did not grow during the run');
		}

		const total = Date.now() - started;
		console.log('\n== timings');
		for (const p of phases) console.log(`   ${p.name.padEnd(34)} ${secs(p.ms).padStart(8)}`);
		console.log(`   n8n install: ${secs(installMs)} (${cold ? 'cold: installed now' : 'warm: cache reused'}); rest: ${secs(total - installMs)}; total: ${secs(total)}`);
		console.log(`   server readiness ${secs(serverReadyMs)}, execute ${secs(executeMs)}`);
	} catch (e) {
		check('e2e ran to the end', false, e.stack ?? String(e));
		if (server) console.log(`--- n8n server log tail ---\n${server.logTail(60)}`);
	} finally {
		if (server) await server.stop().catch(() => undefined);
		if (fakes) await stopGroup(fakes.child, 5_000).catch(() => undefined);
		if (userFolder && !keep) fs.rmSync(userFolder, { recursive: true, force: true });
		else if (userFolder) console.log(`kept user folder: ${userFolder}`);
	}

	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	console.log(`\ne2e: ${passed} passed, ${failed} failed`);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);
