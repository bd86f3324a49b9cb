// npm links the bins of dependencies, never a package's own: link ours so `npx vitrine` works
// inside this repository exactly as it does in a shop's project that installed vitrine.
import { mkdirSync, rmSync, symlinkSync, chmodSync } from 'node:fs';

mkdirSync('node_modules/.bin', { recursive: true });
rmSync('node_modules/.bin/vitrine', { force: true });
symlinkSync('../../bin/vitrine.js', 'node_modules/.bin/vitrine');
chmodSync('bin/vitrine.js', 0o755);
