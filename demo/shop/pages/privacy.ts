/** Privacy `/privacy`: what Vitrine stores on this device, with export and delete (Vitrine's own privacy panel). */
import { followPanelChoices } from '../consent.ts';
import { el } from '../dom.ts';
import { T } from '../i18n.ts';
import { placeholder, startPage } from '../layout.ts';

const main = startPage(T.privacyTitle);
main.append(el('h1', {}, T.privacyTitle), el('p', { class: 'lead' }, T.privacyIntro), placeholder('privacy-panel'));
followPanelChoices();
