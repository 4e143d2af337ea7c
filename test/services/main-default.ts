// A default-exported main whose resolved number is the exit code.
import { argv } from "toro";

export default async function main(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  console.log(`main ran with ${argv.length} arguments`);
  return 9;
}
