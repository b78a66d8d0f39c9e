/** A piece of a `{{expr}}` template: literal text or a JSONata expression. */
export type TemplatePart = { text: string } | { expr: string };

const TEMPLATE = /\{\{([\s\S]+?)\}\}/g;

/** Splits a template such as `/contacts/{{contact.id}}/notes` into literal and expression parts. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(TEMPLATE)) {
    if (match.index > last) parts.push({ text: template.slice(last, match.index) });
    parts.push({ expr: match[1].trim() });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return parts;
}
