/**
 * Debian's chromium, never a browser Playwright downloads (no such download here). As root it
 * needs --no-sandbox; the rest keeps it from reaching for the network at start. The browser
 * specs use it, and `npm run bench` for the matrix page's screenshot.
 */
export const CHROMIUM = {
  executablePath: process.env.KPC_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
