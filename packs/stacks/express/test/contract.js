/**
 * The API contract's validation cases (test/validation-cases.json, from dihya's api-contract library), which the
 * tests of every generated back end read: per field type, the values the API accepts and refuses, and whole request
 * bodies with the answer they get.
 */
import { readFileSync } from 'node:fs';

export const CASES = JSON.parse(readFileSync(new URL('./validation-cases.json', import.meta.url), 'utf8'));
export const REQUESTS = CASES.requests;

const valueOf = (c) => ('repeat' in c ? c.value.repeat(c.repeat) : c.value);

/** What a field of this type needs besides its type in the unit cases (enum values, ref). */
export function fieldOptions(type) {
  return CASES.field_types[type].field ?? {};
}

/** [{value, returned}]: values a field of `type` accepts, and how the API answers them. */
export function validCases(type) {
  return CASES.field_types[type].valid.map((c) => ({ value: valueOf(c), returned: 'returned' in c ? c.returned : valueOf(c) }));
}

/** [{value, status, why}]: values a field of `type` refuses; `overHttp` adds those only the API can refuse. */
export function invalidCases(type, { overHttp = false } = {}) {
  return CASES.field_types[type].invalid
    .filter((c) => overHttp || !c.over_http)
    .map((c) => ({ value: valueOf(c), status: c.status, why: c.why }));
}
