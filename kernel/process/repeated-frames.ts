/**
 * A stack trace with each run of identical frames (runaway recursion) shown
 * once and counted. QuickJS keeps every frame, where V8 keeps ten: a request
 * that recursed 1,500 calls deep would otherwise print 1,500 lines, and a
 * client could make the console, a slow serial port, do that per request.
 */
export function collapseRepeatedFrames(stack: string): string {
  const lines = stack.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let run = 1;
    while (i + run < lines.length && lines[i + run] === lines[i]) run++;
    out.push(lines[i]);
    if (run > 2) out.push(`${lines[i].match(/^\s*/)![0]}... the frame above ${run - 1} more times`);
    else if (run === 2) out.push(lines[i]);
    i += run;
  }
  return out.join("\n");
}
