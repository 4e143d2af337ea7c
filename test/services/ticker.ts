// Prints a line every 50 ms until stopped: for readers that go away early.
let n = 0;
setInterval(() => console.log(`tick ${++n}`), 50);
