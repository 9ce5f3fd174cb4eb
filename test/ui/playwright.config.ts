import { defineConfig } from '@playwright/test';

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
      executablePath: process.env.HPC_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage'
      ]
    }
  }
});
