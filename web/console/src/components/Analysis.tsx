// The analysed text with the words the assumptions quote marked, and the list of assumptions: selecting one
// marks its words in the text (and the other way round).

import { useMemo, useState } from 'react';

import { useApp } from '../state';
import { segmentText } from '../lib/assumptions';
import type { Assumption } from '../lib/types';

export function AnalysedText({ text, assumptions, info }: { text: string; assumptions: Assumption[]; info?: { language?: string; domain?: string; confidence?: number; engine?: string } }) {
    const { t, lang } = useApp();
    const [selected, setSelected] = useState<number | null>(null);
    const segments = useMemo(() => segmentText(text, assumptions), [text, assumptions]);
    const marked = segments.filter((s) => s.assumptions.length > 0).length;
    return (
        <div className="analysis">
            {info && (
                <dl className="facts">
                    {info.language && (
                        <>
                            <dt>{t('analysis.language')}</dt>
                            <dd>{info.language}</dd>
                        </>
                    )}
                    {info.domain && (
                        <>
                            <dt>{t('analysis.domain')}</dt>
                            <dd>
                                {info.domain}
                                {info.confidence !== undefined && ` (${new Intl.NumberFormat(lang, { style: 'percent' }).format(info.confidence)})`}
                            </dd>
                        </>
                    )}
                    {info.engine && (
                        <>
                            <dt>{t('analysis.engine')}</dt>
                            <dd>{info.engine}</dd>
                        </>
                    )}
                </dl>
            )}
            <div className="analysis-grid">
                <div>
                    <h3 id="analysed-text-title">{t('analysis.text')}</h3>
                    <div className="spec-text" tabIndex={0} role="region" aria-labelledby="analysed-text-title">
                        {segments.map((s, k) =>
                            s.assumptions.length === 0 ? (
                                <span key={k}>{s.text}</span>
                            ) : (
                                <mark
                                    key={k}
                                    className={selected !== null && s.assumptions.includes(selected) ? 'current' : ''}
                                    title={s.assumptions.map((i) => assumptions[i].message).join('\n')}
                                    data-assumptions={s.assumptions.join(' ')}
                                >
                                    {s.text}
                                </mark>
                            ),
                        )}
                    </div>
                    <p className="hint small">{t('analysis.marksNote', { count: marked })}</p>
                </div>
                <div>
                    <h3 id="assumptions-title">{t('analysis.assumptions', { count: assumptions.length })}</h3>
                    {assumptions.length === 0 ? (
                        <p className="muted">{t('analysis.noAssumptions')}</p>
                    ) : (
                        <ul className="assumption-list">
                            {assumptions.map((a, i) => (
                                <li key={i}>
                                    <button type="button" className={`assumption ${selected === i ? 'current' : ''}`} aria-pressed={selected === i} onClick={() => setSelected(selected === i ? null : i)}>
                                        <code>{a.field}</code> <span>{a.message}</span>
                                    </button>
                                </li>
                            ))}
                        </ul>
                    )}
                </div>
            </div>
        </div>
    );
}
