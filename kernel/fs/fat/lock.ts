/**
 * One operation at a time on a volume: FAT has no journal, so a write-back
 * (a sync, the delay timer) must never see an operation half done, and two
 * operations must not interleave their table and directory changes.
 */
export class Lock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => {});
    return result;
  }
}
