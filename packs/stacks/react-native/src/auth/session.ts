import { loadItem, saveItem } from '../storage';

/** The signed-in user: the API's bearer token and who it belongs to (`GET /api/auth/me`). */
export interface Session {
  token: string;
  email: string;
  role: string;
  /** When the token stops being accepted (milliseconds since 1970). */
  expiresAt: number;
}

const STORAGE_NAME = 'session';
let current: Session | null = null;
const listeners = new Set<() => void>();

function isSession(value: unknown): value is Session {
  const candidate = value as Partial<Session> | null;
  return (
    typeof candidate?.token === 'string' &&
    typeof candidate.email === 'string' &&
    typeof candidate.role === 'string' &&
    typeof candidate.expiresAt === 'number'
  );
}

/** The session, held in memory; null when signed out or once the token has expired. */
export function getSession(): Session | null {
  if (current && current.expiresAt <= Date.now()) current = null;
  return current;
}

/** Signs in (a session) or out (null), and keeps that on the device (src/storage.ts). */
export function setSession(session: Session | null): void {
  current = session;
  listeners.forEach((listener) => listener());
  void saveItem(STORAGE_NAME, session ? JSON.stringify(session) : null);
}

/** Calls `listener` when the session changes; returns the unsubscribe. */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The session a previous run kept on the device, if its token is still valid. */
export async function restoreSession(): Promise<void> {
  const saved = await loadItem(STORAGE_NAME);
  if (!saved || current) return;
  try {
    const parsed: unknown = JSON.parse(saved);
    if (isSession(parsed) && parsed.expiresAt > Date.now()) {
      current = parsed;
      listeners.forEach((listener) => listener());
    }
  } catch {
    // A damaged entry: stay signed out.
  }
}
