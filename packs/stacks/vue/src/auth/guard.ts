import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router';
import { getToken } from './token';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only a signed-in user may open the page (create and edit forms). */
    requiresAuth?: boolean;
  }
}

/** Sends anyone who is not signed in from a protected page to the login page, and back after. */
export function requireAuth(to: RouteLocationNormalized): true | RouteLocationRaw {
  if (!to.meta.requiresAuth || getToken() !== null) return true;
  return { path: '/login', query: { redirect: to.fullPath } };
}

/** Where to go after signing in: the page asked for, if it is a page of this app. */
export function redirectTarget(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}
