/**
 * An OData string literal for a $filter: single quotes doubled (OData ABNF `SQUOTE-in-string`), then
 * the whole expression is percent-encoded by `encodeFilter`, because the Graph SDK appends query
 * options to the URL unencoded — a `#` in a guest UPN (`x_partner.com#EXT#@tenant…`) would otherwise
 * start a URL fragment and cut the filter there (F11), and `&`/`+` would break the query.
 */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function encodeFilter(expression: string): string {
  return encodeURIComponent(expression);
}

/** A path segment: object ids pass through; anything else (a UPN with `#EXT#`) is percent-encoded. */
export function pathSegment(value: string): string {
  return encodeURIComponent(value);
}

/** Entra object ids are GUIDs; a value that is not one is never put into a path as an id. */
export const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
