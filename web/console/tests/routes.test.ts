import { describe, expect, it } from 'vitest';

import { errorsAt, inputId, itemIndex, normalisePath, unclaimed } from '../src/lib/errors';
import { needsSignIn, parseRoute, safeReturnPath } from '../src/lib/routes';

describe('routes', () => {
    it('reads the console’s pages from the path', () => {
        expect(parseRoute('/')).toEqual({ page: 'new' });
        expect(parseRoute('/projects/')).toEqual({ page: 'projects' });
        expect(parseRoute('/projects/p1')).toEqual({ page: 'project', id: 'p1' });
        expect(parseRoute('/notifications')).toEqual({ page: 'notifications' });
        expect(parseRoute('/notifications/x')).toEqual({ page: 'not-found' });
        expect(needsSignIn({ page: 'notifications' })).toBe(true);
        expect(parseRoute('/projects/p1/edit')).toEqual({ page: 'collab', id: 'p1' });
        expect(needsSignIn({ page: 'collab', id: 'p1' })).toBe(true);
        expect(parseRoute('/projects/p1/other')).toEqual({ page: 'not-found' });
        expect(parseRoute('/projects/p1/generations/g1')).toEqual({ page: 'generation', id: 'p1', gid: 'g1' });
        expect(parseRoute('/settings')).toEqual({ page: 'settings', section: 'profile' });
        expect(parseRoute('/settings/api-keys')).toEqual({ page: 'settings', section: 'api-keys' });
        expect(parseRoute('/admin')).toEqual({ page: 'admin', section: 'users' });
        expect(parseRoute('/admin/audit')).toEqual({ page: 'admin', section: 'audit' });
        expect(parseRoute('/admin/jobs')).toEqual({ page: 'not-found' });
        expect(parseRoute('/sign-in')).toEqual({ page: 'sign-in' });
        expect(parseRoute('/nope/x')).toEqual({ page: 'not-found' });
        expect(needsSignIn(parseRoute('/projects'))).toBe(true);
        expect(needsSignIn(parseRoute('/'))).toBe(false);
    });

    it('only comes back to a path of this site after signing in', () => {
        expect(safeReturnPath('/projects?q=a')).toBe('/projects?q=a');
        expect(safeReturnPath('//evil.example/x')).toBe('/');
        expect(safeReturnPath('https://evil.example/')).toBe('/');
        expect(safeReturnPath('/\\evil.example')).toBe('/');
        expect(safeReturnPath('/sign-in?return_to=/x')).toBe('/');
        expect(safeReturnPath(null)).toBe('/');
    });
});

describe('field errors', () => {
    const errors = [
        { field: 'entities[0].fields[1].type', reason: 'unknown type' },
        { field: 'entities[0].fields[2].values[1]', reason: 'duplicate value' },
        { field: 'entities[0].fields[2].values', reason: 'missing' },
        { field: 'model.stacks.backend', reason: 'unknown backend' },
        { field: 'stacks.devops[3]', reason: 'no pack' },
    ];

    it('finds the errors of a member, with its items when asked', () => {
        expect(errorsAt(errors, 'entities[0].fields[1].type')).toEqual([errors[0]]);
        expect(errorsAt(errors, 'entities[0].fields[2].values')).toEqual([errors[2]]);
        expect(errorsAt(errors, 'entities[0].fields[2].values', true)).toEqual([errors[1], errors[2]]);
        expect(errorsAt(errors, 'stacks.backend')).toEqual([errors[3]]);
        expect(errorsAt(errors, 'stacks.devops', true)).toEqual([errors[4]]);
        expect(errorsAt(errors, 'entities[0]', true)).toEqual([]);
        expect(itemIndex(errors[1], 'entities[0].fields[2].values')).toBe(1);
        expect(normalisePath('spec.title')).toBe('title');
    });

    it('says which errors no input shows', () => {
        expect(unclaimed(errors, (p) => p.startsWith('entities'))).toEqual([errors[3], errors[4]]);
    });

    it('makes DOM ids of paths', () => {
        expect(inputId('entities[0].fields[1].type')).toBe('m-entities-0-fields-1-type');
        expect(inputId('stacks.devops')).toBe('m-stacks-devops');
        expect(inputId('roles[2]')).toBe('m-roles-2');
    });
});
