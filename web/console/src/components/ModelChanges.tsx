// What a regeneration would be generated from, compared with the last generation: the specification that
// generation recorded (its `.dihya/answers.json`) against the one being edited. The files that will change are
// known only once the new generation has run (the generation page compares the two file lists).

import { useApp } from '../state';
import type { MessageKey } from '../lib/i18n';
import { diffModels, type ModelChange } from '../lib/modeldiff';
import { toSpec } from '../lib/model';
import type { Generation, Project, ProjectModel } from '../lib/types';
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
                    <p className="hint small">{t('changes.filesLater')}</p>
                </>
            )}
        </div>
    );
}
