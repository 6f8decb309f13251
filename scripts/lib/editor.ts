/**
 * The workflow as a newcomer sees it in n8n's editor, in a real headless Chromium: the label of the big
 * "Execute workflow" button at the bottom of the canvas (which trigger a first click starts from), and
 * a screenshot. Needs Chromium (`apt-get install chromium`) and playwright-core (resolved from the
 * project, or from the folder in PLAYWRIGHT_CORE_DIR); without them the check says so and is skipped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Session } from './n8n';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function loadPlaywright(): any | undefined {
	const candidates = [process.env.PLAYWRIGHT_CORE_DIR, undefined];
	for (const dir of candidates) {
		try {
			const resolved = require.resolve('playwright-core', dir ? { paths: [dir] } : undefined);
			return require(resolved);
		} catch {
			// try the next place
		}
	}
	return undefined;
}

export type EditorCheck =
	| { ok: true; label: string; screenshot: string }
	| { ok: false; skipped: true; why: string }
	| { ok: false; skipped: false; why: string; screenshot?: string };

/** Opens the workflow in the editor and reads the bottom run button's label. */
export async function editorRunButton(
	session: Session,
	workflowId: string,
	screenshot: string,
): Promise<EditorCheck> {
	const pw = loadPlaywright();
	if (!pw)
		return {
			ok: false,
			skipped: true,
			why: 'playwright-core not found (npm install it in a folder and set PLAYWRIGHT_CORE_DIR)',
		};
	if (!fs.existsSync(CHROMIUM))
		return {
			ok: false,
			skipped: true,
			why: `no Chromium at ${CHROMIUM} (apt-get install chromium)`,
		};
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-editor-'));
	const context = await pw.chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		args: FLAGS,
		headless: true,
		viewport: { width: 1600, height: 1000 },
	});
	try {
		const url = new URL(session.url);
		const [name, ...rest] = session.cookie.split(';')[0].split('=');
		await context.addCookies([{ name, value: rest.join('='), domain: url.hostname, path: '/' }]);
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`${session.url}/workflow/${workflowId}`, {
			waitUntil: 'domcontentloaded',
			timeout: 60_000,
		});
		const button = page.locator('[data-test-id="execute-workflow-button"]').first();
		await button.waitFor({ state: 'visible', timeout: 60_000 });
		await page.waitForTimeout(1500);
		const label = (await button.innerText()).replace(/\s+/g, ' ').trim();
		await page.screenshot({ path: screenshot });
		return { ok: true, label, screenshot };
	} catch (error) {
		let shot: string | undefined;
		try {
			const page = context.pages()[0];
			if (page) {
				await page.screenshot({ path: screenshot });
				shot = screenshot;
			}
		} catch {
			// no screenshot then
		}
		return {
			ok: false,
			skipped: false,
			why: (error as Error).message.split('\n')[0],
			screenshot: shot,
		};
	} finally {
		await context.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}
