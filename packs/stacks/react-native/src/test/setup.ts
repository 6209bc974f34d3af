import { afterEach, beforeEach, jest } from '@jest/globals';
import { configure } from '@testing-library/react-native';

// findBy* and waitFor wait up to this long: the first render of a test file loads (and, with a cold
// cache, compiles) much of React Native, which takes seconds on a busy machine.
configure({ asyncUtilTimeout: 15_000 });

// The safe-area library's own stand-in for tests (insets of 0, a 320×640 window).
jest.mock('react-native-safe-area-context', () => jest.requireActual<{ default: unknown }>('react-native-safe-area-context/jest/mock').default);

// The device's secure storage, in memory: what the app keeps between runs can be checked.
jest.mock('expo-secure-store', () => {
  const items = new Map<string, string>();
  return {
    __items: items,
    isAvailableAsync: async () => true,
    getItemAsync: async (key: string) => items.get(key) ?? null,
    setItemAsync: async (key: string, value: string) => {
      items.set(key, value);
    },
    deleteItemAsync: async (key: string) => {
      items.delete(key);
    },
  };
});

beforeEach(() => {
  jest.requireMock<{ __items: Map<string, string> }>('expo-secure-store').__items.clear();
});

afterEach(() => {
  jest.restoreAllMocks();
});
