declare const modules: Record<"events" | "path" | "posix" | "util" | "buffer" | "assert", any>;
export = modules;
