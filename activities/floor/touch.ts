/**
 * The one activity of Temporal's floor in `npm run bench` (workflows/bench/baseline.ts):
 * a workflow that wakes on a timer and runs one activity, beside which the path's
 * wake-up is measured. The product never calls it.
 */
export function createBenchActivities() {
  return {
    async benchTouch(at: string): Promise<string> {
      return at;
    },
  };
}
