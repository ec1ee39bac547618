/**
 * How stored data names a question or a prompt: by its article and its id, as
 * one string `<article>/<id>`. Ids are unique within an article only, and both
 * parts are slugs (lower-case letters, digits and dashes), so '/' cannot occur
 * in either and the string splits back unambiguously.
 */
export type ItemRef = `${string}/${string}`;

export function itemRef(article: string, id: string): ItemRef {
  return `${article}/${id}`;
}

/** The two parts of a ref, or undefined for a string that is not one (data from an older version, say). */
export function parseRef(ref: string): { article: string; id: string } | undefined {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1 || ref.indexOf('/', slash + 1) !== -1) return undefined;
  return { article: ref.slice(0, slash), id: ref.slice(slash + 1) };
}
