// The app, the baseline app and PostgreSQL run in their own process groups, so they outlive the
// benchmark unless stopped. Every start registers its stop here; a normal end and Ctrl-C both
// run them, newest first.
export class Teardown {
  private readonly steps: (() => Promise<unknown>)[] = [];

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      await step().catch((error: unknown) => process.stderr.write(`cleanup step failed: ${String(error)}\n`));
    }
  }

  /** On SIGINT/SIGTERM: stop everything, then exit. */
  onInterrupt(): void {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: stopping the app and the database…\n`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }
}
