/**
 * Vitrine's widgets, for the script tag's placeholders and for a shop's own Preact app. They talk
 * to the engine only through the page-side `Vitrine` API (see types.ts).
 */
export { mountWidget } from './mount.tsx';
export { RecommendationList } from './RecommendationList/index.tsx';
export { Recommendations, RecommendationsView } from './Recommendations/index.tsx';
export { WhyButton } from './WhyButton/index.tsx';
export { PrivacyPanel, PrivacyPanelView } from './PrivacyPanel/index.tsx';
export type {
  HeaderComponentProps,
  ItemComponentProps,
  Layout,
  ListCustomisation,
  PrivacyEngine,
  PrivacyPanelProps,
  RecommendationListProps,
  RecommendationsProps,
  StringOverrides,
  Strings,
  WhyButtonProps,
  WidgetEngine,
} from './types.ts';
