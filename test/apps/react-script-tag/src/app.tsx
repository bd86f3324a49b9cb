/** A React page with Vitrine's placeholders: vitrine.js (the script tag) mounts a widget in each, as React renders them. */
export function App() {
  return (
    <main>
      <h1>Product 5</h1>
      <div data-vitrine="similar" data-product="5" data-limit="4"></div>
      <div data-vitrine="trending" data-limit="4" data-layout="grid"></div>
    </main>
  );
}
