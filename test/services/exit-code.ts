// Exits with the code the test passes in the environment.
import { env, exit } from "toro";

console.log(`exiting with ${env.CODE}`);
exit(Number(env.CODE));
