// demo/vite.config.ts provides it from demo/build/shop-catalog.json (demo/prepare.ts).
declare module 'virtual:shop-catalog' {
  const products: import('./catalog.ts').ShopProduct[];
  export default products;
}
