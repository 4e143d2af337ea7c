/** A binary min-heap of timers ordered by deadline, then by creation order. */

export interface HeapTimer {
  deadline: number;
  sequence: number;
  /** Position in the heap, or -1 when not scheduled. */
  heapIndex: number;
}

function before(a: HeapTimer, b: HeapTimer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.sequence < b.sequence);
}

export class TimerHeap<T extends HeapTimer> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(timer: T): void {
    timer.heapIndex = this.items.length;
    this.items.push(timer);
    this.up(timer.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  remove(timer: T): void {
    const i = timer.heapIndex;
    if (i < 0 || this.items[i] !== timer) return;
    const last = this.items.pop()!;
    timer.heapIndex = -1;
    if (last === timer) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  private swap(i: number, j: number): void {
    const a = this.items[i], b = this.items[j];
    this.items[i] = b;
    this.items[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.items[i], this.items[parent])) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let least = i;
      if (l < n && before(this.items[l], this.items[least])) least = l;
      if (r < n && before(this.items[r], this.items[least])) least = r;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }
}
