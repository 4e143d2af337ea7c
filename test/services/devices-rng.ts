// Random bytes from crypto.getRandomValues (seeded by the virtio entropy device).
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const first = crypto.getRandomValues(new Uint8Array(32));
const second = crypto.getRandomValues(new Uint8Array(32));
const words = crypto.getRandomValues(new Uint32Array(4));
console.log(JSON.stringify({ first: hex(first), second: hex(second), words: Array.from(words), uuid: crypto.randomUUID() }));
