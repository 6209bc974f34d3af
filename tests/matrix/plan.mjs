// What the matrix generates: the stacks that have a pack (packs/stacks/*/pack.yaml), the business domains
// (packs/domains/*.yaml), and the projects that combine them — the quick rotation that `make test` runs, and the
// full one of `make test-matrix`. Nothing here runs a toolchain; tests/matrix/matrix.mjs does.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';

/// The stack kinds of a specification, in the order the matrix lists them.
export const kKinds = ['frontend', 'backend', 'mobile', 'ai', 'blockchain', 'devops'];

/// The packs installed in `packsDir`: {stacks: {kind: [value, ...]}, features: {stack: [feature]}, catalog, domains}.
export function discover(packsDir) {
    const stacks = Object.fromEntries(kKinds.map((k) => [k, []]));
    const features = {};
    for (const name of readdirSync(path.join(packsDir, 'stacks')).sort()) {
        const file = path.join(packsDir, 'stacks', name, 'pack.yaml');
        if (!existsSync(file)) continue;
        const pack = parseYaml(readFileSync(file, 'utf8'));
        for (const [kind, value] of Object.entries(pack.provides ?? {})) {
            stacks[kind].push(value);
            features[value] = pack.features ?? [];
        }
    }
    const catalog = parseYaml(readFileSync(path.join(packsDir, 'catalog.yaml'), 'utf8'));
    // The vocabulary's order (react before vue, express before flask, docker before compose).
    for (const kind of kKinds) {
        const order = catalog.stacks[kind] ?? [];
        stacks[kind].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    }
    const domains = catalog.domains.map((d) => (typeof d === 'string' ? d : d.name))
        .filter((d) => existsSync(path.join(packsDir, 'domains', `${d}.yaml`)));
    const titles = Object.fromEntries(domains.map((d) => [d,
        parseYaml(readFileSync(path.join(packsDir, 'domains', `${d}.yaml`), 'utf8')).project_title]));
    return { stacks, features, catalog, domains, titles };
}

/// Every stack value with a pack, as [kind, value] pairs.
export const allStacks = (found) => kKinds.flatMap((kind) => found.stacks[kind].map((value) => [kind, value]));

/// The features a project with `stacks` can ask for, among `wanted`: for each, every chosen stack of a kind the
/// feature concerns lists it in its pack.yaml, and at least one chosen stack is of such a kind.
export function supportedFeatures(found, stacks, wanted) {
    const chosen = kKinds.flatMap((kind) => [stacks[kind] ?? []].flat().filter((v) => v && v !== 'none').map((v) => [kind, v]));
    return wanted.filter((name) => {
        const feature = found.catalog.features.find((f) => f.name === name);
        if (!feature) return false;
        const concerned = chosen.filter(([kind]) => feature.kinds.includes(kind));
        return concerned.length > 0 && concerned.every(([, value]) => (found.features[value] ?? []).includes(name));
    });
}

/// The features of a profile, rotated across projects: none, accounts only, accounts with languages, every feature of
/// the catalog; each is then cut to what the project's stacks implement (supportedFeatures).
function profileFeatures(found, profile) {
    if (profile === 'all') return found.catalog.features.map((f) => f.name);
    return { none: [], auth: ['auth'], i18n: ['auth', 'i18n'] }[profile];
}

// Devops combinations, rotated (compose needs docker; kubernetes and terraform also go without docker).
const kDevops = [
    ['docker', 'compose', 'github-actions'],
    ['docker', 'github-actions', 'kubernetes', 'terraform'],
    ['docker', 'compose', 'kubernetes'],
    ['github-actions', 'terraform'],
    [],
];

/// A structured specification naming a domain and no entities: the domain's entities (and roles) are used. A
/// structured specification needs a title (or a name): the domain's project title.
function domainSpec(domain, title, stacks, features) {
    const lines = [`title: ${JSON.stringify(title ?? domain)}`, `domain: ${domain}`, `features: [${features.join(', ')}]`];
    if (features.includes('i18n')) lines.push('locales: [en, fr, ar]');
    lines.push('stacks:');
    for (const kind of kKinds) {
        const value = stacks[kind];
        lines.push(kind === 'devops' ? `  devops: [${(value ?? []).join(', ')}]` : `  ${kind}: ${value ?? 'none'}`);
    }
    return `${lines.join('\n')}\n`;
}

/// A project of the plan: {id, label (the domain, or the spec's name), file, text, set (--set options), stacks}.
function project(found, id, domain, stacks, profile) {
    const full = Object.fromEntries(kKinds.map((k) => [k, k === 'devops' ? stacks.devops ?? [] : stacks[k] ?? 'none']));
    const features = supportedFeatures(found, full, profileFeatures(found, profile));
    return {
        id, label: domain, domain, file: `${id}.yaml`, text: domainSpec(domain, found.titles[domain], full, features), set: [],
        stacks: full, profile, features,
    };
}

// One free-text specification per language the analyser reads; the stacks are set on the command line (--set), the
// domain and entities come from the text.
const kTexts = {
    fr: 'Une application pour un club de randonnée : les adhérents s\'inscrivent aux sorties, chaque sortie a une date, '
        + 'un lieu, une difficulté (facile, moyenne, difficile) et un nombre de places. Les guides gèrent les sorties. '
        + 'Connexion pour les guides et les administrateurs. Interface en français et en arabe.\n',
    en: 'An ordering app for a bakery: customers place orders for cakes and bread, each order has a pickup date, a '
        + 'status (pending, ready, collected) and a total price. Staff manage the products and their prices. Login for '
        + 'staff and admins.\n',
    ar: 'تطبيق لإدارة مكتبة مدرسية: الكتب لها عنوان ومؤلف وسنة النشر، والتلاميذ يستعيرون الكتب مع تاريخ الإرجاع. '
        + 'تسجيل الدخول للمكتبيين والمديرين. الواجهة بالعربية والفرنسية.\n',
};

function textProject(found, id, lang, stacks) {
    const full = Object.fromEntries(kKinds.map((k) => [k, k === 'devops' ? stacks.devops ?? [] : stacks[k] ?? 'none']));
    const set = kKinds.map((k) => `stacks.${k}=${k === 'devops' ? full.devops.join(',') : full[k]}`).flatMap((s) => ['--set', s]);
    return { id, label: `${lang} text`, lang, file: `${id}.txt`, text: kTexts[lang], set, stacks: full };
}

// The back ends whose generated suites run quickest (Django's test runner: a few seconds; Flask's and FastAPI's
// pytest suites: 15 to 30 seconds on 2 cores).
const kQuickestBackends = ['django', 'flask', 'fastapi'];

const at = (list, i) => (list.length ? list[((i % list.length) + list.length) % list.length] : 'none');

/// The quick rotation (`make test`): every stack with a pack at least once and every domain at least once, in as few
/// projects with a heavy toolchain as possible —
///   1. one project with every stack at once (the first front end, back end and mobile app, the ai and blockchain
///      stacks, every devops tool), every feature they all implement;
///   2. the other front ends, back ends and mobile app, each paired once, with rotating devops tools and features;
///   3. one free-text specification per language (fr, en, ar), on the back end whose suite is the quickest (django);
///   4. each remaining domain on that back end alone, with rotating devops tools and feature profiles.
/// The full rotation (`make test-matrix`) adds three rotations in which every front end meets three back ends,
/// every stack meets three domains and three feature profiles, and the free-text specifications get front ends,
/// mobile apps and the ai and blockchain stacks too.
export function plan(found, { full = false } = {}) {
    const S = found.stacks;
    const D = found.domains;
    const projects = [];
    let d = 0;
    const nextDomain = () => D[d++ % D.length];
    const id = () => `m${String(projects.length + 1).padStart(2, '0')}`;

    // 1. Every stack at once.
    projects.push(project(found, id(), nextDomain(), {
        frontend: at(S.frontend, 0), backend: at(S.backend, 0), mobile: at(S.mobile, 0),
        ai: at(S.ai, 0), blockchain: at(S.blockchain, 0), devops: [...S.devops],
    }, 'all'));
    projects.at(-1).every = true;

    // 2. The other front ends, back ends and mobile apps.
    const others = Math.max(S.frontend.length, S.backend.length, S.mobile.length) - 1;
    for (let i = 1; i <= others; i++) {
        projects.push(project(found, id(), nextDomain(), {
            frontend: i < S.frontend.length ? S.frontend[i] : 'none',
            backend: i < S.backend.length ? S.backend[i] : 'none',
            mobile: i < S.mobile.length ? S.mobile[i] : 'none',
            devops: kDevops[(i - 1) % kDevops.length].filter((t) => S.devops.includes(t)),
        }, ['all', 'auth', 'i18n'][(i - 1) % 3]));
    }

    // 3. Free text, one per language: in the quick rotation on the back end whose suite is the quickest, in the full
    // one beside front ends, mobile apps and the ai and blockchain stacks.
    const quickest = kQuickestBackends.find((b) => S.backend.includes(b)) ?? at(S.backend, 0);
    const langs = Object.keys(kTexts);
    langs.forEach((lang, i) => {
        const stacks = full
            ? {
                frontend: at(S.frontend, i + 1), backend: at(S.backend, i + 2), mobile: at(S.mobile, i),
                ai: i === 2 ? at(S.ai, 0) : 'none', blockchain: i === 1 ? at(S.blockchain, 0) : 'none',
                devops: kDevops[i % kDevops.length].filter((t) => S.devops.includes(t)),
            }
            : { backend: quickest, devops: i === 0 ? ['docker', 'compose'].filter((t) => S.devops.includes(t)) : [] };
        projects.push(textProject(found, id(), lang, stacks));
    });

    // 4. Every remaining domain on a back end alone: in the quick rotation the one whose suite is the quickest, in
    // the full one the Python back ends in turn (else any back end); the profiles rotate apart from the back ends.
    const python = S.backend.filter((b) => kQuickestBackends.includes(b));
    const backends = full ? (python.length ? python : S.backend) : [quickest];
    for (let k = 0; d < D.length; k++) {
        projects.push(project(found, id(), nextDomain(), {
            backend: at(backends, k),
            devops: kDevops[(k + 2) % kDevops.length].filter((t) => S.devops.includes(t)),
        }, ['auth', 'all', 'none'][(k + Math.floor(k / backends.length)) % 3]));
    }

    if (!full) return projects;

    // Full: three rotations; slot i pairs front end i with back end i + r, a mobile app in two slots, the ai and
    // blockchain stacks in one slot each, devops tools and feature profiles rotating, a domain each: the domains
    // follow the catalog's order from the offset with which the fewest stacks meet a domain they met above.
    const slots = Math.max(S.frontend.length, S.backend.length);
    const rotations = [];
    for (let r = 0; r < 3; r++) {
        for (let i = 0; i < slots; i++) {
            const mobileSlot = i === 1 ? 0 : i === slots - 1 ? 1 : null;
            rotations.push({
                stacks: {
                    frontend: i < S.frontend.length ? S.frontend[i] : 'none',
                    backend: at(S.backend, i + r),
                    mobile: mobileSlot === null ? 'none' : at(S.mobile, mobileSlot + r),
                    ai: i === r % slots ? at(S.ai, 0) : 'none',
                    blockchain: i === (r + 2) % slots ? at(S.blockchain, 0) : 'none',
                    devops: kDevops[(i + r) % kDevops.length].filter((t) => S.devops.includes(t)),
                },
                // 2i + r: a front end (a slot of its own) and a back end (slot i in rotation r when i + r is its
                // index) each get a different profile in each rotation.
                profile: ['all', 'auth', 'none', 'i18n'][(2 * i + r) % 4],
            });
        }
    }
    const code = (stacks) => kKinds.filter((k) => k !== 'devops').map((k) => stacks[k]).filter((v) => v !== 'none');
    const met = new Set(projects.filter((p) => p.domain).flatMap((p) => code(p.stacks).map((v) => `${v}/${p.domain}`)));
    const repeats = (offset) => {
        const seen = new Set(met);
        let n = 0;
        rotations.forEach((x, k) => {
            for (const v of code(x.stacks)) {
                const key = `${v}/${D[(offset + k) % D.length]}`;
                if (seen.has(key)) n++;
                seen.add(key);
            }
        });
        return n;
    };
    const offsets = D.map((_, o) => o);
    const best = offsets.reduce((a, o) => (repeats(o) < repeats(a) ? o : a), 0);
    rotations.forEach((x, k) => projects.push(project(found, id(), D[(best + k) % D.length], x.stacks, x.profile)));
    return projects;
}
