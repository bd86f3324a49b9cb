// Serves Vitrine's script-tag build as it is (vitrine.js finds its worker and .wasm files next to
// itself): node_modules/vitrine/dist/ → public/vitrine/, which Vite copies into the app's build.
import { cpSync, rmSync } from 'node:fs';

rmSync('public/vitrine', { recursive: true, force: true });
cpSync('node_modules/vitrine/dist', 'public/vitrine', { recursive: true, filter: (path) => !path.includes('/dist/lib') });
