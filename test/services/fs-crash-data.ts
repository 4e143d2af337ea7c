// What the crash service writes, so the host can check what it reads back: file i's bytes and the log's lines.
export const crashFileName = (index: number) => `file-${index}.bin`;
export const crashFileLength = (index: number) => 1 + ((index * 7919) % 9000);
export function crashFileBytes(index: number): Uint8Array {
  const bytes = new Uint8Array(crashFileLength(index));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + index * 101 + (i >> 9)) & 0xff;
  return bytes;
}
export const crashLogLine = (index: number) => `step ${index} done\n`;
/** The service stops by itself after this many steps, if nobody killed it first. */
export const CRASH_STEPS = 300;
