// Prints what the service was given.
import { argv, env } from "toro";

console.log(JSON.stringify({ argv, env }));
