import { allCountries, countryName, toAlpha2, toAlpha3 } from '../nodes/shared/core/countries';

describe('countries table', () => {
	const countries = allCountries();

	it('holds every ISO 3166-1 country once', () => {
		expect(countries).toHaveLength(249);
		expect(new Set(countries.map((c) => c.alpha2)).size).toBe(249);
		expect(new Set(countries.map((c) => c.alpha3)).size).toBe(249);
		for (const country of countries) {
			expect(country.alpha2).toMatch(/^[A-Z]{2}$/);
			expect(country.alpha3).toMatch(/^[A-Z]{3}$/);
			expect(country.name.length).toBeGreaterThan(2);
		}
	});

	it('uses alpha-2 codes the Unicode CLDR knows as regions', () => {
		const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
		for (const country of countries)
			expect([country.alpha2, regions.of(country.alpha2)]).toEqual([
				country.alpha2,
				expect.any(String),
			]);
	});

	it('round-trips every alpha-2, alpha-3 and name, in any case', () => {
		for (const { alpha2, alpha3, name } of countries) {
			expect([alpha2, toAlpha3(alpha2)]).toEqual([alpha2, alpha3]);
			expect([alpha2, toAlpha3(alpha2.toLowerCase())]).toEqual([alpha2, alpha3]);
			expect([alpha3, toAlpha3(alpha3)]).toEqual([alpha3, alpha3]);
			expect([alpha3, toAlpha3(alpha3.toLowerCase())]).toEqual([alpha3, alpha3]);
			expect([name, toAlpha3(name)]).toEqual([name, alpha3]);
			expect([name, toAlpha3(name.toUpperCase())]).toEqual([name, alpha3]);
			expect(toAlpha2(alpha3)).toBe(alpha2);
			expect(countryName(alpha3)).toBe(name);
			expect(countryName(alpha3.toLowerCase())).toBe(name);
		}
	});

	it('maps every alias to its own country (no alias is taken by another country)', () => {
		for (const { alpha3, aliases } of countries) {
			for (const alias of aliases) expect([alias, toAlpha3(alias)]).toEqual([alias, alpha3]);
		}
	});

	it('recognises the names the Unicode CLDR uses in English', () => {
		// The spellings Intl.DisplayNames gives where they differ from ISO's (Node 20's ICU).
		const cldr: Array<[string, string]> = [
			['South Georgia & South Sandwich Islands', 'SGS'],
			['Hong Kong SAR China', 'HKG'],
			['Heard & McDonald Islands', 'HMD'],
			['Myanmar (Burma)', 'MMR'],
			['Macao SAR China', 'MAC'],
			['U.S. Outlying Islands', 'UMI'],
			['St. Vincent & Grenadines', 'VCT'],
			['St. Kitts & Nevis', 'KNA'],
			['Bosnia & Herzegovina', 'BIH'],
			['Congo - Kinshasa', 'COD'],
			['Congo - Brazzaville', 'COG'],
			['Czechia', 'CZE'],
			['Türkiye', 'TUR'],
		];
		for (const [name, alpha3] of cldr) expect([name, toAlpha3(name)]).toEqual([name, alpha3]);
	});
});

describe('toAlpha3', () => {
	it.each([
		['United States', 'USA'],
		['USA', 'USA'],
		['United States of America', 'USA'],
		['US', 'USA'],
		['U.S.A.', 'USA'],
		['U.S.', 'USA'],
		['UK', 'GBR'],
		['U.K.', 'GBR'],
		['United Kingdom', 'GBR'],
		['Great Britain', 'GBR'],
		['England', 'GBR'],
		['Scotland', 'GBR'],
		['Wales', 'GBR'],
		['Northern Ireland', 'GBR'],
		['GB', 'GBR'],
		['Deutschland', 'DEU'],
		['Germany', 'DEU'],
		['DE', 'DEU'],
		['Holland', 'NLD'],
		['The Netherlands', 'NLD'],
		['Netherlands', 'NLD'],
		['Czechia', 'CZE'],
		['Czech Republic', 'CZE'],
		['Türkiye', 'TUR'],
		['Turkiye', 'TUR'],
		['Turkey', 'TUR'],
		['South Korea', 'KOR'],
		['Korea, Republic of', 'KOR'],
		['North Korea', 'PRK'],
		['Russia', 'RUS'],
		['Russian Federation', 'RUS'],
		['Vietnam', 'VNM'],
		['Viet Nam', 'VNM'],
		['Ivory Coast', 'CIV'],
		["Côte d'Ivoire", 'CIV'],
		['Cote d’Ivoire', 'CIV'],
		['Cote dIvoire', 'CIV'],
		['DR Congo', 'COD'],
		['Democratic Republic of the Congo', 'COD'],
		['Congo', 'COG'],
		['Republic of the Congo', 'COG'],
		['UAE', 'ARE'],
		['Bosnia & Herzegovina', 'BIH'],
		['St. Lucia', 'LCA'],
		['St Kitts & Nevis', 'KNA'],
		['Saint Vincent and the Grenadines', 'VCT'],
		['The Bahamas', 'BHS'],
		['The Gambia', 'GMB'],
		['Cape Verde', 'CPV'],
		['Swaziland', 'SWZ'],
		['Burma', 'MMR'],
		['Macedonia', 'MKD'],
		['Moldova', 'MDA'],
		['Iran', 'IRN'],
		['Syria', 'SYR'],
		['Laos', 'LAO'],
		['Tanzania', 'TZA'],
		['Bolivia', 'BOL'],
		['Venezuela', 'VEN'],
		['Taiwan', 'TWN'],
		['Hong Kong', 'HKG'],
		['Macau', 'MAC'],
		['Palestine', 'PSE'],
		['Vatican City', 'VAT'],
		['East Timor', 'TLS'],
		['Österreich', 'AUT'],
		['Schweiz', 'CHE'],
		['España', 'ESP'],
		['Curaçao', 'CUW'],
		['Réunion', 'REU'],
		['Åland Islands', 'ALA'],
		['São Tomé and Príncipe', 'STP'],
		['Saint Barthélemy', 'BLM'],
		['México', 'MEX'],
		['Brasil', 'BRA'],
	])('%s → %s', (input, expected) => {
		expect(toAlpha3(input)).toBe(expected);
	});

	it('ignores case, surrounding whitespace, accents and dots', () => {
		expect(toAlpha3('  germany ')).toBe('DEU');
		expect(toAlpha3('GERMANY')).toBe('DEU');
		expect(toAlpha3('\tde\n')).toBe('DEU');
		expect(toAlpha3('dEu')).toBe('DEU');
		expect(toAlpha3('TÜRKIYE')).toBe('TUR');
		expect(toAlpha3('türkİye')).toBe('TUR');
		expect(toAlpha3('CÔTE D’IVOIRE')).toBe('CIV');
		expect(toAlpha3('u.s.a')).toBe('USA');
		expect(toAlpha3('u. s. a.')).toBe('USA');
		expect(toAlpha3('u.k.')).toBe('GBR');
		expect(toAlpha3('united   states')).toBe('USA');
		expect(toAlpha3('Korea, South')).toBe('KOR');
		expect(toAlpha3('guinea-bissau')).toBe('GNB');
		expect(toAlpha3('Guinea Bissau')).toBe('GNB');
		expect(toAlpha3('Guinea')).toBe('GIN');
		expect(toAlpha3('Equatorial Guinea')).toBe('GNQ');
		// Decomposed input (e + combining accent) is the same as precomposed.
		expect(toAlpha3('Re\u0301union')).toBe('REU');
	});

	it.each([
		[''],
		['   '],
		['XX'],
		['xx'],
		['ZZZ'],
		['UKR '.repeat(40)],
		['Atlantis'],
		['Europe'],
		['EU'],
		['D'],
		['DEUT'],
		['Germany!!'.replace(/!/g, '\u0000')],
		['DE\u0007'],
		['U\u0000SA'],
		['\u001bDE'],
	])('returns undefined for %j', (input) => {
		expect(toAlpha3(input)).toBeUndefined();
	});

	it('returns undefined for values that are not strings', () => {
		for (const value of [undefined, null, 276, true, {}, [], ['DE'], { alpha3: 'DEU' }]) {
			expect(toAlpha3(value)).toBeUndefined();
		}
	});

	it('does not treat object keys of the lookup table as countries', () => {
		for (const value of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
			expect(toAlpha3(value)).toBeUndefined();
		}
	});
});

describe('countryName and toAlpha2', () => {
	it('names alpha-3 codes', () => {
		expect(countryName('DEU')).toBe('Germany');
		expect(countryName('gbr')).toBe('United Kingdom');
		expect(countryName('USA')).toBe('United States');
		expect(countryName(' civ ')).toBe("Côte d'Ivoire");
	});

	it('returns undefined for anything that is not a known alpha-3 code', () => {
		for (const value of ['DE', 'Germany', 'ZZZ', '', undefined, null, 276, 'constructor']) {
			expect(countryName(value)).toBeUndefined();
		}
	});

	it('gives alpha-2 codes the same way', () => {
		expect(toAlpha2('Deutschland')).toBe('DE');
		expect(toAlpha2('GBR')).toBe('GB');
		expect(toAlpha2('nowhere')).toBeUndefined();
	});
});
