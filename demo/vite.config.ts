/**
 * The demo shop's build (`npm run demo:shop`): one HTML page per page type, from demo/pages/, into
 * demo/build/shop/. The server (demo/serve.ts) maps the shop's routes (`/p/<id>`, `/c/<category>`, …)
 * to these pages. Vitrine itself is not built here: the pages load it as any shop would, with the
 * script tag pointing at `/vitrine/vitrine.js` (dist/).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** The shop's page types, each one HTML entry. */
export const SHOP_PAGES = ['home', 'category', 'product', 'search', 'cart', 'privacy'] as const;

const pages = fileURLToPath(new URL('pages/', import.meta.url));

/** `virtual:shop-catalog`: the shop's product data, written by demo/prepare.ts (`npm run demo:bundle`) before this build. */
function shopCatalog(): Plugin {
  const id = 'virtual:shop-catalog';
  return {
    name: 'shop-catalog',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load: (source) =>
      source === `\0${id}` ? `export default ${readFileSync(new URL('build/shop-catalog.json', import.meta.url), 'utf8')};` : undefined,
  };
}

export default defineConfig({
  root: pages,
  base: '/',
  publicDir: false,
  plugins: [shopCatalog()],
  build: {
    outDir: fileURLToPath(new URL('build/shop/', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: { input: Object.fromEntries(SHOP_PAGES.map((page) => [page, `${pages}${page}.html`])) },
  },
});
