// A top-level await that nothing can ever settle: nothing else is pending.
console.log("waiting for nothing");
await new Promise(() => {});
console.log("never printed");
