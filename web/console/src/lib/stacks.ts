// What the installed packs can generate, from GET /api/v1/catalog: a stack is offered when a stack pack of that
// name is installed, a feature when every chosen stack of the kinds it concerns implements it (the server's
// rule, model::Vocabulary::UnsupportedFeatures). Everything else is shown with the reason it cannot be chosen.

import type { Catalog, ProjectModel, StackKind, Stacks } from './types';

export interface StackOption {
    value: string;
    available: boolean;
    /// Why it cannot be chosen: 'no-pack' (no template pack installed for it).
    reason?: 'no-pack';
}

export function stackPacks(catalog: Catalog): Set<string> {
    return new Set(catalog.packs.filter((p) => p.kind === 'stack').map((p) => p.name));
}

/// The values of a stack kind, in the catalog's order, each with whether a pack can generate it.
export function stackOptions(catalog: Catalog, kind: StackKind): StackOption[] {
    const packs = stackPacks(catalog);
    const values = [...(catalog.stacks[kind] ?? [])];
    if (kind !== 'devops' && !values.includes('none')) values.push('none');
    return values.map((value) =>
        value === 'none' || packs.has(value) ? { value, available: true } : { value, available: false, reason: 'no-pack' },
    );
}

export function chosenByKind(stacks: Stacks): Record<string, string[]> {
    return {
        frontend: [stacks.frontend],
        backend: [stacks.backend],
        mobile: [stacks.mobile],
        ai: [stacks.ai],
        devops: stacks.devops,
        blockchain: stacks.blockchain ? [stacks.blockchain] : [],
    };
}

export interface FeatureSupport {
    /// Every chosen stack of the feature's kinds implements it.
    ok: boolean;
    /// The chosen stacks that do not: [{kind, value}].
    missing: { kind: string; value: string }[];
    /// No chosen stack concerns the feature (it would change nothing).
    unused: boolean;
    /// kind → the stacks that implement it.
    supportedBy: Record<string, string[]>;
}

export function featureSupport(catalog: Catalog, feature: string, stacks: Stacks): FeatureSupport {
    const f = catalog.features.find((x) => x.name === feature);
    const chosen = chosenByKind(stacks);
    if (!f) return { ok: false, missing: [], unused: true, supportedBy: {} };
    const missing: { kind: string; value: string }[] = [];
    let used = false;
    for (const kind of f.kinds) {
        for (const value of chosen[kind] ?? []) {
            if (!value || value === 'none') continue;
            used = true;
            if (!(f.supported_by[kind] ?? []).includes(value)) missing.push({ kind, value });
        }
    }
    return { ok: missing.length === 0, missing, unused: !used, supportedBy: f.supported_by };
}

/// The features of the model that its stacks cannot generate.
export function unsupportedFeatures(catalog: Catalog, model: ProjectModel): { feature: string; missing: { kind: string; value: string }[] }[] {
    return model.features
        .map((feature) => ({ feature, support: featureSupport(catalog, feature, model.stacks) }))
        .filter((x) => !x.support.ok)
        .map((x) => ({ feature: x.feature, missing: x.support.missing }));
}

/// Chosen stacks without a pack (the generation would fail naming them).
export function stacksWithoutPack(catalog: Catalog, stacks: Stacks): { kind: string; value: string }[] {
    const packs = stackPacks(catalog);
    const out: { kind: string; value: string }[] = [];
    for (const [kind, values] of Object.entries(chosenByKind(stacks))) {
        for (const value of values) if (value && value !== 'none' && !packs.has(value)) out.push({ kind, value });
    }
    return out;
}

/// "backend: express, fastapi, flask; frontend: react" for the reasons shown beside a feature.
export function describeSupport(supportedBy: Record<string, string[]>): string {
    return Object.entries(supportedBy)
        .filter(([, v]) => v.length > 0)
        .map(([k, v]) => `${k}: ${v.join(', ')}`)
        .join('; ');
}
