// The byte at `offset` of `sector` in the disk test's pattern; the guest writes it, the host checks it.
export const patternByte = (sector: number, offset: number) => (sector * 131 + offset * 7 + (sector >> 8)) & 0xff;
