/**
 * Writes a synthetic catalog (and events log) of any size, to time `bundle build` at shop scale:
 *   npx tsx test/node/cli-synthetic-catalog.ts 100000 /tmp/big   # → catalog.csv, events.csv
 *   time npx vitrine bundle build --catalog /tmp/big/catalog.csv --events /tmp/big/events.csv --out /tmp/big/shop.vtb
 * Deterministic (seeded), so timings are comparable between runs.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32 } from '../../src/shared/random.ts';

const WORDS =
  'cotton linen wool silk denim leather steel glass oak bamboo ceramic classic modern slim relaxed vintage premium soft warm light compact wireless smart portable waterproof organic handmade printed striped floral solid'.split(
    ' ',
  );
const NOUNS =
  'shirt dress jacket jeans sneaker boot watch lamp chair table mug kettle blanket pillow towel backpack wallet belt scarf hat speaker headphones charger keyboard mouse'.split(
    ' ',
  );
const TOPS = ['Clothing', 'Home', 'Electronics', 'Kitchen', 'Accessories', 'Footwear', 'Beauty', 'Sports'];
const BRANDS = Array.from({ length: 400 }, (_, i) => `Brand${i}`);

export async function writeSyntheticCatalog(count: number, dir: string, events = count * 3): Promise<void> {
  await mkdir(dir, { recursive: true });
  const rand = mulberry32(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const catalog = createWriteStream(join(dir, 'catalog.csv'));
  catalog.write('id,title,description,category,brand,price,sale_price,sizes,colors,in_stock\n');
  for (let i = 0; i < count; i++) {
    const noun = pick(NOUNS);
    const title = `${pick(WORDS)} ${pick(WORDS)} ${noun}`;
    const desc = Array.from({ length: 25 }, () => pick(WORDS)).join(' ');
    const category = `${pick(TOPS)} > ${noun} > ${pick(WORDS)}`;
    const price = 5 + Math.floor(rand() * 2000);
    const sale = rand() < 0.3 ? Math.floor(price * 0.8) : '';
    const line = `p${i},"${title}","${desc}, ""quoted"" part",${category},${pick(BRANDS)},"${price.toLocaleString('en-US')}",${sale},S|M|L,red|blue,${rand() < 0.9}\n`;
    if (!catalog.write(line)) await new Promise<void>((r) => catalog.once('drain', () => r()));
  }
  await new Promise<void>((r) => catalog.end(() => r()));
  const log = createWriteStream(join(dir, 'events.csv'));
  log.write('session,product,time,type\n');
  const start = Date.UTC(2024, 0, 1);
  for (let e = 0, s = 0; e < events; s++) {
    // Sessions browse around one popular-ish product's neighbourhood.
    const base = Math.floor(Math.pow(rand(), 2) * count);
    const length = 2 + Math.floor(rand() * 8);
    for (let k = 0; k < length && e < events; k++, e++) {
      const p = Math.min(count - 1, base + Math.floor(rand() * 20));
      const type = rand() < 0.05 ? 'purchase' : rand() < 0.1 ? 'cart' : 'view';
      const line = `s${s},p${p},${new Date(start + s * 60_000 + k * 5_000).toISOString()},${type}\n`;
      if (!log.write(line)) await new Promise<void>((r) => log.once('drain', () => r()));
    }
  }
  await new Promise<void>((r) => log.end(() => r()));
}

if (process.argv[1]?.endsWith('cli-synthetic-catalog.ts')) {
  await writeSyntheticCatalog(Number(process.argv[2] ?? 100_000), process.argv[3] ?? 'synthetic');
}
