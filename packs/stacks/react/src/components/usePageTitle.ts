import { useEffect } from 'react';
import { APP_TITLE } from '../config';

/** Sets the document title to "<title> · <application title>" while the page is shown. */
export function usePageTitle(title?: string): void {
  useEffect(() => {
    document.title = title ? `${title} · ${APP_TITLE}` : APP_TITLE;
  }, [title]);
}
