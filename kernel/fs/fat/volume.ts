/**
 * A mounted FAT volume as a FileSystem: path lookup, the directory and file
 * operations, and the volume's state on the disk (the dirty flag set before
 * the first change reaches the disk, cleared at each clean sync point).
 * Operations run one at a time (lock.ts).
 */
import { BlockCache } from "../block-cache.ts";
import { FsError } from "../errors.ts";
import type { DirectoryEntry, FileStat, FileSystem, FileSystemStats, OpenFile, OpenOptions } from "../file-system.ts";
import { clusterSector, type FatGeometry, type FatType } from "./boot-sector.ts";
import { walkChain } from "./chain.ts";
import { Directory, type DirectoryRecord, type VolumeParts } from "./directory.ts";
import { ATTR_ARCHIVE, ATTR_DIRECTORY, ATTR_READ_ONLY, ENTRY_BYTES, encodeShortEntry, type ShortEntry } from "./directory-entry.ts";
import type { FatTable } from "./fat-table.ts";
import { FileData, type FileState } from "./file-data.ts";
import { Lock } from "./lock.ts";
import { checkName } from "./names.ts";
import { FatOpenFile } from "./open-file.ts";

/** A file or directory found by a lookup; while open, the one object every handle shares. */
export interface FatNode extends FileState {
  /** The directory holding the entry (its first cluster; 0 for a FAT12/16 root). */
  directory: number;
  record: DirectoryRecord;
  ino: number;
  openCount: number;
  /** Unlinked while open: the clusters are freed at the last close. */
  unlinked: boolean;
}

const nodeKey = (directory: number, slot: number) => `${directory}:${slot}`;
const isDirectory = (entry: ShortEntry) => (entry.attributes & ATTR_DIRECTORY) !== 0;
const DIRECTORY_CACHE_LIMIT = 256;

export class FatVolume implements FileSystem {
  readonly type: FatType;
  readonly repairs: string[] = [];
  readonly data: FileData;
  private readonly lock = new Lock();
  private readonly directories = new Map<number, Directory>();
  private readonly openNodes = new Map<string, FatNode>();
  /** The dirty flag is set on the disk (changes may be there that a write-back has not finished). */
  private dirtyOnDisk: boolean;
  private mounted = true;
  /** An operation has started and not finished (the exit path may find one suspended half-way). */
  private inProgress = false;
  readonly rootCluster: number;

  constructor(
    readonly parts: VolumeParts & { cache: BlockCache; fat: FatTable; geometry: FatGeometry },
    readonly readOnly: boolean,
    readonly now: () => number,
    dirtyOnDisk: boolean,
  ) {
    this.type = parts.geometry.type;
    this.rootCluster = parts.geometry.rootCluster; // 0 on FAT12/16, whose root is not a chain
    this.dirtyOnDisk = dirtyOnDisk;
    this.data = new FileData(parts, () => this.writeBack());
  }

  /** Run `work` under the volume's lock, refusing after unmount. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (!this.mounted) throw new FsError("EIO", "the volume is unmounted");
      if (this.directories.size > DIRECTORY_CACHE_LIMIT) this.directories.clear();
      this.inProgress = true;
      try {
        return await work();
      } finally {
        this.inProgress = false;
      }
    });
  }

  directory(cluster: number, what: string): Directory {
    let directory = this.directories.get(cluster);
    if (!directory) {
      directory = new Directory(this.parts, cluster, what);
      this.directories.set(cluster, directory);
    }
    return directory;
  }

  get root(): Directory {
    return this.directory(this.rootCluster, "the root directory");
  }

  stat(path: readonly string[]): Promise<FileStat> {
    return this.exclusive(async () => {
      if (path.length === 0) return this.rootStat();
      return this.statOf(await this.node(path));
    });
  }

  readdir(path: readonly string[]): Promise<DirectoryEntry[]> {
    return this.exclusive(async () => {
      const directory = await this.directoryAt(path);
      return (await directory.list()).map((record) => ({ name: record.name, kind: isDirectory(record.entry) ? "directory" : "file" }));
    });
  }

  open(path: readonly string[], options: OpenOptions): Promise<OpenFile> {
    return this.exclusive(async () => {
      if (path.length === 0) {
        if (options.write) throw new FsError("EISDIR");
        return new FatOpenFile(this, this.rootNode(), "/");
      }
      if ((options.write || options.create) && this.readOnly) throw new FsError("EROFS");
      const { parent, record } = await this.lookup(path, true);
      let node: FatNode;
      if (!record) {
        if (!options.create) throw new FsError("ENOENT");
        checkName(path[path.length - 1]);
        await this.beginChange();
        const stamp = this.now();
        const created = await parent.add(path[path.length - 1], {
          attributes: ATTR_ARCHIVE, firstCluster: 0, size: 0, createdMs: stamp, modifiedMs: stamp, accessedMs: stamp,
        });
        node = this.nodeFor(parent.cluster, created, path);
      } else {
        if (options.create && options.exclusive) throw new FsError("EEXIST");
        node = this.nodeFor(parent.cluster, record, path);
        if (isDirectory(node.entry)) {
          if (options.write) throw new FsError("EISDIR");
        } else if (options.write && node.entry.attributes & ATTR_READ_ONLY) {
          throw new FsError("EACCES", `${node.what} has FAT's read-only attribute`);
        }
        if (options.write && options.truncate && node.entry.size > 0) {
          await this.beginChange();
          await this.data.resize(node, 0);
          await this.saveEntry(node, { modified: true });
        }
      }
      node.openCount++;
      this.openNodes.set(nodeKey(node.directory, node.record.slot), node);
      return new FatOpenFile(this, node, node.what, options.write);
    });
  }

  mkdir(path: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      if (path.length === 0) throw new FsError("EEXIST");
      this.refuseIfReadOnly();
      const { parent, record } = await this.lookup(path, true);
      if (record) throw new FsError("EEXIST");
      checkName(path[path.length - 1]);
      await this.beginChange();
      const { fat, geometry, cache } = this.parts;
      const [cluster] = await fat.allocate(1, undefined, () => this.writeBack());
      const stamp = this.now();
      const fields = { createdMs: stamp, modifiedMs: stamp, accessedMs: stamp, size: 0, caseBits: 0, attributes: ATTR_DIRECTORY };
      const block = new Uint8Array(geometry.bytesPerCluster);
      encodeShortEntry({ ...fields, name: dotName("."), firstCluster: cluster }, block, 0);
      encodeShortEntry({ ...fields, name: dotName(".."), firstCluster: parent.cluster === this.rootCluster ? 0 : parent.cluster }, block, ENTRY_BYTES);
      // The new directory's cluster is complete on the disk before anything links to it.
      await cache.writeThrough(clusterSector(geometry, cluster), block);
      try {
        await parent.add(path[path.length - 1], { ...fields, firstCluster: cluster });
      } catch (error) {
        await fat.release([cluster]);
        throw error;
      }
    });
  }

  rmdir(path: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      if (path.length === 0) throw new FsError("EBUSY", "the root directory");
      this.refuseIfReadOnly();
      const node = await this.node(path);
      if (!isDirectory(node.entry)) throw new FsError("ENOTDIR");
      const directory = this.directory(node.entry.firstCluster, node.what);
      if ((await directory.list()).length > 0) throw new FsError("ENOTEMPTY");
      await this.beginChange();
      const parent = this.directory(node.directory, "");
      await parent.remove(node.record);
      const { clusters } = await walkChain(this.parts.fat, node.entry.firstCluster, this.parts.fat.limit, node.what);
      await this.parts.fat.release(clusters);
      this.directories.delete(node.entry.firstCluster);
    });
  }

  unlink(path: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      if (path.length === 0) throw new FsError("EISDIR");
      this.refuseIfReadOnly();
      const node = await this.node(path);
      if (isDirectory(node.entry)) throw new FsError("EISDIR");
      await this.beginChange();
      const parent = this.directory(node.directory, "");
      await parent.remove(node.record);
      this.openNodes.delete(nodeKey(node.directory, node.record.slot));
      if (node.openCount > 0) node.unlinked = true;
      else await this.data.releaseAll(node);
    });
  }

  rename(from: readonly string[], to: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      if (from.length === 0 || to.length === 0) throw new FsError("EBUSY", "the root directory");
      this.refuseIfReadOnly();
      const source = await this.node(from);
      const { parent: target, record: existing, ancestors } = await this.lookup(to, true);
      const moving = isDirectory(source.entry);
      if (moving && ancestors.includes(source.entry.firstCluster)) throw new FsError("EINVAL", "a directory cannot move into itself");
      const sameEntry = existing && target.cluster === source.directory && existing.slot === source.record.slot;
      if (sameEntry && existing.name === to[to.length - 1]) return;
      checkName(to[to.length - 1]);
      await this.beginChange();
      let victim: FatNode | undefined;
      if (existing && !sameEntry) {
        victim = this.nodeFor(target.cluster, existing, to);
        if (moving && !isDirectory(victim.entry)) throw new FsError("ENOTDIR");
        if (!moving && isDirectory(victim.entry)) throw new FsError("EISDIR");
        if (moving) {
          if ((await this.directory(victim.entry.firstCluster, victim.what).list()).length > 0) throw new FsError("ENOTEMPTY");
        }
      }
      // The old name goes first, and is on the disk before the new one is added: a crash between
      // leaves the file as a lost chain (the next mount's check frees it), never two entries that
      // share its clusters, which fsck.fat reports as cross-linked. (In one write-back the two
      // directory sectors can land in either order, or one alone.)
      // A moved directory's ".." names its new parent in between, when no entry names the directory.
      const oldParent = this.directory(source.directory, "");
      await oldParent.remove(source.record);
      await this.writeBack();
      const movedAcross = target.cluster !== source.directory;
      if (moving && movedAcross) {
        await this.directory(source.entry.firstCluster, source.what).setParent(target.cluster === this.rootCluster ? 0 : target.cluster);
        await this.writeBack();
      }
      let added: DirectoryRecord;
      if (existing && victim) {
        // Replacing: the victim's short entry is rewritten in place to name the source's clusters,
        // one 32-byte write, so a crash leaves the old file or the new one under the name, never
        // neither (write a temporary file, sync, rename it over: the old value or the new). The
        // name keeps the case it had.
        await target.update(existing, { ...source.entry, name: existing.entry.name, caseBits: existing.entry.caseBits });
        added = existing;
        this.openNodes.delete(nodeKey(victim.directory, victim.record.slot));
        if (victim.openCount > 0) victim.unlinked = true;
        else if (moving) await this.releaseDirectory(victim);
        else await this.data.releaseAll(victim);
      } else {
        added = await target.add(to[to.length - 1], { ...source.entry });
      }
      this.openNodes.delete(nodeKey(source.directory, source.record.slot));
      source.directory = target.cluster;
      source.record = added;
      source.what = "/" + to.join("/");
      if (source.openCount > 0) this.openNodes.set(nodeKey(source.directory, added.slot), source);
    });
  }

  utimes(path: readonly string[], atimeMs: number, mtimeMs: number): Promise<void> {
    return this.exclusive(async () => {
      if (path.length === 0) return; // the root has no entry to keep times in
      this.refuseIfReadOnly();
      const node = await this.node(path);
      await this.beginChange();
      node.entry = { ...node.entry, accessedMs: atimeMs, modifiedMs: mtimeMs };
      await this.saveEntry(node, {});
    });
  }

  statfs(): Promise<FileSystemStats> {
    return this.exclusive(async () => ({
      blockSize: this.parts.geometry.bytesPerCluster,
      blocks: this.parts.geometry.clusterCount,
      freeBlocks: await this.parts.fat.freeClusters(),
    }));
  }

  sync(): Promise<void> {
    return this.exclusive(() => this.cleanPoint());
  }

  syncBeforeExit(): void {
    if (!this.mounted || this.readOnly) return;
    const { cache } = this.parts;
    this.parts.fat.writeInfo();
    cache.writeBackSync();
    this.parts.fat.tableWritten();
    // An operation suspended half-way (its table written, its entry not yet) leaves the volume for the next mount's check,
    // and so do clusters released since the last write-back (still allocated on the disk: the check frees them).
    if (this.dirtyOnDisk && !this.inProgress && !this.parts.fat.hasReleased) {
      this.writeStateSync();
      this.dirtyOnDisk = false;
    }
  }

  /**
   * Mark the volume clean with synchronous writes (the exit path), the FAT
   * copies' bit first and the boot sector's last, as writeState(): a crash
   * between them leaves the boot sector dirty. The blocks were pinned at mount.
   */
  private writeStateSync(): void {
    const { cache, geometry } = this.parts;
    if (geometry.type !== "fat12") {
      // Entry 1's clean-shutdown bit: bit 15 (FAT16, byte 3) or bit 27 (FAT32, byte 7).
      const [byte, bit] = geometry.type === "fat16" ? [3, 0x80] : [7, 0x08];
      for (let copy = 0; copy < geometry.fatCount; copy++) {
        const block = geometry.reservedSectors + copy * geometry.fatSectors;
        const sector = cache.peek(block)!.slice();
        sector[byte] |= bit;
        cache.writeThroughSync(block, sector);
      }
      cache.device.flushSync();
    }
    const boot = cache.peek(0)!.slice();
    boot[geometry.stateOffset] &= ~1;
    cache.writeThroughSync(0, boot);
    cache.device.flushSync();
  }

  unmount(): Promise<void> {
    return this.exclusive(async () => {
      await this.cleanPoint();
      this.parts.cache.close();
      this.mounted = false;
    });
  }

  /** Write everything back, then mark the volume clean. */
  async cleanPoint(): Promise<void> {
    if (this.readOnly) return;
    await this.writeBack();
    if (this.dirtyOnDisk) {
      await this.writeState(false);
      this.dirtyOnDisk = false;
    }
  }

  /**
   * Every change cached so far to the disk in order (data, table,
   * directories), the volume still dirty; then the clusters released before
   * it are freed, and the table written again.
   */
  async writeBack(): Promise<void> {
    const { fat, cache } = this.parts;
    const released = fat.takeReleased();
    fat.writeInfo();
    await cache.writeBack();
    fat.tableWritten();
    if (released.length === 0) return;
    await fat.freeReleased(released);
    fat.writeInfo();
    await cache.writeBack();
    fat.tableWritten();
  }

  /** Before the first change after a clean point: the dirty flag reaches the disk (flushed) before any change. */
  async beginChange(): Promise<void> {
    this.refuseIfReadOnly();
    if (this.dirtyOnDisk) return;
    await this.writeState(true);
    this.dirtyOnDisk = true;
  }

  /**
   * The dirty flag: bit 0 of the boot sector's state byte (0x25, or 0x41 on
   * FAT32), which Linux sets while mounted and fsck.fat reports; on FAT16/32
   * also FAT entry 1's clean-shutdown bit (15 or 27), which Windows keeps.
   * Written through, and flushed before anything else is written. Marking
   * clean writes the FAT copies' bit first and the boot sector's last, so a
   * crash between the two copies leaves the boot sector dirty, and the next
   * mount's check makes the copies equal again.
   */
  async writeState(dirty: boolean): Promise<void> {
    const { cache, geometry, fat } = this.parts;
    const writeBoot = async () => {
      const boot = (await cache.read(0)).slice();
      boot[geometry.stateOffset] = dirty ? boot[geometry.stateOffset] | 1 : boot[geometry.stateOffset] & ~1;
      await cache.writeThrough(0, boot);
    };
    const writeTableBit = async () => {
      if (geometry.type === "fat12") return;
      const cleanBit = geometry.type === "fat16" ? 0x8000 : 0x08000000;
      const entry = await fat.getRaw1();
      await fat.setRaw(1, dirty ? entry & ~cleanBit : entry | cleanBit);
      await cache.writeBack();
    };
    if (dirty) {
      await writeBoot();
      await writeTableBit();
    } else {
      await writeTableBit();
      await writeBoot();
    }
    if (geometry.type === "fat12" || !dirty) await cache.device.flush();
  }

  refuseIfReadOnly(): void {
    if (this.readOnly) throw new FsError("EROFS");
  }

  /** Write a node's entry back to its directory, stamping the modification time when asked. */
  async saveEntry(node: FatNode, { modified = false }: { modified?: boolean }): Promise<void> {
    if (node.unlinked || node.directory < 0) return;
    if (modified) node.entry = { ...node.entry, modifiedMs: this.now(), attributes: node.entry.attributes | ATTR_ARCHIVE };
    await this.directory(node.directory, "").update(node.record, node.entry);
    node.entry = node.record.entry;
  }

  /** The last handle of a node closed. */
  async released(node: FatNode): Promise<void> {
    node.openCount--;
    if (node.openCount > 0) return;
    const key = nodeKey(node.directory, node.record.slot);
    // An unlinked node's slot may hold a newer file by now.
    if (this.openNodes.get(key) === node) this.openNodes.delete(key);
    if (node.unlinked && !this.readOnly) {
      await this.beginChange();
      await this.data.releaseAll(node);
    }
  }

  /** The entry at `path` (not the root); ENOENT, ENOTDIR on the way. */
  async node(path: readonly string[]): Promise<FatNode> {
    const { parent, record } = await this.lookup(path, false);
    return this.nodeFor(parent.cluster, record!, path);
  }

  private nodeFor(directory: number, record: DirectoryRecord, path: readonly string[]): FatNode {
    const open = this.openNodes.get(nodeKey(directory, record.slot));
    if (open) return open;
    return {
      directory, record, entry: record.entry, what: "/" + path.join("/"),
      ino: directory * 65536 + record.slot + 2, openCount: 0, unlinked: false,
    };
  }

  private rootNode(): FatNode {
    const entry: ShortEntry = {
      name: new Uint8Array(11), attributes: ATTR_DIRECTORY, caseBits: 0, firstCluster: this.rootCluster, size: 0, createdMs: 0, modifiedMs: 0, accessedMs: 0,
    };
    return { directory: -1, record: { name: "", shortName: "", entry, slot: 0, firstSlot: 0 }, entry, what: "/", ino: 1, openCount: 0, unlinked: false };
  }

  private rootStat(): FileStat {
    return { kind: "directory", size: 0, mtimeMs: 0, atimeMs: 0, birthtimeMs: 0, ino: 1, readOnly: this.readOnly };
  }

  statOf(node: FatNode): FileStat {
    const { entry } = node;
    if (node.directory < 0) return this.rootStat();
    return {
      kind: isDirectory(entry) ? "directory" : "file",
      size: isDirectory(entry) ? 0 : entry.size,
      mtimeMs: entry.modifiedMs, atimeMs: entry.accessedMs, birthtimeMs: entry.createdMs,
      ino: node.ino,
      readOnly: this.readOnly || (entry.attributes & ATTR_READ_ONLY) !== 0,
    };
  }

  /**
   * Find the directory holding the path's last name, and the entry if it
   * exists (`mayBeMissing`; otherwise ENOENT). `ancestors` are the first
   * clusters of the directories passed, to refuse a directory that contains
   * itself and a rename into itself.
   */
  async lookup(path: readonly string[], mayBeMissing: boolean): Promise<{ parent: Directory; record: DirectoryRecord | undefined; ancestors: number[] }> {
    let directory = this.root;
    const ancestors = [this.rootCluster];
    for (let i = 0; i < path.length - 1; i++) {
      const record = await directory.find(path[i]);
      const what = "/" + path.slice(0, i + 1).join("/");
      if (!record) throw new FsError("ENOENT");
      if (!isDirectory(record.entry)) throw new FsError("ENOTDIR");
      const cluster = record.entry.firstCluster;
      if (cluster === 0 || ancestors.includes(cluster)) throw new FsError("EIO", `${what}: a directory entry that points at ${cluster === 0 ? "no cluster" : "a directory containing it"}`);
      ancestors.push(cluster);
      directory = this.directory(cluster, what);
    }
    const record = await directory.find(path[path.length - 1]);
    if (!record && !mayBeMissing) throw new FsError("ENOENT");
    if (record && isDirectory(record.entry)) {
      const cluster = record.entry.firstCluster;
      if (cluster === 0 || ancestors.includes(cluster)) throw new FsError("EIO", `/${path.join("/")}: a directory entry that points at ${cluster === 0 ? "no cluster" : "a directory containing it"}`);
    }
    return { parent: directory, record, ancestors };
  }

  private async directoryAt(path: readonly string[]): Promise<Directory> {
    if (path.length === 0) return this.root;
    const node = await this.node(path);
    if (!isDirectory(node.entry)) throw new FsError("ENOTDIR");
    return this.directory(node.entry.firstCluster, node.what);
  }

  private async releaseDirectory(node: FatNode): Promise<void> {
    const { clusters } = await walkChain(this.parts.fat, node.entry.firstCluster, this.parts.fat.limit, node.what);
    await this.parts.fat.release(clusters);
    this.directories.delete(node.entry.firstCluster);
  }
}

function dotName(name: "." | ".."): Uint8Array {
  const bytes = new Uint8Array(11).fill(0x20);
  for (let i = 0; i < name.length; i++) bytes[i] = 0x2e;
  return bytes;
}

