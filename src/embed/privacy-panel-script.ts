/**
 * `dist/vitrine-privacy.js`: the privacy panel as a script of its own, which `vitrine.js` adds only
 * when a page shows the panel (src/embed/privacy-panel-loader.tsx). Its Preact is vitrine.js's own
 * (see vite.config.ts PANEL_BUILD); it hands the panel back through the same global.
 */
import { PrivacyPanelView } from '../../widgets/PrivacyPanel/index.tsx';
import { PANEL_GLOBAL } from './privacy-panel-global.ts';
import type { PanelHandover } from './privacy-panel-loader.tsx';

const handover = (window as unknown as Record<string, PanelHandover | undefined>)[PANEL_GLOBAL];
if (handover) handover.panel = PrivacyPanelView;
