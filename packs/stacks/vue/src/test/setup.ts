import { enableAutoUnmount } from '@vue/test-utils';
import { afterEach, vi } from 'vitest';

// Every test mounts its own app; unmount it (and its watchers) before the next one.
enableAutoUnmount(afterEach);

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
