/** The one function the tests use from js-yaml (installed without its types). */
declare module 'js-yaml' {
	export function load(text: string): unknown;
}
