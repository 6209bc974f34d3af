// A small specification the live-platform tests (realtime, collab, graphql) save as projects: two entities and an
// Express back end, quick to generate.

export const kLibraryModel = {
    title: 'Library Loans',
    domain: 'education',
    entities: [
        { name: 'Book', fields: [{ name: 'title', type: 'string', required: true }] },
        { name: 'Loan', fields: [{ name: 'due_on', type: 'date' }, { name: 'book', type: 'ref', ref: 'Book' }] },
    ],
    stacks: { frontend: 'none', backend: 'express', devops: [] },
};
