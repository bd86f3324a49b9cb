// The same code as test/apps/preact-ts/src/main.tsx (README.md, "2. npm, in an app"), built by Rollup 4.
import { render } from 'preact';
import { createVitrine } from 'vitrine';
import { PrivacyPanel, Recommendations } from 'vitrine/widgets';

const vitrine = createVitrine();

const ProductPage = ({ sku }: { sku: string }) => (
  <>
    <Recommendations vitrine={vitrine} placement="similar" product={sku} limit={4} locale="de" />
    <Recommendations vitrine={vitrine} placement="for_you" layout="grid" onError={(e) => console.info(e)} />
    <PrivacyPanel vitrine={vitrine} />
  </>
);

render(<ProductPage sku="5" />, document.getElementById('app')!);
// The shop's bundle, built with `vitrine bundle build`. Widgets wait for it (showing their
// children meanwhile); if it fails they stay on their children, and this says why.
await vitrine.load('/vitrine/shop.vtb').catch((error: unknown) => console.warn('Vitrine:', error));
// End of the README's snippet. For test/e2e/apps.spec.ts: the engine's status().
Object.assign(window, { vitrineStatus: () => vitrine.status() });
