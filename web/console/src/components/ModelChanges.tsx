// What a regeneration would be generated from, compared with the last generation: the specification that
// generation recorded (its `.dihya/answers.json`) against the one being edited; and, on demand, the files it would
// change: the server renders the edited model without storing it (POST /api/v1/generate?format=files) and the two
// file lists are compared by SHA-256.

import { useState } from 'react';

import { useApp } from '../state';
import { diffFiles, type FileDiff } from '../lib/files';
import type { MessageKey } from '../lib/i18n';
import { diffModels, type ModelChange } from '../lib/modeldiff';
import { specForApi, toSpec } from '../lib/model';
import type { GeneratedFile, Generation, Project, ProjectModel } from '../lib/types';
import { ErrorNote } from './common';
import { useLoad } from './hooks';

export function describeChange(t: (k: MessageKey, p?: Record<string, string | number>) => string, c: ModelChange): string {
    switch (c.kind) {
        case 'entity-added':
            return t('changes.entityAdded', { entity: c.entity });
        case 'entity-removed':
            return t('changes.entityRemoved', { entity: c.entity });
        case 'field-added':
            return t('changes.fieldAdded', { entity: c.entity, field: c.field });
        case 'field-removed':
            return t('changes.fieldRemoved', { entity: c.entity, field: c.field });
        case 'field-type':
            return t('changes.fieldType', { entity: c.entity, field: c.field, from: c.from, to: c.to });
        case 'field-values':
            return t('changes.fieldValues', { entity: c.entity, field: c.field, added: c.added.join(', ') || '—', removed: c.removed.join(', ') || '—' });
        case 'field-flags':
            return t('changes.fieldFlags', { entity: c.entity, field: c.field });
        case 'list':
            return t('changes.list', { member: c.member, added: c.added.join(', ') || '—', removed: c.removed.join(', ') || '—' });
        case 'stack':
            return t('changes.stack', { stack: c.stack, from: c.from, to: c.to });
        case 'member':
            return t('changes.member', { member: c.member });
    }
}

export function ModelChanges({ project, generation, model }: { project: Project; generation: Generation; model: ProjectModel }) {
    const { api, t } = useApp();
    const answers = useLoad(
        () => api.text(`/api/v1/projects/${project.id}/generations/${generation.id}/files/.dihya/answers.json`, { auth: 'required' }).then((r) => toSpec(JSON.parse(r.text).model)),
        generation.id,
    );
    if (!answers.data) return null;
    const changes = diffModels(answers.data, model);
    return (
        <div className="model-changes" aria-live="polite">
            <h3>{t('changes.title', { version: generation.project_version })}</h3>
            {changes.length === 0 ? (
                <p className="muted">{t('changes.none')}</p>
            ) : (
                <>
                    <ul>
                        {changes.map((c, i) => (
                            <li key={i}>{describeChange(t, c)}</li>
                        ))}
                    </ul>
                    <FileChanges project={project} generation={generation} model={model} />
                </>
            )}
        </div>
    );
}

/// The files a regeneration of `model` would add, change and remove, computed when asked.
function FileChanges({ project, generation, model }: { project: Project; generation: Generation; model: ProjectModel }) {
    const { api, t } = useApp();
    const [diff, setDiff] = useState<{ key: string; files: FileDiff } | null>(null);
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState<unknown>(null);
    const key = JSON.stringify(specForApi(model));
    const preview = async () => {
        setBusy(true);
        setError(null);
        try {
            const [before, after] = await Promise.all([
                api.json<{ items: GeneratedFile[] }>(`/api/v1/projects/${project.id}/generations/${generation.id}/files`, { auth: 'required' }),
                api.json<{ items: GeneratedFile[] }>('/api/v1/generate?format=files', { method: 'POST', body: { model: specForApi(model) }, auth: 'required' }),
            ]);
            setDiff({ key, files: diffFiles(before.items, after.items) });
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    };
    const current = diff !== null && diff.key === key ? diff.files : null;
    const list = (title: string, paths: string[]) =>
        paths.length > 0 && (
            <>
                <h4>{title}</h4>
                <ul className="file-changes">
                    {paths.map((p) => (
                        <li key={p}>
                            <code dir="ltr">{p}</code>
                        </li>
                    ))}
                </ul>
            </>
        );
    return (
        <div className="would-change">
            <button type="button" className="secondary" onClick={preview} disabled={busy}>
                {busy ? t('changes.filesComputing') : t('changes.filesPreview')}
            </button>
            <ErrorNote error={error} />
            {current && (
                <div role="status" id="would-change">
                    <p>
                        {t('changes.filesSummary', {
                            added: current.added.length,
                            changed: current.changed.length,
                            removed: current.removed.length,
                            unchanged: current.unchanged,
                        })}
                    </p>
                    {list(t('changes.filesAdded'), current.added)}
                    {list(t('changes.filesChanged'), current.changed)}
                    {list(t('changes.filesRemoved'), current.removed)}
                </div>
            )}
        </div>
    );
}
