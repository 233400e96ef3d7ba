// Every string in the HTML report goes through here: much of it came from the adapter (names,
// error messages, event payloads) and must never become markup. The report embeds no data in
// its script, so HTML escaping is the only context; U+2028/2029 are escaped too so a string
// stays inert if it ever ends up inside script.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\u2028': '&#x2028;', '\u2029': '&#x2029;' };

/** Safe in text and in double- or single-quoted attribute values. */
export function esc(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  return text.replace(/[&<>"'\u2028\u2029]/g, (c) => ENTITIES[c]!);
}

/** Pretty JSON of any evidence value, cut to a readable length, escaped. */
export function jsonBlock(value: unknown, max = 4000): string {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  return esc(text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters in report.json)` : text);
}
