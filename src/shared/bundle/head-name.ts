/**
 * Where a bundle's head part lives: next to it, `shop.vtb` → `shop.head.vtb` (any other name gains
 * `.head.vtb`). The CLI writes it there and the engine looks for it there, so no page markup names it.
 */
export function headName(path: string): string {
  return path.replace(/(\.vtb)?$/, '.head.vtb');
}
