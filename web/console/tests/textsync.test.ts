import { describe, expect, it } from 'vitest';

import { diffText, moveThrough } from '../src/lib/textsync';

describe('textsync', () => {
    it('finds the smallest edit', () => {
        expect(diffText('abc', 'abc')).toBeNull();
        expect(diffText('title: Clinic', 'title: Big Clinic')).toEqual({ at: 7, remove: 0, insert: 'Big ' });
        expect(diffText('aaa', 'aa')).toEqual({ at: 2, remove: 1, insert: '' });
        expect(diffText('name: x\n', 'name: yz\n')).toEqual({ at: 6, remove: 1, insert: 'yz' });
        expect(diffText('😀', '😁')).toEqual({ at: 0, remove: 2, insert: '😁' });
        expect(diffText('a😀b', 'a😀xb')).toEqual({ at: 3, remove: 0, insert: 'x' });
        expect(diffText('😀😀', '😀')).toEqual({ at: 2, remove: 2, insert: '' });
    });
    it('moves the caret as the text before it changes', () => {
        expect(moveThrough(5, [{ insert: 'abc' }])).toBe(8);
        expect(moveThrough(5, [{ retain: 6 }, { insert: 'abc' }])).toBe(5);
        expect(moveThrough(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
        expect(moveThrough(5, [{ retain: 3 }, { delete: 10 }])).toBe(3);
    });
});
