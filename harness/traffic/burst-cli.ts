// Entry point inside the traffic-client container: plan as JSON in argv, records as NDJSON on stdout.
import { runBurst } from './burst.js';
import type { TrafficPlan } from './traffic-plan.js';

const plan = JSON.parse(process.argv[2] ?? '') as TrafficPlan;
runBurst(plan).then(
  (records) => process.stdout.write(records.map((r) => JSON.stringify(r)).join('\n') + '\n'),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
