/**
 * Runs Debian's `fsck.fat -n` (check, change nothing) on an image file and
 * sorts what it reports: the states a power loss may leave and a mount
 * repairs (the dirty flag, lost clusters, a chain longer or shorter than its
 * file's size, the second FAT behind the first, a stale free count, long-name
 * entries without their short entry), and everything else: cross-linked,
 * looping and out-of-range chains, and anything this list does not know.
 */
import { execFile } from "node:child_process";

export interface FsckResult {
  exitCode: number;
  output: string;
  /** Every line that reports something (not the banner or the summary); an indented one follows its file's path, given as "path: line". */
  findings: string[];
  /** The findings a power loss must never leave. */
  forbidden: string[];
}

/** What a cut write sequence may leave: the mount's dirty-volume check repairs these. */
const REPAIRABLE = [
  /^Dirty bit is set\. Fs was not properly unmounted and some data may be corrupt\.$/,
  /^ Automatically removing dirty bit\.$/,
  /^Reclaimed \d+ unused clusters? \(\d+ bytes\)( in \d+ chains?)?\.$/,
  /^Free cluster summary (wrong \(\d+ vs\. really \d+\)|uninitialized \(should be \d+\))$/,
  /^ {2}Auto-correcting\.$/,
  /^FATs differ but appear to be intact\.$/,
  /^ {2}Using first FAT\.$/,
  // Clusters linked to a file before its entry's size grew (data, then the FAT, then the entry).
  /^ {2}File size is \d+ bytes, cluster chain length is > \d+ bytes\.$/,
  // A shrink's FAT change lands before its entry's smaller size: the freed clusters are not
  // used again before the FAT is on the disk, so nothing else holds them; a synced file that
  // lost data this way fails the crash test's read-back instead.
  /^ {2}File size is \d+ bytes, cluster chain length is \d+ bytes\.$/,
  /^ {2}Truncating file to \d+ bytes\.$/,
  // An extension's link landed, the new cluster's own entry (in another FAT sector of the
  // same write-back) did not: past the file's size, or the read-back of synced files fails.
  /^ {2}Contains a free cluster \(\d+\)\. Assuming EOF\.$/,
  // A name's long-name entries in one directory sector, its short entry (not yet there) in the next.
  /^Orphaned long file name part ".*"$/,
  /^ {2}Auto-deleting\.$/,
  // FAT32: the dirty flag (byte 65) is set in the boot sector, not in its backup, as Linux does.
  /^There are differences between boot sector and its backup\.$/,
  /^This is mostly harmless\. Differences: \(offset:original\/backup\)$/,
  /^ {2}65:01\/00$/,
  /^ {2}Not automatically fixing this\.$/,
  /^Long filename fragment ".*" found outside a LFN sequence\.$/,
  /^ {2}\(Maybe the start bit is missing on the last fragment\)$/,
  /^ {2}Not auto-correcting this\.$/,
];

/** Lines that report nothing. */
const FRAME = [/^fsck\.fat \d/, /^Leaving filesystem unchanged\.$/, /^$/, /: \d+ files, \d+\/\d+ clusters$/];

/** `fsck.fat -n file`. */
export function fsck(file: string): Promise<FsckResult> {
  return new Promise((resolve, reject) => {
    execFile("fsck.fat", ["-n", file], { encoding: "utf8" }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (exitCode < 0) return reject(error);
      resolve(classify(exitCode, stdout + stderr));
    });
  });
}

export function classify(exitCode: number, output: string): FsckResult {
  const findings: string[] = [];
  const forbidden: string[] = [];
  let path = "";
  let previous = "";
  for (const line of output.split("\n")) {
    if (FRAME.some((pattern) => pattern.test(line))) continue;
    if (line.startsWith("/")) {
      // A path names the file the indented lines after it are about; "/A  and" then "/B" names two.
      path = previous.startsWith("/") && previous.endsWith("  and") ? `${previous} ${line}` : line;
    } else {
      const about = line.startsWith(" ") && path ? `${path}: ${line.trim()}` : line;
      findings.push(about);
      if (!REPAIRABLE.some((pattern) => pattern.test(line))) forbidden.push(about);
    }
    previous = line;
  }
  // fsck.fat exits 1 for findings and more for failures: one it could not check at all is forbidden too.
  if (exitCode > 1 && forbidden.length === 0) forbidden.push(`fsck.fat exited ${exitCode}`);
  return { exitCode, output, findings, forbidden };
}
