import { watchEffect } from 'vue';
import { APP_TITLE } from '../config';

/** Keeps the document title at "<title> · <application title>" while the page is shown. */
export function usePageTitle(title: () => string | undefined = () => undefined): void {
  watchEffect(() => {
    const text = title();
    document.title = text ? `${text} · ${APP_TITLE}` : APP_TITLE;
  });
}
