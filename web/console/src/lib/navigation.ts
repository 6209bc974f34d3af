/// Whether the console has moved between pages since it loaded: the first page keeps the browser's focus (a
/// keyboard user starts at the skip link); later pages move it to their heading.
export const navigation = { moved: false };
