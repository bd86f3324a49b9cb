/** The global where vitrine.js and vitrine-privacy.js meet (see privacy-panel-loader.tsx); vite.config.ts names it too. */
export const PANEL_GLOBAL = '__vitrinePrivacy';
