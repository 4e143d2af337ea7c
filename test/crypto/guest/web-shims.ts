// Stand-ins for WinterTC globals jose uses and Toro does not have yet (issue 10's web globals add
// them): where one exists (or its module is linked), it is kept. Only what a JWT needs: Latin-1
// strings for btoa/atob, JSON values for structuredClone.
const globals = globalThis as unknown as Record<string, unknown>;
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

globals.structuredClone ??= <T>(value: T): T => JSON.parse(JSON.stringify(value));

globals.btoa ??= (text: string): string => {
  let out = "";
  for (let i = 0; i < text.length; i += 3) {
    const [a, b, c] = [text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2)];
    const n = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + (i + 1 < text.length ? BASE64[(n >> 6) & 63] : "=") + (i + 2 < text.length ? BASE64[n & 63] : "=");
  }
  return out;
};

globals.atob ??= (encoded: string): string => {
  const body = encoded.replace(/[\s=]/g, "");
  let out = "", bits = 0, value = 0;
  for (const char of body) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error("atob: not base64");
    value = ((value << 6) | digit) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((value >> bits) & 0xff);
    }
  }
  return out;
};
