// Does not type-check: `toro check` must say so.
import { exit } from "toro";

const count: number = "three";
exit(count);
