/**
 * The shop's cart, in the shop's own localStorage (not Vitrine's): product id → quantity. It tells
 * Vitrine what the visitor did through the page API (`add_to_cart`, `remove_from_cart`, `purchase`).
 */
import { productById, salePrice } from './catalog.ts';
import { withVitrine } from './vitrine.ts';

const KEY = 'demo-shop-cart';

export type Cart = Record<string, number>;

export function readCart(): Cart {
  try {
    const cart: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return cart && typeof cart === 'object' ? (cart as Cart) : {};
  } catch {
    return {};
  }
}

function writeCart(cart: Cart): void {
  localStorage.setItem(KEY, JSON.stringify(cart));
  document.dispatchEvent(new CustomEvent('demo:cart'));
}

export const cartCount = (cart = readCart()): number => Object.values(cart).reduce((sum, quantity) => sum + quantity, 0);

export function addToCart(id: string): void {
  const cart = readCart();
  cart[id] = (cart[id] ?? 0) + 1;
  writeCart(cart);
  const product = productById(id);
  withVitrine((vitrine) => vitrine.track('add_to_cart', { product: id, ...(product && { price: salePrice(product) }) }));
}

export function removeFromCart(id: string): void {
  const cart = readCart();
  delete cart[id];
  writeCart(cart);
  withVitrine((vitrine) => vitrine.track('remove_from_cart', { product: id }));
}

/** The pretend checkout: one `purchase` per line, at the price paid, then an empty cart. */
export function checkout(): void {
  const cart = readCart();
  for (const id of Object.keys(cart)) {
    const product = productById(id);
    withVitrine((vitrine) => vitrine.track('purchase', { product: id, ...(product && { price: salePrice(product) }) }));
  }
  writeCart({});
}
