/**
 * How every tool here starts Chromium: Debian's build (Playwright cannot download its own on these
 * machines; `CHROMIUM_PATH` picks another), headless, with its background services off — they
 * would try to reach Google, and these machines have no network.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
