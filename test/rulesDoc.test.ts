/**
 * The rules travel with the code: every rule id that the shipped code cites, and every rule id a test title
 * starts with, is defined in docs/sync-rules.md; and every rule defined there is proved by at least one test
 * whose title starts with its id.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const RULE_ID = /\b([SEMNUTR][1-9])\b/g;

function filesUnder(dir: string, ext: RegExp): string[] {
	const out: string[] = [];
	for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
		const rel = path.join(dir, entry.name);
		if (entry.isDirectory()) out.push(...filesUnder(rel, ext));
		else if (ext.test(entry.name)) out.push(rel);
	}
	return out;
}

function definedRules(): Set<string> {
	const doc = fs.readFileSync(path.join(root, 'docs', 'sync-rules.md'), 'utf8');
	return new Set([...doc.matchAll(/^- \*\*([SEMNUTR][1-9]) —/gm)].map((m) => m[1]));
}

/** Rule ids at the start of test titles (it, test or describe, e.g. an M2 title starts with "M2:"). */
function testedRules(): Map<string, string[]> {
	const tested = new Map<string, string[]>();
	for (const file of filesUnder('test', /\.test\.ts$/)) {
		if (file.endsWith('rulesDoc.test.ts')) continue;
		const text = fs.readFileSync(path.join(root, file), 'utf8');
		for (const m of text.matchAll(
			/\b(?:it|test|describe)(?:\.each\([^)]*\))?\(\s*[`'"]([SEMNUTR][1-9])[:. ]/g,
		)) {
			tested.set(m[1], [...(tested.get(m[1]) ?? []), file]);
		}
	}
	return tested;
}

describe('docs/sync-rules.md', () => {
	const defined = definedRules();

	it('defines every rule family (S, E, M, N, U, T, R) with its ids in order', () => {
		const ids = [...defined];
		expect(ids.length).toBeGreaterThanOrEqual(40);
		for (const family of 'SEMNUTR') {
			const numbers = ids.filter((id) => id[0] === family).map((id) => Number(id.slice(1)));
			expect(numbers.length).toBeGreaterThan(0);
			expect(numbers).toEqual(numbers.map((_, i) => i + 1));
		}
	});

	it('defines every rule id that the shipped code cites', () => {
		const undefinedIds: string[] = [];
		for (const file of [...filesUnder('nodes', /\.ts$/), ...filesUnder('credentials', /\.ts$/)]) {
			const text = fs.readFileSync(path.join(root, file), 'utf8');
			for (const m of text.matchAll(RULE_ID)) {
				if (!defined.has(m[1])) undefinedIds.push(`${file}: ${m[1]}`);
			}
		}
		expect(undefinedIds).toEqual([]);
	});

	it('defines every rule id that a test title starts with, and every defined rule has a test', () => {
		const tested = testedRules();
		expect([...tested.keys()].filter((id) => !defined.has(id))).toEqual([]);
		expect([...defined].filter((id) => !tested.has(id))).toEqual([]);
	});
});
