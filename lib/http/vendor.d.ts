// Types for the polyfill packages, which ship none: they implement the standard globals.
declare module "text-encoding-utf-8" {
  export const TextEncoder: typeof globalThis.TextEncoder;
  export const TextDecoder: typeof globalThis.TextDecoder;
}
declare module "core-js-pure/web/url" {
  const URL: typeof globalThis.URL;
  export default URL;
}
declare module "core-js-pure/web/url-search-params" {
  const URLSearchParams: typeof globalThis.URLSearchParams;
  export default URLSearchParams;
}
