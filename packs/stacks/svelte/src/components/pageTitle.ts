import { APP_TITLE } from '../config';

/** Sets the document title to "<title> · <application title>" (call it in an $effect). */
export function setPageTitle(title?: string): void {
  document.title = title ? `${title} · ${APP_TITLE}` : APP_TITLE;
}
