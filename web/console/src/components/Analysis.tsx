// The analysed text with the words the assumptions quote marked, and the list of assumptions: selecting one
// marks its words in the text (and the other way round).

import { useMemo, useState } from 'react';

import { useApp } from '../state';
import { hasSpans, segmentText } from '../lib/assumptions';
import type { Assumption, Correction } from '../lib/types';

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
                    <p className="hint small">{hasSpans(assumptions) ? t('analysis.marksSpans', { count: marked }) : t('analysis.marksNote', { count: marked })}</p>
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

/// Describes a correction in words.
export function correctionText(t: ReturnType<typeof useApp>['t'], c: Correction): string {
    switch (c.kind) {
        case 'role':
            return t('corrections.isRole', { word: c.word });
        case 'not_entity':
            return t('corrections.isNotEntity', { entity: c.entity });
        case 'rename':
            return t('corrections.renamed', { entity: c.entity, to: c.to });
        case 'values':
            return t('corrections.values', { entity: c.entity, field: c.field, values: c.values.join(', ') });
    }
}

/// A person's corrections to the analysis (POST /api/v1/analyze re-runs it with them): an entity that is a
/// role, or not an entity at all. Renames and values are made in the model below.
export function Corrections({ entities, words, corrections, onChange, busy }: { entities: string[]; words: Record<string, string>; corrections: Correction[]; onChange: (c: Correction[]) => void; busy: boolean }) {
    const { t } = useApp();
    return (
        <div className="corrections">
            <h3>{t('corrections.title')}</h3>
            <p className="hint small">{t('corrections.lead')}</p>
            {entities.length > 0 && (
                <ul className="correction-list">
                    {entities.map((entity) => (
                        <li key={entity}>
                            <strong>{entity}</strong>
                            {words[entity] && <span className="muted"> «{words[entity]}»</span>}{' '}
                            <button type="button" className="small secondary" disabled={busy} onClick={() => onChange([...corrections, { kind: 'not_entity', entity }])}>
                                {t('corrections.notEntityButton', { entity })}
                            </button>{' '}
                            {words[entity] && (
                                <button type="button" className="small secondary" disabled={busy} onClick={() => onChange([...corrections, { kind: 'role', word: words[entity] }])}>
                                    {t('corrections.roleButton', { word: words[entity] })}
                                </button>
                            )}
                        </li>
                    ))}
                </ul>
            )}
            {corrections.length > 0 && (
                <>
                    <h4>{t('corrections.applied')}</h4>
                    <ol className="applied-corrections">
                        {corrections.map((c, i) => (
                            <li key={i}>
                                {correctionText(t, c)}{' '}
                                <button type="button" className="small danger" disabled={busy} onClick={() => onChange(corrections.filter((_, k) => k !== i))} aria-label={`${t('corrections.undo')}: ${correctionText(t, c)}`}>
                                    {t('corrections.undo')}
                                </button>
                            </li>
                        ))}
                    </ol>
                </>
            )}
        </div>
    );
}
