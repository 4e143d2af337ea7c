// A service that awaits at its top level and exports a main: main runs once the top level has settled.
import { argv } from "toro";

const base = await new Promise<number>((resolve) => setTimeout(() => resolve(40), 5));
console.log("top level settled with", base);

export default async function main() {
  console.log("main ran");
  return base + argv.length;
}
