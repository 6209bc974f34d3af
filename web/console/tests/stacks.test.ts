import { describe, expect, it } from 'vitest';

import { describeSupport, featureSupport, stackOptions, stacksWithoutPack, unsupportedFeatures } from '../src/lib/stacks';
import type { Stacks } from '../src/lib/types';
import { catalog } from './fixtures';

const stacks = (s: Partial<Stacks>): Stacks => ({ frontend: 'react', backend: 'express', mobile: 'none', ai: 'none', devops: [], blockchain: 'none', ...s });

describe('stackOptions', () => {
    it('offers the stacks that have a pack, and none; the others with their reason', () => {
        expect(stackOptions(catalog, 'mobile')).toEqual([
            { value: 'react-native', available: false, reason: 'no-pack' },
            { value: 'flutter', available: false, reason: 'no-pack' },
            { value: 'none', available: true },
        ]);
        expect(stackOptions(catalog, 'backend').every((o) => o.available)).toBe(true);
        expect(stackOptions(catalog, 'devops').map((o) => o.value)).toEqual(['docker', 'compose', 'github-actions', 'kubernetes', 'terraform']);
    });

    it('does not take a library pack for a stack', () => {
        const c = { ...catalog, stacks: { ...catalog.stacks, backend: ['api-contract', 'none'] } };
        expect(stackOptions(c, 'backend')[0]).toEqual({ value: 'api-contract', available: false, reason: 'no-pack' });
    });
});

describe('featureSupport', () => {
    it('follows the server: every chosen stack of the feature’s kinds must implement it', () => {
        expect(featureSupport(catalog, 'search', stacks({ backend: 'flask', frontend: 'none' })).ok).toBe(true);
        const django = featureSupport(catalog, 'search', stacks({ backend: 'django' }));
        expect(django.ok).toBe(false);
        expect(django.missing).toEqual([{ kind: 'backend', value: 'django' }]);
        // uploads: no front-end pack implements it, so a chosen front end refuses it
        expect(featureSupport(catalog, 'uploads', stacks({ frontend: 'react', backend: 'flask' })).missing).toEqual([{ kind: 'frontend', value: 'react' }]);
        expect(featureSupport(catalog, 'uploads', stacks({ frontend: 'none', backend: 'flask' })).ok).toBe(true);
    });

    it('says when no chosen stack concerns the feature', () => {
        const s = featureSupport(catalog, 'i18n', stacks({ frontend: 'none' }));
        expect(s.ok).toBe(true);
        expect(s.unused).toBe(true);
    });

    it('lists the model’s unsupported features and stacks without a pack', () => {
        const model = { title: 'x', domain: 'custom', locales: ['en'], roles: ['admin'], entities: [], features: ['auth', 'search'], stacks: stacks({ backend: 'django', mobile: 'flutter' }) };
        expect(unsupportedFeatures(catalog, model)).toEqual([
            { feature: 'auth', missing: [{ kind: 'mobile', value: 'flutter' }] },
            { feature: 'search', missing: [{ kind: 'backend', value: 'django' }, { kind: 'mobile', value: 'flutter' }] },
        ]);
        expect(stacksWithoutPack(catalog, model.stacks)).toEqual([{ kind: 'mobile', value: 'flutter' }]);
    });

    it('describes who implements a feature', () => {
        expect(describeSupport({ backend: ['express', 'flask'], frontend: [], mobile: ['flutter'] })).toBe('backend: express, flask; mobile: flutter');
    });
});
