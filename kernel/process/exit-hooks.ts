/**
 * What units do as the service ends, registered here so that the process
 * unit needs to know none of them (the filesystem registers its sync):
 *
 * - exit hooks run synchronously in exit(), before the VM ends: the event
 *   loop will not turn again, so a hook can only do what needs no loop
 *   (the block device's writeSync/flushSync);
 * - before-exit hooks run when the event loop has nothing left pending (the
 *   service ended by itself), as Node's 'beforeExit': asynchronous work the
 *   loop waits for before it ends. Each runs once; one registered again
 *   later (new work was done) runs again at the next end.
 *
 * An uncaught error or a CPU fault runs neither: the VM ends as at a power
 * loss, and what was not synced is not on the disk.
 */

export type ExitHook = () => void;
export type BeforeExitHook = () => Promise<void>;

export class ExitHooks {
  private readonly exitHooks = new Set<ExitHook>();
  private beforeExitHooks: BeforeExitHook[] = [];

  /** Run `hook` in exit(); returns a function that takes it back. */
  onExit(hook: ExitHook): () => void {
    this.exitHooks.add(hook);
    return () => this.exitHooks.delete(hook);
  }

  /** Run `hook` once when the event loop runs out of work. */
  onBeforeExit(hook: BeforeExitHook): void {
    this.beforeExitHooks.push(hook);
  }

  /** exit()'s part: every hook, in the order registered; a hook that throws is reported and the rest still run. */
  runExitHooks(report: (error: unknown) => void): void {
    for (const hook of [...this.exitHooks]) {
      try {
        hook();
      } catch (error) {
        report(error);
      }
    }
  }

  /** The before-exit hooks registered so far, taken out (the event loop runs them). */
  takeBeforeExitHooks(): BeforeExitHook[] {
    const hooks = this.beforeExitHooks;
    this.beforeExitHooks = [];
    return hooks;
  }
}

/** This core's hooks. */
export const exitHooks = new ExitHooks();
