/**
 * ISO 3166-1 countries: alpha-2, alpha-3, English short name and the common ways people write them
 * (HiBob lets admins type free text into address and work-site fields; Remote wants alpha-3 codes).
 *
 * One line per country: `A2 A3 Short name|alias|alias…`. Aliases are matched the same way as names
 * (case, accents, dots, apostrophes, "&"/"and", "St"/"Saint" and a leading "The" do not matter).
 */
const DATA = `AD AND Andorra
AE ARE United Arab Emirates|UAE|Emirates|U.A.E.
AF AFG Afghanistan
AG ATG Antigua and Barbuda|Antigua
AI AIA Anguilla
AL ALB Albania|Shqiperia
AM ARM Armenia
AO AGO Angola
AQ ATA Antarctica
AR ARG Argentina
AS ASM American Samoa
AT AUT Austria|Österreich|Osterreich
AU AUS Australia
AW ABW Aruba
AX ALA Åland Islands|Aland|Åland
AZ AZE Azerbaijan
BA BIH Bosnia and Herzegovina|Bosnia|Bosnia-Herzegovina|Bosnia & Herzegovina
BB BRB Barbados
BD BGD Bangladesh
BE BEL Belgium|Belgique|België|Belgien
BF BFA Burkina Faso
BG BGR Bulgaria
BH BHR Bahrain
BI BDI Burundi
BJ BEN Benin
BL BLM Saint Barthélemy|Saint Barts|St Barths
BM BMU Bermuda
BN BRN Brunei Darussalam|Brunei
BO BOL Bolivia (Plurinational State of)|Bolivia, Plurinational State of|Bolivia|Plurinational State of Bolivia
BQ BES Bonaire, Sint Eustatius and Saba|Caribbean Netherlands|Bonaire
BR BRA Brazil|Brasil
BS BHS Bahamas
BT BTN Bhutan
BV BVT Bouvet Island
BW BWA Botswana
BY BLR Belarus
BZ BLZ Belize
CA CAN Canada
CC CCK Cocos (Keeling) Islands|Cocos Islands|Keeling Islands
CD COD Congo, Democratic Republic of the|Congo, The Democratic Republic of the|Democratic Republic of the Congo|DR Congo|DRC|D.R.C.|Congo-Kinshasa|Congo (Kinshasa)|Zaire
CF CAF Central African Republic|CAR
CG COG Congo|Republic of the Congo|Congo-Brazzaville|Congo (Brazzaville)|Congo Republic
CH CHE Switzerland|Schweiz|Suisse|Svizzera
CI CIV Côte d'Ivoire|Ivory Coast|Cote dIvoire
CK COK Cook Islands
CL CHL Chile
CM CMR Cameroon
CN CHN China|People's Republic of China|PRC|Mainland China
CO COL Colombia
CR CRI Costa Rica
CU CUB Cuba
CV CPV Cabo Verde|Cape Verde
CW CUW Curaçao
CX CXR Christmas Island
CY CYP Cyprus
CZ CZE Czechia|Czech Republic|Česko|Česká republika
DE DEU Germany|Deutschland|Federal Republic of Germany|Bundesrepublik Deutschland
DJ DJI Djibouti
DK DNK Denmark|Danmark
DM DMA Dominica
DO DOM Dominican Republic
DZ DZA Algeria
EC ECU Ecuador
EE EST Estonia|Eesti
EG EGY Egypt
EH ESH Western Sahara
ER ERI Eritrea
ES ESP Spain|España|Espana
ET ETH Ethiopia
FI FIN Finland|Suomi
FJ FJI Fiji
FK FLK Falkland Islands (Malvinas)|Falkland Islands|Falklands|Malvinas
FM FSM Micronesia (Federated States of)|Micronesia, Federated States of|Micronesia|Federated States of Micronesia
FO FRO Faroe Islands|Faroes|Faeroe Islands
FR FRA France
GA GAB Gabon
GB GBR United Kingdom|United Kingdom of Great Britain and Northern Ireland|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland
GD GRD Grenada
GE GEO Georgia
GF GUF French Guiana
GG GGY Guernsey
GH GHA Ghana
GI GIB Gibraltar
GL GRL Greenland
GM GMB Gambia
GN GIN Guinea
GP GLP Guadeloupe
GQ GNQ Equatorial Guinea
GR GRC Greece|Hellas
GS SGS South Georgia and the South Sandwich Islands|South Georgia and South Sandwich Islands|South Georgia
GT GTM Guatemala
GU GUM Guam
GW GNB Guinea-Bissau
GY GUY Guyana
HK HKG Hong Kong|Hong Kong SAR China|Hong Kong SAR
HM HMD Heard Island and McDonald Islands|Heard and McDonald Islands
HN HND Honduras
HR HRV Croatia|Hrvatska
HT HTI Haiti
HU HUN Hungary|Magyarország
ID IDN Indonesia
IE IRL Ireland|Republic of Ireland|Éire
IL ISR Israel
IM IMN Isle of Man
IN IND India
IO IOT British Indian Ocean Territory
IQ IRQ Iraq
IR IRN Iran (Islamic Republic of)|Iran, Islamic Republic of|Iran|Islamic Republic of Iran
IS ISL Iceland|Ísland
IT ITA Italy|Italia
JE JEY Jersey
JM JAM Jamaica
JO JOR Jordan
JP JPN Japan
KE KEN Kenya
KG KGZ Kyrgyzstan|Kyrgyz Republic
KH KHM Cambodia
KI KIR Kiribati
KM COM Comoros
KN KNA Saint Kitts and Nevis|Saint Christopher and Nevis
KP PRK Korea (Democratic People's Republic of)|Korea, Democratic People's Republic of|North Korea|DPRK|Democratic People's Republic of Korea|Korea, North
KR KOR Korea, Republic of|South Korea|Republic of Korea|Korea, South|Korea
KW KWT Kuwait
KY CYM Cayman Islands
KZ KAZ Kazakhstan
LA LAO Lao People's Democratic Republic|Laos|Lao PDR
LB LBN Lebanon
LC LCA Saint Lucia
LI LIE Liechtenstein
LK LKA Sri Lanka
LR LBR Liberia
LS LSO Lesotho
LT LTU Lithuania|Lietuva
LU LUX Luxembourg|Luxemburg
LV LVA Latvia|Latvija
LY LBY Libya
MA MAR Morocco
MC MCO Monaco
MD MDA Moldova, Republic of|Moldova|Republic of Moldova
ME MNE Montenegro
MF MAF Saint Martin (French part)|Saint Martin
MG MDG Madagascar
MH MHL Marshall Islands
MK MKD North Macedonia|Macedonia|Republic of North Macedonia
ML MLI Mali
MM MMR Myanmar|Myanmar (Burma)|Burma
MN MNG Mongolia
MO MAC Macao|Macao SAR China|Macau
MP MNP Northern Mariana Islands
MQ MTQ Martinique
MR MRT Mauritania
MS MSR Montserrat
MT MLT Malta
MU MUS Mauritius
MV MDV Maldives
MW MWI Malawi
MX MEX Mexico|México
MY MYS Malaysia
MZ MOZ Mozambique
NA NAM Namibia
NC NCL New Caledonia
NE NER Niger
NF NFK Norfolk Island
NG NGA Nigeria
NI NIC Nicaragua
NL NLD Netherlands|The Netherlands|Holland|Nederland|Netherlands, Kingdom of the|Kingdom of the Netherlands
NO NOR Norway|Norge|Noreg
NP NPL Nepal
NR NRU Nauru
NU NIU Niue
NZ NZL New Zealand|Aotearoa
OM OMN Oman
PA PAN Panama|Panamá
PE PER Peru|Perú
PF PYF French Polynesia
PG PNG Papua New Guinea
PH PHL Philippines
PK PAK Pakistan
PL POL Poland|Polska
PM SPM Saint Pierre and Miquelon
PN PCN Pitcairn|Pitcairn Islands
PR PRI Puerto Rico
PS PSE Palestine, State of|Palestine|State of Palestine|Palestinian Territories
PT PRT Portugal
PW PLW Palau
PY PRY Paraguay
QA QAT Qatar
RE REU Réunion
RO ROU Romania|România
RS SRB Serbia|Srbija
RU RUS Russian Federation|Russia
RW RWA Rwanda
SA SAU Saudi Arabia|KSA|Kingdom of Saudi Arabia
SB SLB Solomon Islands
SC SYC Seychelles
SD SDN Sudan
SE SWE Sweden|Sverige
SG SGP Singapore
SH SHN Saint Helena, Ascension and Tristan da Cunha|Saint Helena
SI SVN Slovenia|Slovenija
SJ SJM Svalbard and Jan Mayen|Svalbard
SK SVK Slovakia|Slovak Republic|Slovensko
SL SLE Sierra Leone
SM SMR San Marino
SN SEN Senegal
SO SOM Somalia
SR SUR Suriname|Surinam
SS SSD South Sudan
ST STP Sao Tome and Principe|São Tomé and Príncipe
SV SLV El Salvador
SX SXM Sint Maarten (Dutch part)|Sint Maarten
SY SYR Syrian Arab Republic|Syria
SZ SWZ Eswatini|Swaziland
TC TCA Turks and Caicos Islands
TD TCD Chad
TF ATF French Southern Territories|French Southern and Antarctic Lands
TG TGO Togo
TH THA Thailand
TJ TJK Tajikistan
TK TKL Tokelau
TL TLS Timor-Leste|East Timor
TM TKM Turkmenistan
TN TUN Tunisia
TO TON Tonga
TR TUR Türkiye|Turkey|Turkiye
TT TTO Trinidad and Tobago|Trinidad
TV TUV Tuvalu
TW TWN Taiwan, Province of China|Taiwan
TZ TZA Tanzania, United Republic of|Tanzania|United Republic of Tanzania
UA UKR Ukraine
UG UGA Uganda
UM UMI United States Minor Outlying Islands|U.S. Outlying Islands|U.S. Minor Outlying Islands
US USA United States|United States of America|U.S.A.|U.S.|America
UY URY Uruguay
UZ UZB Uzbekistan
VA VAT Holy See|Holy See (Vatican City State)|Vatican|Vatican City|Vatican City State
VC VCT Saint Vincent and the Grenadines|Saint Vincent and Grenadines|Saint Vincent
VE VEN Venezuela (Bolivarian Republic of)|Venezuela, Bolivarian Republic of|Venezuela|Bolivarian Republic of Venezuela
VG VGB Virgin Islands (British)|Virgin Islands, British|British Virgin Islands
VI VIR Virgin Islands (U.S.)|Virgin Islands, U.S.|U.S. Virgin Islands|US Virgin Islands|United States Virgin Islands
VN VNM Viet Nam|Vietnam
VU VUT Vanuatu
WF WLF Wallis and Futuna
WS WSM Samoa
YE YEM Yemen
YT MYT Mayotte
ZA ZAF South Africa
ZM ZMB Zambia
ZW ZWE Zimbabwe`;

export interface Country {
	alpha2: string;
	alpha3: string;
	/** English short name. */
	name: string;
	aliases: readonly string[];
}

/** Letters NFD does not decompose, spelled the way English writes them. */
const FOLDS: Record<string, string> = {
	ß: 'ss',
	æ: 'ae',
	ø: 'o',
	œ: 'oe',
	ł: 'l',
	đ: 'd',
	ı: 'i',
	þ: 'th',
};

/**
 * The lookup key of a name: accents, case, dots, apostrophes and most punctuation do not count;
 * "St" is "Saint", a leading "The" is dropped and spaced initials are joined ("U. S. A." is "usa").
 */
function keyOf(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/\p{M}+/gu, '')
		.replace(/[ßæøœłđıþ]/g, (letter) => FOLDS[letter] ?? letter)
		.replace(/&/g, ' and ')
		.replace(/[.'’‘`´]/g, '')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim()
		.replace(/^the /, '')
		.replace(/\bst (?=\S)/g, 'saint ')
		.replace(/^(?:[a-z] )+[a-z]$/, (letters) => letters.replace(/ /g, ''));
}

let countries: Country[] | undefined;
let byKey: Map<string, Country> | undefined;
let byAlpha3: Map<string, Country> | undefined;

function load(): Map<string, Country> {
	if (byKey) return byKey;
	const list: Country[] = [];
	const keys = new Map<string, Country>();
	const codes = new Map<string, Country>();
	for (const line of DATA.split('\n')) {
		const [head, ...aliases] = line.split('|');
		const country: Country = {
			alpha2: head.slice(0, 2),
			alpha3: head.slice(3, 6),
			name: head.slice(7),
			aliases: Object.freeze(aliases),
		};
		Object.freeze(country);
		list.push(country);
		codes.set(country.alpha3, country);
	}
	// Codes first, then names, then aliases: a code never loses its meaning to someone's alias.
	for (const country of list) {
		keys.set(country.alpha2.toLowerCase(), country);
		keys.set(country.alpha3.toLowerCase(), country);
	}
	for (const country of list) {
		const key = keyOf(country.name);
		if (!keys.has(key)) keys.set(key, country);
	}
	for (const country of list) {
		for (const alias of country.aliases) {
			const key = keyOf(alias);
			if (key && !keys.has(key)) keys.set(key, country);
		}
	}
	countries = list;
	byAlpha3 = codes;
	byKey = keys;
	return keys;
}

function lookup(value: unknown): Country | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (!text || text.length > 100) return undefined;
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) return undefined;
	const key = keyOf(text);
	if (!key) return undefined;
	return load().get(key);
}

/**
 * The ISO 3166-1 alpha-3 code of a country given as alpha-2, alpha-3, English name or a common alias
 * ("DE", "deu", "Deutschland", "U.S.A.", "Côte d'Ivoire", "UK"); undefined when it is not a country.
 */
export function toAlpha3(value: unknown): string | undefined {
	return lookup(value)?.alpha3;
}

/** The ISO 3166-1 alpha-2 code of a country given the way {@link toAlpha3} accepts it. */
export function toAlpha2(value: unknown): string | undefined {
	return lookup(value)?.alpha2;
}

/** The English short name of an alpha-3 code (case-insensitive); undefined for unknown codes. */
export function countryName(alpha3: unknown): string | undefined {
	if (typeof alpha3 !== 'string') return undefined;
	load();
	return byAlpha3?.get(alpha3.trim().toUpperCase())?.name;
}

/** Every ISO 3166-1 country, in alpha-2 order. */
export function allCountries(): readonly Country[] {
	load();
	return countries ?? [];
}
