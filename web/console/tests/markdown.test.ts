// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';

import { renderMarkdown } from '../src/lib/markdown';

describe('renderMarkdown', () => {
    it('renders the README, code blocks highlighted', () => {
        const html = renderMarkdown('# Clinic\n\nRun it:\n\n```sh\nnpm ci && npm test\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
        expect(html).toContain('<h1>Clinic</h1>');
        expect(html).toContain('<code class="hljs language-bash">');
        expect(html).toContain('<table>');
    });

    it('removes scripts, handlers, inline styles and images from elsewhere', () => {
        const html = renderMarkdown('<script>alert(1)</script><p style="color:red" onclick="x()">hi</p><img src="https://tracker.example/x.png"><iframe src="/"></iframe>\n\n[x](javascript:alert(1))');
        expect(html).not.toMatch(/script|onclick|style=|<img|iframe|javascript:/i);
        expect(html).toContain('hi');
    });

    it('opens outside links apart, and turns links to project files into in-page links', () => {
        const html = renderMarkdown('[site](https://example.org) [api](../backend/README.md#run) [out](../../etc/passwd)', 'frontend/README.md');
        const doc = new DOMParser().parseFromString(html, 'text/html');
        const [site, api, out] = [...doc.querySelectorAll('a')];
        expect(site.getAttribute('target')).toBe('_blank');
        expect(site.getAttribute('rel')).toBe('noopener noreferrer');
        expect(api.getAttribute('data-file')).toBe('backend/README.md');
        expect(api.getAttribute('href')).toBe('#file=backend%2FREADME.md');
        expect(out.hasAttribute('href')).toBe(false);
        expect(out.hasAttribute('data-file')).toBe(false);
    });
});
