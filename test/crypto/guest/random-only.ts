// A service that uses crypto without subtle: its image must not carry the Web Crypto algorithms.
console.log(crypto.randomUUID().length, crypto.getRandomValues(new Uint8Array(4)).length);
