import * as SecureStore from 'expo-secure-store';
import { APP_ID } from './config';

/**
 * Small values kept on the device between runs, in the platform's secure storage (Keychain on iOS,
 * Keystore-encrypted preferences on Android) through expo-secure-store. Where it is not available
 * (the web build), nothing is kept: the values last until the app is closed.
 */
function keyOf(name: string): string {
  // SecureStore keys may contain letters, digits, '.', '-' and '_'.
  return `${APP_ID}.${name}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

async function available(): Promise<boolean> {
  try {
    return (await SecureStore.isAvailableAsync()) === true;
  } catch {
    return false;
  }
}

export async function loadItem(name: string): Promise<string | null> {
  if (!(await available())) return null;
  try {
    return (await SecureStore.getItemAsync(keyOf(name))) ?? null;
  } catch {
    return null;
  }
}

export async function saveItem(name: string, value: string | null): Promise<void> {
  if (!(await available())) return;
  try {
    if (value === null) await SecureStore.deleteItemAsync(keyOf(name));
    else await SecureStore.setItemAsync(keyOf(name), value);
  } catch {
    // Not kept: the value still holds until the app is closed.
  }
}
