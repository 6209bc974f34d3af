// The editable specification: project, entities with their fields (types from the catalog, enum values, refs),
// roles, locales, features and stacks. Every input carries the errors of its model path beside it (the API's
// `errors[].field`, or the console's own checks) and the analysis's assumptions about it.

import { useState, type ReactNode } from 'react';

import { useApp } from '../state';
import { assumptionsAt } from '../lib/assumptions';
import { errorsAt, inputId, normalisePath } from '../lib/errors';
import type { MessageKey } from '../lib/i18n';
import { changeFieldType, moveTo, removeAt, removeEntity, renameEntity, setAt } from '../lib/model';
import { describeSupport, featureSupport, stackOptions } from '../lib/stacks';
import type { Assumption, Catalog, Entity, Field, FieldError, ProjectModel, SingleStackKind } from '../lib/types';
import { kSingleStackKinds } from '../lib/types';
import { FieldErrors, problemText } from './common';

interface Props {
    model: ProjectModel;
    onChange: (model: ProjectModel) => void;
    errors: FieldError[];
    catalog: Catalog;
    assumptions?: Assumption[];
    /// The words of the text that named each entity (the analysis's entity_words).
    entityWords?: Record<string, string>;
}

/// aria attributes of an input at `path` with its errors.
function aria(errors: FieldError[], path: string, items = false) {
    const mine = errorsAt(errors, path, items);
    return {
        id: inputId(path),
        'aria-invalid': mine.length > 0 ? (true as const) : undefined,
        'aria-describedby': mine.length > 0 ? `${inputId(path)}-errors` : undefined,
    };
}

function Errors({ errors, path, items = false }: { errors: FieldError[]; path: string; items?: boolean }) {
    return <FieldErrors errors={errorsAt(errors, path, items)} id={`${inputId(path)}-errors`} />;
}

function Assumed({ indexes, assumptions }: { indexes: number[]; assumptions: Assumption[] }) {
    const { t } = useApp();
    if (indexes.length === 0) return null;
    return (
        <ul className="assumed" aria-label={t('model.assumedLabel')}>
            {indexes.map((i) => (
                <li key={i}>
                    <span className="assumed-mark" aria-hidden="true">
                        i
                    </span>{' '}
                    {assumptions[i].message}
                </li>
            ))}
        </ul>
    );
}

export function ErrorSummary({ errors }: { errors: FieldError[] }) {
    const { t } = useApp();
    if (errors.length === 0) return null;
    const focus = (field: string) => {
        const path = normalisePath(field);
        // The closest input that shows this path: itself, or its parent member.
        let p = path;
        for (;;) {
            const el = document.getElementById(inputId(p));
            if (el) {
                el.focus();
                el.scrollIntoView({ block: 'center' });
                return;
            }
            const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) return;
            p = p.slice(0, cut);
        }
    };
    return (
        <div className="note error error-summary" role="alert">
            <p>
                <strong>{t('model.problems', { count: errors.length })}</strong>
            </p>
            <ul>
                {errors.map((e, i) => (
                    <li key={i}>
                        <button type="button" className="link-button" onClick={() => focus(e.field)}>
                            <code>{normalisePath(e.field) || '$'}</code>
                        </button>{' '}
                        {problemText(t, e)}
                    </li>
                ))}
            </ul>
        </div>
    );
}

function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
    return (
        <section className="editor-section" aria-labelledby={`${id}-title`}>
            <h3 id={`${id}-title`}>{title}</h3>
            {children}
        </section>
    );
}

export function ModelEditor({ model, onChange, errors, catalog, assumptions = [], entityWords = {} }: Props) {
    const { t } = useApp();
    const set = (patch: Partial<ProjectModel>) => onChange({ ...model, ...patch });
    const at = (path: string, deep = false) => assumptionsAt(path, assumptions, model, deep);

    const setEntity = (i: number, e: Entity) => set({ entities: setAt(model.entities, i, e) });
    const setField = (i: number, j: number, f: Field) => setEntity(i, { ...model.entities[i], fields: setAt(model.entities[i].fields, j, f) });

    return (
        <div className="model-editor">
            <Section title={t('model.project')} id="sec-project">
                <div className="grid-2">
                    <div className="form-row">
                        <label htmlFor={inputId('title')}>{t('model.title')}</label>
                        <input type="text" value={model.title} onChange={(e) => set({ title: e.target.value })} maxLength={200} {...aria(errors, 'title')} />
                        <Errors errors={errors} path="title" />
                        <Assumed indexes={at('title')} assumptions={assumptions} />
                    </div>
                    <div className="form-row">
                        <label htmlFor={inputId('name')}>{t('model.name')}</label>
                        <input
                            type="text"
                            value={model.name ?? ''}
                            onChange={(e) => set({ name: e.target.value })}
                            maxLength={64}
                            placeholder={t('model.namePlaceholder')}
                            dir="ltr"
                            {...aria(errors, 'name')}
                        />
                        <Errors errors={errors} path="name" />
                        <Assumed indexes={at('name')} assumptions={assumptions} />
                    </div>
                </div>
                <div className="form-row">
                    <label htmlFor={inputId('description')}>{t('model.description')}</label>
                    <textarea rows={2} value={model.description ?? ''} onChange={(e) => set({ description: e.target.value })} maxLength={10000} {...aria(errors, 'description')} />
                    <Errors errors={errors} path="description" />
                </div>
                <div className="form-row">
                    <label htmlFor={inputId('domain')}>{t('model.domain')}</label>
                    <select value={model.domain} onChange={(e) => set({ domain: e.target.value })} {...aria(errors, 'domain')}>
                        {catalog.domains.map((d) => (
                            <option key={d.name} value={d.name}>
                                {d.title} ({d.name})
                            </option>
                        ))}
                        {!catalog.domains.some((d) => d.name === model.domain) && <option value={model.domain}>{model.domain}</option>}
                    </select>
                    <Errors errors={errors} path="domain" />
                    <Assumed indexes={at('domain')} assumptions={assumptions} />
                </div>
            </Section>

            <Section title={t('model.entities')} id="sec-entities">
                <Errors errors={errors} path="entities" />
                <Assumed indexes={at('entities')} assumptions={assumptions} />
                {model.entities.map((entity, i) => (
                    <EntityEditor
                        key={i}
                        index={i}
                        entity={entity}
                        model={model}
                        catalog={catalog}
                        errors={errors}
                        assumptions={assumptions}
                        words={entityWords[entity.name]}
                        onRename={(name) => onChange(renameEntity(model, i, name))}
                        onChange={(e) => setEntity(i, e)}
                        onField={(j, f) => setField(i, j, f)}
                        onRemove={() => onChange(removeEntity(model, i))}
                        onMove={(to) => set({ entities: moveTo(model.entities, i, to) })}
                    />
                ))}
                <button
                    type="button"
                    className="secondary"
                    onClick={() => set({ entities: [...model.entities, { name: '', fields: [{ name: '', type: 'string' }] }] })}
                >
                    {t('model.addEntity')}
                </button>
            </Section>

            <Section title={t('model.roles')} id="sec-roles">
                <p className="hint">{t('model.rolesHint')}</p>
                <StringList
                    path="roles"
                    values={model.roles}
                    onChange={(roles) => set({ roles })}
                    errors={errors}
                    itemLabel={(n) => t('model.role', { n })}
                    addLabel={t('model.addRole')}
                    newLabel={t('model.newRole')}
                />
                <Assumed indexes={at('roles')} assumptions={assumptions} />
            </Section>

            <Section title={t('model.locales')} id="sec-locales">
                <LocalesEditor model={model} catalog={catalog} errors={errors} onChange={(locales) => set({ locales })} />
                <Assumed indexes={at('locales')} assumptions={assumptions} />
            </Section>

            <Section title={t('model.stacks')} id="sec-stacks">
                <StacksEditor model={model} catalog={catalog} errors={errors} onChange={(stacks) => set({ stacks })} assumptions={assumptions} />
            </Section>

            <Section title={t('model.features')} id="sec-features">
                <FeaturesEditor model={model} catalog={catalog} errors={errors} onChange={(features) => set({ features })} />
                <Assumed indexes={at('features')} assumptions={assumptions} />
            </Section>
        </div>
    );
}

function EntityEditor(props: {
    index: number;
    entity: Entity;
    model: ProjectModel;
    catalog: Catalog;
    errors: FieldError[];
    assumptions: Assumption[];
    words?: string;
    onRename: (name: string) => void;
    onChange: (e: Entity) => void;
    onField: (j: number, f: Field) => void;
    onRemove: () => void;
    onMove: (to: number) => void;
}) {
    const { t } = useApp();
    const { index: i, entity, model, catalog, errors, assumptions } = props;
    const base = `entities[${i}]`;
    const label = entity.name || t('model.entityN', { n: i + 1 });
    return (
        <fieldset className="entity" aria-labelledby={`${inputId(base)}-legend`}>
            <legend id={`${inputId(base)}-legend`}>{t('model.entityLegend', { name: label })}</legend>
            <div className="entity-head">
                <div className="form-row">
                    <label htmlFor={inputId(`${base}.name`)}>{t('model.entityName')}</label>
                    <input type="text" value={entity.name} onChange={(e) => props.onRename(e.target.value)} maxLength={64} dir="ltr" {...aria(errors, `${base}.name`)} />
                    <Errors errors={errors} path={`${base}.name`} />
                    {props.words && <p className="hint small">{t('model.fromWords', { words: props.words })}</p>}
                </div>
                <div className="row-actions">
                    <button type="button" className="small secondary" onClick={() => props.onMove(i - 1)} disabled={i === 0} aria-label={t('model.moveUpEntity', { name: label })}>
                        ↑
                    </button>
                    <button
                        type="button"
                        className="small secondary"
                        onClick={() => props.onMove(i + 1)}
                        disabled={i === model.entities.length - 1}
                        aria-label={t('model.moveDownEntity', { name: label })}
                    >
                        ↓
                    </button>
                    <button type="button" className="small danger" onClick={props.onRemove} aria-label={t('model.removeEntity', { name: label })}>
                        {t('common.remove')}
                    </button>
                </div>
            </div>
            <Assumed indexes={assumptionsAt(base, assumptions, model)} assumptions={assumptions} />
            <Errors errors={errors} path={`${base}.fields`} />
            <ol className="fields">
                {entity.fields.map((field, j) => (
                    <FieldEditor
                        key={j}
                        path={`${base}.fields[${j}]`}
                        field={field}
                        entityLabel={label}
                        model={model}
                        catalog={catalog}
                        errors={errors}
                        assumed={assumptionsAt(`${base}.fields[${j}]`, assumptions, model)}
                        assumptions={assumptions}
                        onChange={(f) => props.onField(j, f)}
                        onRemove={() => props.onChange({ ...entity, fields: removeAt(entity.fields, j) })}
                    />
                ))}
            </ol>
            <button type="button" className="small secondary" onClick={() => props.onChange({ ...entity, fields: [...entity.fields, { name: '', type: 'string' }] })}>
                {t('model.addField', { entity: label })}
            </button>
        </fieldset>
    );
}

function FieldEditor(props: {
    path: string;
    field: Field;
    entityLabel: string;
    model: ProjectModel;
    catalog: Catalog;
    errors: FieldError[];
    assumed: number[];
    assumptions: Assumption[];
    onChange: (f: Field) => void;
    onRemove: () => void;
}) {
    const { t } = useApp();
    const { path, field, model, catalog, errors } = props;
    const label = field.name || '…';
    const typeLabel = (type: string) => {
        const key = `type.${type}` as MessageKey;
        const text = t(key);
        return text === key ? type : `${type} — ${text}`;
    };
    return (
        <li className="field">
            <div className="field-grid">
                <div className="form-row">
                    <label htmlFor={inputId(`${path}.name`)}>{t('model.fieldName')}</label>
                    <input type="text" value={field.name} onChange={(e) => props.onChange({ ...field, name: e.target.value })} maxLength={64} dir="ltr" {...aria(errors, `${path}.name`)} />
                    <Errors errors={errors} path={`${path}.name`} />
                </div>
                <div className="form-row">
                    <label htmlFor={inputId(`${path}.type`)}>{t('model.fieldType')}</label>
                    <select value={field.type} onChange={(e) => props.onChange(changeFieldType(field, e.target.value))} {...aria(errors, `${path}.type`)}>
                        {catalog.field_types.map((type) => (
                            <option key={type} value={type}>
                                {typeLabel(type)}
                            </option>
                        ))}
                        {!catalog.field_types.includes(field.type) && <option value={field.type}>{field.type}</option>}
                    </select>
                    <Errors errors={errors} path={`${path}.type`} />
                </div>
                <div className="checks">
                    <label>
                        <input type="checkbox" checked={!!field.required} onChange={(e) => props.onChange({ ...field, required: e.target.checked || undefined })} {...aria(errors, `${path}.required`)} />{' '}
                        {t('model.required')}
                    </label>
                    <label>
                        <input type="checkbox" checked={!!field.unique} onChange={(e) => props.onChange({ ...field, unique: e.target.checked || undefined })} {...aria(errors, `${path}.unique`)} />{' '}
                        {t('model.unique')}
                    </label>
                </div>
                <div className="row-actions">
                    <button type="button" className="small danger" onClick={props.onRemove} aria-label={t('model.removeField', { name: label, entity: props.entityLabel })}>
                        {t('common.remove')}
                    </button>
                </div>
            </div>
            {field.type === 'ref' && (
                <div className="form-row">
                    <label htmlFor={inputId(`${path}.ref`)}>{t('model.refTarget')}</label>
                    <select value={field.ref ?? ''} onChange={(e) => props.onChange({ ...field, ref: e.target.value })} {...aria(errors, `${path}.ref`)}>
                        <option value="">{t('model.chooseEntity')}</option>
                        {model.entities
                            .filter((e) => e.name.trim())
                            .map((e) => (
                                <option key={e.name} value={e.name}>
                                    {e.name}
                                </option>
                            ))}
                        {field.ref && !model.entities.some((e) => e.name === field.ref) && <option value={field.ref}>{field.ref}</option>}
                    </select>
                    <Errors errors={errors} path={`${path}.ref`} />
                </div>
            )}
            {(field.type === 'enum' || (field.values && field.values.length > 0)) && (
                <StringList
                    path={`${path}.values`}
                    values={field.values ?? []}
                    onChange={(values) => props.onChange({ ...field, values })}
                    errors={errors}
                    itemLabel={(n) => t('model.enumValue', { n, field: label })}
                    addLabel={t('model.addValue')}
                    newLabel={t('model.newValue', { field: label })}
                    legend={t('model.enumValues', { field: label })}
                />
            )}
            <Assumed indexes={props.assumed} assumptions={props.assumptions} />
        </li>
    );
}

/// A list of short strings (roles, enum values): one input per item, a remove button each, and an input to add.
function StringList(props: {
    path: string;
    values: string[];
    onChange: (values: string[]) => void;
    errors: FieldError[];
    itemLabel: (n: number) => string;
    addLabel: string;
    newLabel: string;
    legend?: string;
}) {
    const { t } = useApp();
    const [draft, setDraft] = useState('');
    const { path, values, errors } = props;
    const add = () => {
        const v = draft.trim();
        if (!v) return;
        props.onChange([...values, v]);
        setDraft('');
    };
    const body = (
        <>
            <ul className="string-list">
                {values.map((v, k) => (
                    <li key={k}>
                        <label className="visually-hidden" htmlFor={inputId(`${path}[${k}]`)}>
                            {props.itemLabel(k + 1)}
                        </label>
                        <input type="text" value={v} onChange={(e) => props.onChange(setAt(values, k, e.target.value))} dir="ltr" {...aria(errors, `${path}[${k}]`)} />
                        <button type="button" className="small danger" onClick={() => props.onChange(removeAt(values, k))} aria-label={`${t('common.remove')}: ${v || props.itemLabel(k + 1)}`}>
                            ×
                        </button>
                        <Errors errors={errors} path={`${path}[${k}]`} />
                    </li>
                ))}
            </ul>
            <div className="add-row">
                <label className="visually-hidden" htmlFor={inputId(path)}>
                    {props.newLabel}
                </label>
                <input
                    type="text"
                    value={draft}
                    placeholder={props.newLabel}
                    onChange={(e) => setDraft(e.target.value)}
                    onKeyDown={(e) => {
                        if (e.key === 'Enter') {
                            e.preventDefault();
                            add();
                        }
                    }}
                    dir="ltr"
                    {...aria(errors, path)}
                />
                <button type="button" className="small secondary" onClick={add}>
                    {props.addLabel}
                </button>
            </div>
            <Errors errors={errors} path={path} />
        </>
    );
    if (!props.legend) return <div className="string-list-editor">{body}</div>;
    return (
        <fieldset className="string-list-editor">
            <legend>{props.legend}</legend>
            {body}
        </fieldset>
    );
}

function LocalesEditor({ model, catalog, errors, onChange }: { model: ProjectModel; catalog: Catalog; errors: FieldError[]; onChange: (l: string[]) => void }) {
    const { t, lang } = useApp();
    const names = (() => {
        try {
            return new Intl.DisplayNames([lang], { type: 'language' });
        } catch {
            return null;
        }
    })();
    const name = (code: string) => {
        const n = names?.of(code);
        return n && n !== code ? `${n} (${code})` : code;
    };
    const rest = catalog.locales.filter((l) => !model.locales.includes(l));
    return (
        <>
            <p className="hint">{t('model.localesHint')}</p>
            <ol className="locale-list">
                {model.locales.map((l, k) => (
                    <li key={l}>
                        <span id={inputId(`locales[${k}]`)} tabIndex={-1}>
                            {name(l)}
                        </span>
                        {k === 0 ? (
                            <span className="badge badge-info">{t('model.defaultLocale')}</span>
                        ) : (
                            <button type="button" className="small secondary" onClick={() => onChange(moveTo(model.locales, k, 0))}>
                                {t('model.makeDefault', { name: name(l) })}
                            </button>
                        )}
                        <button type="button" className="small danger" onClick={() => onChange(removeAt(model.locales, k))} aria-label={`${t('common.remove')}: ${name(l)}`}>
                            ×
                        </button>
                        <Errors errors={errors} path={`locales[${k}]`} />
                    </li>
                ))}
            </ol>
            <div className="add-row">
                <label htmlFor={inputId('locales')}>{t('model.addLocale')}</label>
                <select
                    value=""
                    onChange={(e) => {
                        if (e.target.value) onChange([...model.locales, e.target.value]);
                    }}
                    {...aria(errors, 'locales')}
                >
                    <option value="">{t('model.chooseLocale')}</option>
                    {rest.map((l) => (
                        <option key={l} value={l}>
                            {name(l)}
                        </option>
                    ))}
                </select>
            </div>
            <Errors errors={errors} path="locales" />
        </>
    );
}

function StacksEditor({ model, catalog, errors, onChange, assumptions }: { model: ProjectModel; catalog: Catalog; errors: FieldError[]; onChange: (s: ProjectModel['stacks']) => void; assumptions: Assumption[] }) {
    const { t } = useApp();
    const kindLabel = (kind: string) => t(`stack.${kind}` as MessageKey);
    return (
        <>
            <p className="hint">{t('model.stacksHint')}</p>
            <div className="grid-3">
                {kSingleStackKinds.map((kind: SingleStackKind) => {
                    const options = stackOptions(catalog, kind);
                    const unavailable = options.filter((o) => !o.available);
                    const path = `stacks.${kind}`;
                    return (
                        <div className="form-row" key={kind}>
                            <label htmlFor={inputId(path)}>{kindLabel(kind)}</label>
                            <select value={model.stacks[kind]} onChange={(e) => onChange({ ...model.stacks, [kind]: e.target.value })} {...aria(errors, path)}>
                                {options.map((o) => (
                                    <option key={o.value} value={o.value} disabled={!o.available}>
                                        {o.value === 'none' ? t('stack.none') : o.value}
                                        {o.available ? '' : ` — ${t('stack.noPack')}`}
                                    </option>
                                ))}
                            </select>
                            {unavailable.length > 0 && <p className="hint small">{t('stack.unavailable', { list: unavailable.map((o) => o.value).join(', ') })}</p>}
                            <Errors errors={errors} path={path} />
                            <Assumed indexes={assumptionsAt(path, assumptions, model)} assumptions={assumptions} />
                        </div>
                    );
                })}
                <fieldset className="form-row devops">
                    <legend>{kindLabel('devops')}</legend>
                    {stackOptions(catalog, 'devops').map((o, k) => (
                        <label key={o.value} className={o.available ? '' : 'disabled'}>
                            <input
                                type="checkbox"
                                id={k === 0 ? inputId('stacks.devops') : undefined}
                                checked={model.stacks.devops.includes(o.value)}
                                disabled={!o.available && !model.stacks.devops.includes(o.value)}
                                onChange={(e) =>
                                    onChange({
                                        ...model.stacks,
                                        devops: e.target.checked ? [...model.stacks.devops, o.value] : model.stacks.devops.filter((d) => d !== o.value),
                                    })
                                }
                            />{' '}
                            {o.value}
                            {!o.available && <span className="muted small"> — {t('stack.noPack')}</span>}
                        </label>
                    ))}
                    <Errors errors={errors} path="stacks.devops" items />
                    <Assumed indexes={assumptionsAt('stacks.devops', assumptions, model)} assumptions={assumptions} />
                </fieldset>
            </div>
        </>
    );
}

function FeaturesEditor({ model, catalog, errors, onChange }: { model: ProjectModel; catalog: Catalog; errors: FieldError[]; onChange: (f: string[]) => void }) {
    const { t } = useApp();
    return (
        <>
            <p className="hint">{t('model.featuresHint')}</p>
            <ul className="features">
                {catalog.features.map((f, k) => {
                    const support = featureSupport(catalog, f.name, model.stacks);
                    const checked = model.features.includes(f.name);
                    const reasonId = `feature-${f.name}-reason`;
                    const idx = model.features.indexOf(f.name);
                    const path = idx >= 0 ? `features[${idx}]` : null;
                    return (
                        <li key={f.name} className={support.ok ? '' : 'unsupported'}>
                            <label>
                                <input
                                    type="checkbox"
                                    id={k === 0 ? inputId('features') : path ? inputId(path) : undefined}
                                    checked={checked}
                                    disabled={!support.ok && !checked}
                                    aria-describedby={reasonId}
                                    onChange={(e) => onChange(e.target.checked ? [...model.features, f.name] : model.features.filter((x) => x !== f.name))}
                                />{' '}
                                <strong>{t(`featureName.${f.name}` as MessageKey) === `featureName.${f.name}` ? f.title : t(`featureName.${f.name}` as MessageKey)}</strong> <code>{f.name}</code>
                            </label>
                            <p className={`small ${support.ok ? 'muted' : 'warn-text'}`} id={reasonId}>
                                {!support.ok
                                    ? t('feature.notSupported', {
                                          stacks: support.missing.map((m) => `${m.kind} ${m.value}`).join(', '),
                                          by: describeSupport(support.supportedBy) || t('feature.noPack'),
                                      })
                                    : support.unused
                                      ? t('feature.unused', { kinds: f.kinds.join(', ') })
                                      : t('feature.supported', { by: describeSupport(support.supportedBy) })}
                            </p>
                            {path && <Errors errors={errors} path={path} />}
                        </li>
                    );
                })}
            </ul>
            <Errors errors={errors} path="features" />
        </>
    );
}
