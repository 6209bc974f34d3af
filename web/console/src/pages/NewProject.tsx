// The main flow: write, paste or upload a specification → what the analysis understood and assumed → the model,
// edited → stacks and features the packs support → saved as a project and generated (or, for guests, downloaded
// without saving). The draft survives a detour through the sign-in page (sessionStorage of this tab).

import { useEffect, useRef, useState } from 'react';

import { useApp } from '../state';
import { AnalysedText, Corrections } from '../components/Analysis';
import { ErrorNote, Link, PageTitle, Status, saveBlob } from '../components/common';
import { ErrorSummary, ModelEditor } from '../components/ModelEditor';
import { ApiError } from '../lib/api';
import { emptyModel, localProblems, parseSpecFile, specForApi, toSpec } from '../lib/model';
import { mergePatch } from '../lib/patch';
import { randomId } from '../lib/random';
import { stacksWithoutPack, unsupportedFeatures } from '../lib/stacks';
import type { Analysis, Correction, FieldError, Generation, Project, ProjectModel } from '../lib/types';

const kDraftKey = 'dihya.draft';
const kMaxText = 100_000;

interface Draft {
    text: string;
    analysedText: string | null;
    analysis: Analysis | null;
    model: ProjectModel | null;
    source: string | null;
    corrections?: Correction[];
}

function loadDraft(): Draft | null {
    try {
        const raw = sessionStorage.getItem(kDraftKey);
        return raw ? (JSON.parse(raw) as Draft) : null;
    } catch {
        return null;
    }
}

function saveDraft(d: Draft | null) {
    try {
        if (d) sessionStorage.setItem(kDraftKey, JSON.stringify(d));
        else sessionStorage.removeItem(kDraftKey);
    } catch {
        // the draft is not kept across a reload
    }
}

export function NewProject() {
    const { api, t, catalog, catalogError, user, navigate, location } = useApp();
    const erased = new URLSearchParams(location.search).has('erased');
    const initial = useRef(loadDraft()).current;
    const [text, setText] = useState(initial?.text ?? '');
    const [analysedText, setAnalysedText] = useState<string | null>(initial?.analysedText ?? null);
    const [analysis, setAnalysis] = useState<Analysis | null>(initial?.analysis ?? null);
    const [model, setModel] = useState<ProjectModel | null>(initial?.model ?? null);
    const [source, setSource] = useState<string | null>(initial?.source ?? null);
    const [corrections, setCorrections] = useState<Correction[]>(initial?.corrections ?? []);
    const [errors, setErrors] = useState<FieldError[]>([]);
    const [error, setError] = useState<unknown>(null);
    const [analysisError, setAnalysisError] = useState<unknown>(null);
    const [busy, setBusy] = useState<null | 'analyze' | 'save' | 'download'>(null);
    const [created, setCreated] = useState<Project | null>(null);
    const idempotencyKey = useRef(`console-${randomId()}`);
    const reviewRef = useRef<HTMLHeadingElement>(null);

    useEffect(() => {
        saveDraft(text || model ? { text, analysedText, analysis, model, source, corrections } : null);
    }, [text, analysedText, analysis, model, source, corrections]);

    const review = (m: ProjectModel) => {
        setModel(m);
        setErrors([]);
        setCreated(null);
        requestAnimationFrame(() => reviewRef.current?.focus());
    };

    /// Analyses `input` (the text, or the analysed one again with corrections).
    const analyse = async (input = text, fixes: Correction[] = []) => {
        setAnalysisError(null);
        if (!input.trim()) {
            setAnalysisError(new Error(t('new.emptyText')));
            return;
        }
        setBusy('analyze');
        try {
            const body = fixes.length > 0 ? { text: input, corrections: fixes } : { text: input };
            const a = await api.json<Analysis>('/api/v1/analyze', { body, auth: 'none' });
            setAnalysis(a);
            setAnalysedText(input);
            setCorrections(fixes);
            setSource(null);
            review(toSpec(a.model));
        } catch (e) {
            setAnalysisError(e);
        } finally {
            setBusy(null);
        }
    };

    const correct = (fixes: Correction[]) => {
        if (!analysis || !analysedText || !model) return;
        const edited = mergePatch(specForApi(toSpec(analysis.model)), specForApi(model)) !== undefined;
        if (edited && !window.confirm(t('corrections.confirm'))) return;
        void analyse(analysedText, fixes);
    };

    const onFile = async (file: File | undefined) => {
        if (!file) return;
        setAnalysisError(null);
        try {
            const content = await file.text();
            const { parse } = await import('yaml');
            const read = parseSpecFile(file.name, content, (s) => parse(s));
            if ('text' in read) {
                setText(read.text.slice(0, kMaxText));
                return;
            }
            setAnalysis(null);
            setAnalysedText(null);
            setSource(file.name);
            review(read.model);
        } catch (e) {
            setAnalysisError(new Error(t('new.badFile', { name: file.name, reason: e instanceof Error ? e.message : String(e) })));
        }
    };

    const check = (): boolean => {
        if (!model || !catalog) return false;
        const problems = localProblems(model, catalog);
        setErrors(problems);
        return problems.length === 0;
    };

    const save = async (generate: boolean) => {
        if (!model || !check()) return;
        setBusy('save');
        setError(null);
        const spec = specForApi(model);
        try {
            let project = created;
            if (!project) {
                const body = analysis && analysedText ? { text: analysedText } : { model: spec };
                project = await api.json<Project>('/api/v1/projects', { body, auth: 'required', headers: { 'Idempotency-Key': idempotencyKey.current } });
                setCreated(project);
            }
            const patch = mergePatch(project.spec, spec);
            if (patch !== undefined) {
                project = await api.json<Project>(`/api/v1/projects/${project.id}`, {
                    method: 'PATCH',
                    body: { spec: patch },
                    auth: 'required',
                    headers: { 'If-Match': `"v${project.version}"` },
                });
                setCreated(project);
            }
            saveDraft(null);
            setText('');
            if (generate) {
                const g = await api.json<Generation>(`/api/v1/projects/${project.id}/generations`, { method: 'POST', auth: 'required' });
                navigate(`/projects/${project.id}/generations/${g.id}`);
            } else {
                navigate(`/projects/${project.id}`);
            }
        } catch (e) {
            if (e instanceof ApiError && e.fieldErrors.length > 0) setErrors(e.fieldErrors);
            setError(e);
        } finally {
            setBusy(null);
        }
    };

    const download = async () => {
        if (!model || !check()) return;
        setBusy('download');
        setError(null);
        try {
            const { blob, filename } = await api.blob('/api/v1/generate?format=zip', { body: { model: specForApi(model) }, auth: 'none' });
            saveBlob(blob, filename ?? `${model.name || 'project'}.zip`);
        } catch (e) {
            if (e instanceof ApiError && e.fieldErrors.length > 0) setErrors(e.fieldErrors);
            setError(e);
        } finally {
            setBusy(null);
        }
    };

    const startOver = () => {
        setModel(null);
        setAnalysis(null);
        setAnalysedText(null);
        setSource(null);
        setCorrections([]);
        setErrors([]);
        setCreated(null);
        setError(null);
        setAnalysisError(null);
    };

    const blocked = model && catalog ? { features: unsupportedFeatures(catalog, model), stacks: stacksWithoutPack(catalog, model.stacks) } : null;

    return (
        <div className="page new-project">
            <PageTitle title={t('new.title')}>{t('new.title')}</PageTitle>
            <p className="lead">{t('new.lead')}</p>
            {erased && <p className="note ok">{t('new.erased')}</p>}
            {catalogError && <ErrorNote error={catalogError} />}

            <section className="card" aria-labelledby="spec-title">
                <h2 id="spec-title">
                    <span className="step-number" aria-hidden="true">
                        1
                    </span>{' '}
                    {t('new.step1')}
                </h2>
                <div className="form-row">
                    <label htmlFor="spec-text">{t('new.textLabel')}</label>
                    <textarea
                        id="spec-text"
                        rows={10}
                        value={text}
                        maxLength={kMaxText}
                        onChange={(e) => setText(e.target.value)}
                        placeholder={t('new.placeholder')}
                        aria-describedby="spec-text-hint"
                        dir="auto"
                        onDragOver={(e) => e.preventDefault()}
                        onDrop={(e) => {
                            e.preventDefault();
                            void onFile(e.dataTransfer.files[0]);
                        }}
                    />
                    <p id="spec-text-hint" className="hint small">
                        {t('new.textHint', { count: text.length, max: kMaxText })}
                    </p>
                </div>
                <div className="actions">
                    <button type="button" className="primary" onClick={() => analyse()} disabled={busy !== null}>
                        {busy === 'analyze' ? t('new.analysing') : t('new.analyse')}
                    </button>
                    <label className="file-button">
                        <span>{t('new.upload')}</span>
                        <input type="file" accept=".txt,.md,.yaml,.yml,.json,text/plain,text/markdown,application/json" onChange={(e) => void onFile(e.target.files?.[0])} />
                    </label>
                    <button type="button" className="secondary" onClick={() => review(emptyModel())} disabled={busy !== null}>
                        {t('new.fromScratch')}
                    </button>
                </div>
                {!model && <ErrorNote error={analysisError} />}
            </section>

            {model && catalog && (
                <>
                    <section className="card" aria-labelledby="review-title">
                        <h2 id="review-title" ref={reviewRef} tabIndex={-1}>
                            <span className="step-number" aria-hidden="true">
                                2
                            </span>{' '}
                            {analysis ? t('new.step2') : t('new.step2File', { name: source ?? t('new.emptyModel') })}
                        </h2>
                        {analysis && analysedText ? (
                            <>
                                <AnalysedText
                                    text={analysedText}
                                    assumptions={analysis.assumptions}
                                    info={{ language: analysis.language, domain: analysis.domain, confidence: analysis.domain_confidence, engine: analysis.engine }}
                                />
                                <Corrections
                                    entities={toSpec(analysis.model).entities.map((e) => e.name)}
                                    words={analysis.entity_words ?? {}}
                                    corrections={corrections}
                                    onChange={correct}
                                    busy={busy !== null}
                                />
                                {busy === 'analyze' && <Status>{t('new.analysing')}</Status>}
                                <ErrorNote error={analysisError} />
                                {analysedText !== text && text.trim() && <p className="note info">{t('new.textChanged')}</p>}
                            </>
                        ) : (
                            <p className="muted">{t('new.noAnalysis')}</p>
                        )}
                    </section>

                    <section className="card" aria-labelledby="model-title">
                        <h2 id="model-title">
                            <span className="step-number" aria-hidden="true">
                                3
                            </span>{' '}
                            {t('new.step3')}
                        </h2>
                        <ErrorSummary errors={errors} />
                        <ModelEditor model={model} onChange={setModel} errors={errors} catalog={catalog} assumptions={analysis?.assumptions ?? []} entityWords={analysis?.entity_words} />
                    </section>

                    <section className="card" aria-labelledby="generate-title">
                        <h2 id="generate-title">
                            <span className="step-number" aria-hidden="true">
                                4
                            </span>{' '}
                            {t('new.step4')}
                        </h2>
                        {blocked && (blocked.features.length > 0 || blocked.stacks.length > 0) && (
                            <div className="note warn">
                                <ul>
                                    {blocked.stacks.map((s) => (
                                        <li key={`${s.kind}-${s.value}`}>{t('new.stackBlocked', { kind: s.kind, value: s.value })}</li>
                                    ))}
                                    {blocked.features.map((f) => (
                                        <li key={f.feature}>{t('new.featureBlocked', { feature: f.feature, stacks: f.missing.map((m) => `${m.kind} ${m.value}`).join(', ') })}</li>
                                    ))}
                                </ul>
                            </div>
                        )}
                        {user ? (
                            <div className="actions">
                                <button type="button" className="primary" onClick={() => save(true)} disabled={busy !== null}>
                                    {busy === 'save' ? t('new.saving') : t('new.saveAndGenerate')}
                                </button>
                                <button type="button" className="secondary" onClick={() => save(false)} disabled={busy !== null}>
                                    {t('new.saveOnly')}
                                </button>
                                <button type="button" className="secondary" onClick={startOver} disabled={busy !== null}>
                                    {t('new.startOver')}
                                </button>
                            </div>
                        ) : (
                            <>
                                <p>
                                    {t('new.guest')} <Link to="/sign-in?return_to=%2F">{t('nav.signIn')}</Link> · <Link to="/sign-up">{t('nav.signUp')}</Link>
                                </p>
                                <div className="actions">
                                    <button type="button" className="primary" onClick={download} disabled={busy !== null}>
                                        {busy === 'download' ? t('new.downloading') : t('new.downloadWithoutSaving')}
                                    </button>
                                    <button type="button" className="secondary" onClick={startOver} disabled={busy !== null}>
                                        {t('new.startOver')}
                                    </button>
                                </div>
                            </>
                        )}
                        {created && <Status>{t('new.savedAs', { title: created.title, version: created.version })}</Status>}
                        <ErrorNote error={error} />
                    </section>
                </>
            )}
        </div>
    );
}
