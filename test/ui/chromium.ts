/**
 * Debian's Chromium as the UI tests and the benchmark launch it: never a
 * downloaded browser; the flags keep it off this machine's closed network.
 */
export const CHROMIUM_EXECUTABLE = process.env.HPC_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage'
];
