/**
 * The script tag's privacy panel. Most pages never show it (only a "Why?" → "Manage my data", or a
 * `data-vitrine="privacy-panel"` placeholder does), so its code is a script of its own,
 * `vitrine-privacy.js`, added the first time a panel renders. This module stands in for
 * widgets/PrivacyPanel in the script-tag build only (vite.config.ts swaps it in); apps importing
 * `vitrine/widgets` get the panel itself and their bundler splits it as it likes.
 *
 * The panel's hooks only work with the Preact that renders it, so the script does not bring its
 * own: it takes this script's Preact from `window[PANEL_GLOBAL].preact`, handed over before it
 * loads, and leaves the panel component in `.panel`.
 */
import { h, Fragment, type FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PrivacyPanelProps } from '../../widgets/types.ts';
import { tag } from '../../widgets/format.ts';
import { pick } from '../../widgets/i18n.ts';
import { shadowHost } from '../../widgets/mount.tsx';
import { PANEL_GLOBAL } from './privacy-panel-global.ts';
import { scriptUrl } from './worker-start.ts';

/** Next to vitrine.js in dist/ (a variable: not an asset for the bundler to resolve). */
const PANEL_FILE = 'vitrine-privacy.js';

export interface PanelHandover {
  /** Exactly what the panel imports from `preact` and `preact/hooks`. */
  preact: object;
  panel?: FunctionComponent<PrivacyPanelProps>;
}

let loading: Promise<FunctionComponent<PrivacyPanelProps>> | undefined;

function loadPanel(): Promise<FunctionComponent<PrivacyPanelProps>> {
  return (loading ??= new Promise((resolve, reject) => {
    const handover: PanelHandover = { preact: { h, Fragment, useEffect, useRef, useState } };
    (window as unknown as Record<string, PanelHandover>)[PANEL_GLOBAL] = handover;
    const script = document.createElement('script');
    script.src = scriptUrl(new URL(PANEL_FILE, import.meta.url).href) as string;
    const fail = (): void => {
      loading = undefined; // the next panel tries again
      reject(new Error(`the privacy panel could not be loaded from ${script.src}`));
    };
    script.onload = () => (handover.panel ? resolve(handover.panel) : fail());
    script.onerror = fail;
    document.head.append(script);
  }));
}

export function PrivacyPanelView(props: PrivacyPanelProps) {
  const [Panel, setPanel] = useState<FunctionComponent<PrivacyPanelProps>>();
  const [failed, setFailed] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    loadPanel().then(
      (panel) => mounted.current && setPanel(() => panel),
      (error) => {
        console.warn(`Vitrine: ${error.message}`);
        if (mounted.current) setFailed(true);
      },
    );
    return () => (mounted.current = false);
  }, []);
  if (Panel) return <Panel {...props} />;
  // The dialog's close button must work even when the panel could not come.
  return failed && props.onClose ? (
    <button type="button" onClick={props.onClose}>
      {pick(tag(props.locale)).close}
    </button>
  ) : (
    <Fragment />
  );
}

/** `widgets/index.ts` re-exports both; the script tag uses only the view. */
export const PrivacyPanel = shadowHost(PrivacyPanelView);
