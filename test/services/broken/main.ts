// Imports a module that does not exist: the build must say where.
import { nothing } from "./missing-module";
console.log(nothing);
