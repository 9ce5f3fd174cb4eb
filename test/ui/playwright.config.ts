import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium';

/**
 * UI tests of the HPC sidebar against a real JupyterLab (started by
 * global-setup.ts) and the system's Chromium: no browser is downloaded.
 *
 *   npx playwright test --config test/ui/playwright.config.ts
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  // One JupyterLab, one Slurm, two cores: run tests one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // A cluster with a broken slurm.conf takes Slurm about a minute to fail.
  timeout: 240_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: '../../test-results/ui',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    actionTimeout: 30_000,
    navigationTimeout: 120_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_EXECUTABLE,
      args: CHROMIUM_ARGS
    }
  }
});
