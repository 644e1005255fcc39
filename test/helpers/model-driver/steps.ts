// The record of a drive through a model: each step passes, fails with the first thing that was
// wrong, or is skipped with the reason (a step that needs an entity a failed create did not make).

export interface StepResult {
  /** `<set>/<step>`, `<set>[<derived type>]/<step>`, `<singleton>/<step>`, `/<import>(<parameters>)`. */
  name: string;
  status: 'pass' | 'fail' | 'skip';
  detail?: string;
}

/** A failed expectation: its message is the step's detail. */
export class StepFailure extends Error {}

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}

export class Steps {
  readonly results: StepResult[] = [];

  /** Runs one step; true when it passed. A thrown error is the step's failure, not the drive's. */
  async run(name: string, step: () => Promise<void>): Promise<boolean> {
    try {
      await step();
      this.results.push({ name, status: 'pass' });
      return true;
    } catch (error) {
      // The message, not the stack: it is what a user of the server (or of the CLI) would read.
      const detail = error instanceof StepFailure ? error.message : `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      this.results.push({ name, status: 'fail', detail });
      return false;
    }
  }

  skip(name: string, reason: string): void {
    this.results.push({ name, status: 'skip', detail: reason });
  }
}
