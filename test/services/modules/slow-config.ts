// A module that awaits at its top level: a module importing it runs once it has settled.
console.log("config: loading");
export const config = await new Promise<{ port: number }>((resolve) => setTimeout(() => resolve({ port: 8080 }), 10));
console.log("config: loaded");
