// Generated READMEs rendered as HTML: marked for the Markdown, DOMPurify for what may reach the page (no script,
// no style attribute — the CSP refuses inline styles —, no image from elsewhere — the CSP refuses them too).
// Links to other files of the project become in-page links (`data-file`); links out of the site open apart.

import DOMPurify from 'dompurify';
import { Marked } from 'marked';

import { resolveRelative } from './files';
import { highlight, languageOf } from './highlight';

const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
        code({ text, lang }) {
            const language = lang ? languageOf(`x.${lang}`) : 'plaintext';
            const cls = language === 'plaintext' ? '' : ` language-${language}`;
            return `<pre><code class="hljs${cls}">${highlight(text, language)}</code></pre>\n`;
        },
    },
});

/// Sanitised HTML of the Markdown file at `path` (links are resolved from it).
export function renderMarkdown(source: string, path = 'README.md'): string {
    const html = marked.parse(source, { async: false }) as string;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
        if (node.nodeName === 'A') {
            const href = node.getAttribute('href') ?? '';
            if (/^(https?:|mailto:)/i.test(href)) {
                node.setAttribute('target', '_blank');
                node.setAttribute('rel', 'noopener noreferrer');
                return;
            }
            const file = resolveRelative(path, href);
            node.removeAttribute('href');
            if (file) {
                node.setAttribute('data-file', file);
                node.setAttribute('href', `#file=${encodeURIComponent(file)}`);
            }
        }
        if (node.nodeName === 'IMG') {
            const src = node.getAttribute('src') ?? '';
            if (!/^data:image\/(png|gif|jpeg|webp);/i.test(src)) node.parentNode?.removeChild(node);
        }
    });
    try {
        return DOMPurify.sanitize(html, {
            FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
            FORBID_ATTR: ['style', 'id', 'name'],
            ALLOW_DATA_ATTR: true,
        });
    } finally {
        DOMPurify.removeHook('afterSanitizeAttributes');
    }
}
