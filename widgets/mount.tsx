/**
 * Widgets live in open shadow roots: the shop's CSS cannot reach in, theirs cannot leak out, and
 * only the documented custom properties (`--vitrine-*`) and inherited fonts cross the boundary.
 */
import { h, render, type ComponentChildren, type FunctionComponent, type VNode } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import base from './base.css?inline';
import panel from './PrivacyPanel/style.css?inline';
import list from './RecommendationList/style.css?inline';
import dialog from './Recommendations/style.css?inline';
import why from './WhyButton/style.css?inline';

const CSS = [base, list, why, panel, dialog];

/** Parsed once per page and shared by every widget's shadow root. */
let sheets: CSSStyleSheet[] | undefined;

/**
 * Renders `vnode` into `host`'s open shadow root (attached on first use), with the widget
 * stylesheets adopted. Calling it again re-renders in place. Returns the unmount function.
 * @throws DOMException when `host` cannot have a shadow root (e.g. a `<ul>` or `<button>`, or a closed root).
 * @example
 * const unmount = mountWidget(div, <RecommendationsView vitrine={vitrine} placement="similar" product="SKU-1" />);
 */
export function mountWidget(host: HTMLElement, vnode: VNode): () => void {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  if (root.adoptedStyleSheets) {
    sheets ??= CSS.map((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return sheet;
    });
    if (!root.adoptedStyleSheets.includes(sheets[0]!)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...sheets];
    render(vnode, root);
  } else {
    // Browsers without constructable stylesheets (Safari < 16.4); a strict style-src CSP blocks this.
    render([...CSS.map((css) => <style>{css}</style>), vnode], root);
  }
  return () => render(null, root);
}

/**
 * A component that renders `View` inside a `<div>`'s own shadow root. Its children stay in the
 * div's light DOM: they are the fallback a `<slot>` in `View` shows.
 */
export function shadowHost<P extends object>(View: FunctionComponent<P>): FunctionComponent<P & { children?: ComponentChildren }> {
  return ({ children, ...props }) => {
    const host = useRef<HTMLDivElement>(null);
    const unmount = useRef<(() => void) | undefined>(undefined);
    useLayoutEffect(() => {
      unmount.current = mountWidget(host.current!, <View {...(props as P)} />);
    });
    useLayoutEffect(() => () => unmount.current?.(), []);
    return <div ref={host}>{children}</div>;
  };
}
