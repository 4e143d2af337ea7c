// The recording disk (test/sim/recording-disk.ts) and the power-loss images it rebuilds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRandom } from "../../lib/http/fuzz-cases.ts";
import { OverlayDisk } from "../../sim/overlay-disk.ts";
import { cutImage, lastFlushBefore, pendingSectors, powerLoss, RecordingDisk } from "../../sim/recording-disk.ts";

const sector = (value: number, count = 1) => new Uint8Array(512 * count).fill(value);

async function recorded() {
  const start = new Uint8Array(512 * 8);
  const disk = new RecordingDisk(new OverlayDisk(start));
  await disk.write(0, sector(1));
  await disk.write(1, sector(2, 2)); // sectors 1 and 2
  await disk.flush();
  await disk.write(0, sector(3));
  await disk.write(5, sector(4));
  await disk.write(6, sector(5));
  return { start, disk };
}

test("records writes (copies of the data) and flushes in order, and passes reads to the inner disk", async () => {
  const { disk } = await recorded();
  assert.deepEqual(disk.events.map((event) => event.kind === "write" ? `w${event.sector}:${event.data.length / 512}:${event.data[0]}` : "f"),
    ["w0:1:1", "w1:2:2", "f", "w0:1:3", "w5:1:4", "w6:1:5"]);
  assert.equal(disk.position, 6);
  assert.equal((await disk.read(0, 1))[0], 3);
  const data = sector(9);
  await disk.write(7, data);
  data.fill(0);
  assert.equal((disk.events.at(-1) as { data: Uint8Array }).data[0], 9, "the recorded data is a copy");
});

test("a cut keeps what was before the last flush and applies the writes since as asked", async () => {
  const { start, disk } = await recorded();
  const first = (image: Uint8Array) => [0, 1, 2, 5, 6].map((s) => image[s * 512]);
  assert.equal(lastFlushBefore(disk.events, 6), 2);
  assert.deepEqual(first(cutImage(start, disk.events, 0)), [0, 0, 0, 0, 0]);
  assert.deepEqual(first(cutImage(start, disk.events, 1)), [1, 0, 0, 0, 0]);
  assert.deepEqual(first(cutImage(start, disk.events, 6)), [3, 2, 2, 4, 5]);
  assert.deepEqual(first(cutImage(start, disk.events, 6, "none")), [1, 2, 2, 0, 0]);
  // Before the first flush everything is pending: "none" is the starting image.
  assert.deepEqual(first(cutImage(start, disk.events, 2, "none")), [0, 0, 0, 0, 0]);
  assert.throws(() => powerLoss(disk.events, 7), RangeError);
  // Picked sectors since the flush: 0 is sector 0's rewrite, 1 sector 5, 2 sector 6.
  assert.equal(pendingSectors(disk.events, 6), 3);
  assert.deepEqual(first(cutImage(start, disk.events, 6, { keep: (index) => index !== 1 })), [3, 2, 2, 0, 5]);
  assert.equal(pendingSectors(disk.events, 2), 3, "before the first flush: sectors 0, 1 and 2");
});

test("random losses land subsets of the pending sectors, in varied orders, and nothing flushed is lost", async () => {
  const start = new Uint8Array(512 * 4);
  const disk = new RecordingDisk(new OverlayDisk(start));
  await disk.write(0, sector(1));
  await disk.flush();
  // Two writes of the same sector since the flush: either may land last.
  await disk.write(1, sector(2));
  await disk.write(1, sector(3));
  await disk.write(2, sector(4, 2));
  const random = seededRandom(7);
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const image = cutImage(start, disk.events, disk.position, { random });
    assert.equal(image[0], 1);
    seen.add([1, 2, 3].map((s) => image[s * 512]).join(","));
  }
  // Sector 1 ends 0, 2 or 3; sectors 2 and 3 land independently (4 or 0).
  assert.equal(seen.size, 12, [...seen].join(" "));
});
