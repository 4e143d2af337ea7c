/**
 * How a compatibility script prints: one line a result, its value as JSON
 * (Dates, Maps, Sets, bigints and errors spelled out), so the guest's output
 * and Node's compare as text and differ only where the behaviour does.
 */
export function show(label: string, value: unknown): void {
  console.log(`${label}: ${JSON.stringify(value, replacer)}`);
}

/** Runs each case in order, printing its result or the error it threw: one failure does not hide the others. */
export async function cases(table: Record<string, () => unknown>): Promise<void> {
  for (const [label, run] of Object.entries(table)) {
    try {
      show(label, await run());
    } catch (error) {
      show(label, { threw: describe(error) });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Date) return { Date: Number.isNaN(original.getTime()) ? "invalid" : original.toISOString() };
  if (value instanceof Map) return { Map: [...value] };
  if (value instanceof Set) return { Set: [...value] };
  if (typeof value === "bigint") return { BigInt: value.toString() };
  if (value instanceof Error) return { Error: describe(value) };
  if (value instanceof Uint8Array) return { Uint8Array: [...value] };
  if (value === undefined) return "(undefined)";
  return value;
}
