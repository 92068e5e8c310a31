import { defineConfig } from '@playwright/test';

// API-only: no project launches a browser. Cluster specs share one cluster booted by the
// "cluster setup" project and deleted by "cluster teardown" (unless KPC_KEEP=1).
export default defineConfig({
  timeout: 10 * 60_000,
  reporter: [['list'], ['junit', { outputFile: 'test-results/junit.xml' }]],
  workers: 1,
  projects: [
    { name: 'unit', testDir: 'specs/unit' },
  ],
});
