import { describe, expect, it } from 'vitest';

import { sessionKindText } from '../src/lib/format';
import { translate, type Lang, type MessageKey } from '../src/lib/i18n';

const providers = [{ name: 'mock', title: 'Mock ID' }];
const tr = (lang: Lang) => (key: MessageKey, params?: Record<string, string>) => translate(lang, key, params);

describe('sessionKindText', () => {
    it('says how a session was started, in the page’s language', () => {
        expect(sessionKindText('password', providers, tr('en'))).toBe('Password');
        expect(sessionKindText('password', providers, tr('fr'))).toBe('Mot de passe');
        expect(sessionKindText('oauth:mock', providers, tr('en'))).toBe('Via Mock ID');
        expect(sessionKindText('oauth:mock', providers, tr('ar'))).toBe('عبر Mock ID');
    });

    it('names a provider the server no longer lists by its name, and shows other kinds as they are', () => {
        expect(sessionKindText('oauth:gone', providers, tr('en'))).toBe('Via gone');
        expect(sessionKindText('device', providers, tr('en'))).toBe('device');
    });
});
