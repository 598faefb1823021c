import { decodeFormComponent } from '../../../src/contract/decode';
import { parseJsonPairs } from '../../../src/contract/json-pairs';

/**
 * The client's url-encoded body as raw fields (name -> decoded text), read the way the server's
 * url-encoded parser reads each `name=value` pair. Lets a test see every field the client sent,
 * including those a server may ignore, and how each was written (a JSON number or a string).
 */
export function formFields(body: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of body.toString('latin1').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeFormComponent(Buffer.from(eq < 0 ? part : part.slice(0, eq), 'latin1'));
    if (fields.has(name)) throw new Error(`field "${name}" sent twice`);
    fields.set(name, eq < 0 ? '' : decodeFormComponent(Buffer.from(part.slice(eq + 1), 'latin1')));
  }
  return fields;
}

/** A JSON-object field as ordered pairs (repeated names kept), or undefined when not sent. */
export function pairsField(fields: Map<string, string>, name: string): Array<[string, string]> | undefined {
  const text = fields.get(name);
  return text === undefined ? undefined : parseJsonPairs(text, name);
}
