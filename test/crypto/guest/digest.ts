// A service that names crypto.subtle through globalThis: it gets subtle, and crypto keeps its random values.
const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"));
console.log(Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""), crypto.getRandomValues(new Uint8Array(4)).length);
export {};
