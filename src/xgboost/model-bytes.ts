import { XGBoostModelError, XGBoostUnsupportedError } from './errors';
import { decodeUbjson, type ModelValue } from './ubjson';

const SNAPSHOT_HEADER = 'CONFIG-offset:';

/**
 * The document inside XGBoost model bytes: JSON text (`{"learner"...` or `{"Config"...`) or
 * UBJSON (`{L...`). The older binary formats are refused with what to do.
 *
 * @throws XGBoostUnsupportedError for the binary formats; XGBoostModelError for broken JSON/UBJSON
 */
export function decodeModelBytes(bytes: Uint8Array, source: string): ModelValue {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b /* { */) {
    let j = i + 1;
    while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x0a || bytes[j] === 0x0d || bytes[j] === 0x09)) j++;
    if (bytes[j] === 0x22 /* " */ || bytes[j] === 0x7d /* } */) {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch (cause) {
        throw new XGBoostModelError(`${source}: the JSON model is not valid UTF-8; re-save it with Booster.save_model("model.json").`, { cause });
      }
      try {
        // own keys only are read (Object.hasOwn): "__proto__" is inert
        return JSON.parse(/\bNaN\b|\bInfinity\b/.test(text) ? nonFiniteToNull(text) : text) as ModelValue;
      } catch (cause) {
        throw new XGBoostModelError(`${source}: not valid JSON (${(cause as Error).message}); re-save it with Booster.save_model("model.json").`, { cause });
      }
    }
    return decodeUbjson(bytes, source);
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, SNAPSHOT_HEADER.length));
  const what = head.startsWith('binf') || head.startsWith(SNAPSHOT_HEADER) ? 'the binary model format of XGBoost < 1.3' : 'neither JSON nor UBJSON';
  throw new XGBoostUnsupportedError(
    `${source}: the XGBoost model is ${what}. Load it with the XGBoost that saved it and re-save it with Booster.save_model("model.json"), ` +
      'or pickle the model again with XGBoost 1.3 or newer.',
  );
}


/**
 * XGBoost's JSON writer prints non-finite floats as the bare words `NaN`, `Infinity`, `-Infinity`
 * (categorical nodes have a NaN split condition), which JSON.parse refuses: outside strings they
 * become `null` (read back as NaN; never used for those nodes).
 */
function nonFiniteToNull(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \\ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
      continue;
    }
    if (ch === 0x22) {
      inString = true;
      continue;
    }
    for (const word of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(word, i)) {
        out += `${text.slice(last, i)}null`;
        i += word.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  return out + text.slice(last);
}
