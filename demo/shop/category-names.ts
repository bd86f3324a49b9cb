/**
 * The shop's names for DummyJSON's category slugs, German and English. The navigation shows them,
 * and demo/prepare.ts gives the bundle the German ones (the shop's default language), so that the
 * reasons and the privacy panel say "Herrenuhren", not "mens-watches". No DOM: Node reads it too.
 */
export const CATEGORY_NAMES: Record<string, [de: string, en: string]> = {
  beauty: ['Beauty', 'Beauty'],
  fragrances: ['Düfte', 'Fragrances'],
  furniture: ['Möbel', 'Furniture'],
  groceries: ['Lebensmittel', 'Groceries'],
  'home-decoration': ['Wohndeko', 'Home decoration'],
  'kitchen-accessories': ['Küche', 'Kitchen'],
  laptops: ['Laptops', 'Laptops'],
  'mens-shirts': ['Herrenhemden', "Men's shirts"],
  'mens-shoes': ['Herrenschuhe', "Men's shoes"],
  'mens-watches': ['Herrenuhren', "Men's watches"],
  'mobile-accessories': ['Handyzubehör', 'Mobile accessories'],
  motorcycle: ['Motorrad', 'Motorcycle'],
  'skin-care': ['Hautpflege', 'Skin care'],
  smartphones: ['Smartphones', 'Smartphones'],
  'sports-accessories': ['Sport', 'Sports'],
  sunglasses: ['Sonnenbrillen', 'Sunglasses'],
  tablets: ['Tablets', 'Tablets'],
  tops: ['Tops', 'Tops'],
  vehicle: ['Fahrzeuge', 'Vehicles'],
  'womens-bags': ['Damentaschen', "Women's bags"],
  'womens-dresses': ['Kleider', 'Dresses'],
  'womens-jewellery': ['Schmuck', 'Jewellery'],
  'womens-shoes': ['Damenschuhe', "Women's shoes"],
  'womens-watches': ['Damenuhren', "Women's watches"],
};
