// The fetch service is another module's default export, re-exported.
export { default } from "./app.ts";
