import type { Catalog } from '../src/lib/types';

/// The parts of GET /api/v1/catalog the tests need, as the server answers them.
export const catalog: Catalog = {
    stacks: {
        ai: ['python-ml', 'none'],
        backend: ['express', 'flask', 'fastapi', 'django', 'none'],
        blockchain: ['solidity', 'none'],
        devops: ['docker', 'compose', 'github-actions', 'kubernetes', 'terraform'],
        frontend: ['react', 'vue', 'svelte', 'none'],
        mobile: ['react-native', 'flutter', 'none'],
    },
    domains: [
        { name: 'health', title: 'Health and clinics' },
        { name: 'custom', title: 'Anything else' },
    ],
    features: [
        { name: 'auth', title: 'Accounts', kinds: ['frontend', 'backend', 'mobile'], supported_by: { backend: ['django', 'express', 'fastapi', 'flask'], frontend: ['react', 'svelte', 'vue'] } },
        { name: 'i18n', title: 'Languages', kinds: ['frontend', 'mobile'], supported_by: { frontend: ['react', 'svelte', 'vue'] } },
        { name: 'search', title: 'Search', kinds: ['frontend', 'backend', 'mobile'], supported_by: { backend: ['express', 'fastapi', 'flask'], frontend: ['react', 'svelte', 'vue'] } },
        { name: 'uploads', title: 'File uploads', kinds: ['frontend', 'backend', 'mobile'], supported_by: { backend: ['express', 'fastapi', 'flask'] } },
    ],
    field_types: ['string', 'text', 'int', 'float', 'bool', 'date', 'datetime', 'email', 'url', 'enum', 'ref', 'file'],
    locales: ['fr', 'en', 'ar'],
    packs: [
        { name: 'compose', version: '1.0.0', kind: 'stack' },
        { name: 'django', version: '1.0.0', kind: 'stack' },
        { name: 'docker', version: '1.1.0', kind: 'stack' },
        { name: 'express', version: '2.0.0', kind: 'stack' },
        { name: 'fastapi', version: '2.0.0', kind: 'stack' },
        { name: 'flask', version: '2.0.0', kind: 'stack' },
        { name: 'github-actions', version: '1.1.0', kind: 'stack' },
        { name: 'kubernetes', version: '1.0.0', kind: 'stack' },
        { name: 'python-ml', version: '1.0.0', kind: 'stack' },
        { name: 'react', version: '1.0.0', kind: 'stack' },
        { name: 'solidity', version: '1.0.0', kind: 'stack' },
        { name: 'svelte', version: '1.0.0', kind: 'stack' },
        { name: 'terraform', version: '1.0.0', kind: 'stack' },
        { name: 'vue', version: '1.0.0', kind: 'stack' },
        { name: 'api-contract', version: '1.0.0', kind: 'library' },
    ],
};
