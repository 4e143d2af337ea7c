/** What the CLI checks about an image before booting it. */
import { readFileSync } from "node:fs";
import { CliError } from "./errors.ts";

const PT_LOAD = 1;
const EM_X86_64 = 62;
/** The page allocator's bookkeeping and the first JavaScript heap pages want RAM beyond the image. */
const HEADROOM = 512 * 1024;

/** The highest physical address the image occupies once loaded (its .bss included). */
export function imageEnd(path: string): number {
  const elf = readFileSync(path);
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new CliError(`${path}: not an ELF file`);
  if (elf[4] !== 2 || elf.readUInt16LE(18) !== EM_X86_64) throw new CliError(`${path}: not a 64-bit x86 ELF, so not a Toro image`);
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  if (phoff + phnum * phentsize > elf.length) throw new CliError(`${path}: truncated ELF program headers`);
  let end = 0;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (elf.readUInt32LE(ph) !== PT_LOAD) continue;
    end = Math.max(end, Number(elf.readBigUInt64LE(ph + 24) + elf.readBigUInt64LE(ph + 40))); // p_paddr + p_memsz
  }
  if (end === 0) throw new CliError(`${path}: the ELF has nothing to load`);
  return end;
}

/** The least --mem, in whole MiB, that the image can boot in. */
export function leastMemoryMiB(path: string): number {
  return Math.ceil((imageEnd(path) + HEADROOM) / (1024 * 1024));
}
