// Personal data in committed data samples and notebook outputs (MLH702): email addresses, phone
// numbers, payment card numbers (Luhn) and IBANs (mod 97). Only a sample of each file is read, so a
// huge file costs what a small one does; a hit gives the kind of data and its line, never the data.
import { DATA_FOLDER } from './versioning';

/** Bytes read from the start of each data file. */
export const PERSONAL_DATA_SAMPLE_BYTES = 64 * 1024;

export type PersonalDataKind = 'email address' | 'phone number' | 'payment card number' | 'IBAN';

export interface PersonalDataHit {
  kind: PersonalDataKind;
  /** Zero-based line of the first hit in the file. */
  line: number;
  /** For notebooks: the cell whose outputs hold it (zero-based, among all cells). */
  cell?: number;
}

/** Data files worth sampling: tables and record files anywhere, JSON and text in data folders
 *  (elsewhere they are manifests and docs, whose author addresses are not data samples). */
export function isPersonalDataCandidate(path: string): boolean {
  if (/\.(csv|tsv|jsonl|ndjson)$/i.test(path)) return true;
  return /\.(json|txt)$/i.test(path) && DATA_FOLDER.test(path);
}

// Reserved for documentation (RFC 2606, RFC 6761) and obvious stand-ins.
const PLACEHOLDER_DOMAIN = /(^|\.)(example|test|invalid|localhost|local)$|^example\.(com|org|net)$|^(test|domain|email|foo|bar|acme)\.(com|org|net)$/i;
const FILE_EXTENSION = /^(png|jpe?g|gif|svg|webp|pdf|py|js|ts|json|csv|txt|html?)$/i;
const EMAIL = /(?<![\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,24}))(?![\w-])/g;

function isPersonalEmail(local: string, domain: string, tld: string): boolean {
  // `a@b.com`, `x@y.org`: one letter on each side is a demo value, no one's mailbox.
  if (/^\w$/.test(local) && /^\w\.[a-z]+$/i.test(domain)) return false;
  return !PLACEHOLDER_DOMAIN.test(domain) && !FILE_EXTENSION.test(tld) && !/^(no-?reply|test|user|name|someone|john\.doe|jane\.doe)$/i.test(local);
}

// Phone numbers by the shapes people write them in, never a bare run of digits or a float (a table
// of numbers is full of both): +CC with groups (`+49 151 23456789`, `+1 (415) 867-2671`,
// `+33 1.23.45.67.89`) or
// compact E.164 (`+4915123456789`); North American (NNN) NNN-NNNN, NNN-NNN-NNNN, NNN.NNN.NNNN (one
// separator throughout); European national numbers with a trunk 0 and a space or dash
// (`030 1234567`, `0171-2345678`, `07700 900123`). Every part is bounded or starts with a fixed
// separator, so matching stays linear.
const PHONE = new RegExp(
  // Not inside a word, a number, a path or a version, nor after a number and a separator (a row of a table).
  String.raw`(?<![\w.+/-])(?<!\d[ \t-])(?:` +
    [
      String.raw`\+[1-9]\d{0,2}(?:[ -]?\(\d{1,4}\)|[ -]\d{1,5})(?:(?:[ -]\d{1,8}){1,4}|(?:\.\d{2,5}){2,4})`,
      String.raw`\+[1-9]\d{7,14}`,
      String.raw`\(([2-9]\d{2})\) ?\d{3}[-. ]\d{4}`,
      String.raw`([2-9]\d{2})([-.])\d{3}\3\d{4}`,
      String.raw`0[1-9]\d{1,3}[ -]\d{3,8}(?:[ -]\d{2,4})?`,
    ].join('|') +
    // Nor followed by more of a word or a number (`415-867-2671.5`; a comma may separate fields).
    String.raw`)(?![\w-]|\.\d)`,
  'g',
);

function isPhone(match: RegExpExecArray): boolean {
  const digits = match[0].replace(/\D/g, '');
  // North American numbers: area codes start with 2-9; 555-0100 to 555-0199 are reserved for fiction.
  const northAmerican = (d: string) => /^[2-9]/.test(d) && !/^\d{3}55501\d\d$/.test(d);
  const areaCode = match[1] ?? match[2];
  if (areaCode !== undefined) return northAmerican(digits);
  if (match[0].startsWith('+1')) return digits.length === 11 && northAmerican(digits.slice(1));
  if (match[0].startsWith('+')) return digits.length >= 8 && digits.length <= 15 && !/^(\d)\1+$/.test(digits.slice(2));
  return digits.length >= 10 && digits.length <= 12;
}

// 13 to 19 digits, optionally in groups of 4 (Amex 4-6-5).
const CARD = /(?<![\d.-])(?:\d{4}[ -]){3}\d{1,7}(?![\d.])|(?<![\d.-])\d{4}[ -]\d{6}[ -]\d{5}(?![\d.])|(?<![\w.-])\d{13,19}(?![\w.])/g;
// Issuer prefixes and lengths: Visa, Mastercard, American Express, Discover, JCB, Diners, UnionPay, Maestro.
const CARD_BRANDS: [RegExp, number[]][] = [
  [/^4/, [13, 16, 19]],
  [/^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, [16]],
  [/^3[47]/, [15]],
  [/^(6011|65|64[4-9])/, [16, 19]],
  [/^35(2[89]|[3-8]\d)/, [16, 19]],
  [/^3(0[0-5]|[689])/, [14, 16]],
  [/^62/, [16, 17, 18, 19]],
  [/^(50|5[6-9]|6\d)/, [12, 13, 14, 15, 16, 17, 18, 19]],
];
// The test numbers payment providers publish (Stripe, Adyen, PayPal, Braintree docs): they belong to
// no one, and test fixtures of payment code are full of them.
const TEST_CARDS = new Set([
  '4111111111111111', '4242424242424242', '4000056655665556', '4012888888881881', '4222222222222', '4000000000000002',
  '5555555555554444', '5105105105105100', '5200828282828210', '2223003122003222', '378282246310005', '371449635398431',
  '378734493671000', '6011111111111117', '6011000990139424', '3530111333300000', '3566002020360505', '30569309025904',
  '38520000023237', '6200000000000005',
]);

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isCardNumber(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (TEST_CARDS.has(digits) || /^(\d)\1+$/.test(digits)) return false;
  return CARD_BRANDS.some(([prefix, lengths]) => prefix.test(digits) && lengths.includes(digits.length)) && luhnValid(digits);
}

const IBAN = /(?<![A-Za-z0-9])([A-Z]{2})(\d{2})((?: ?[A-Z0-9]){11,30})(?![A-Za-z0-9])/g;
const IBAN_LENGTHS: Record<string, number> = {
  AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22, GR: 27, HR: 21,
  HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24,
  SI: 19, SK: 24, TR: 26, AE: 23, SA: 24, BR: 29,
};
// The examples of the IBAN standard and of banks' documentation.
const EXAMPLE_IBANS = new Set(['DE89370400440532013000', 'GB82WEST12345698765432', 'GB29NWBK60161331926819', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'CH9300762011623852957']);

export function ibanValid(iban: string): boolean {
  const compact = iban.replace(/ /g, '');
  const expected = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expected === undefined || compact.length !== expected) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** The kind of personal data on one line, if any. */
export function personalDataInLine(line: string): PersonalDataKind | undefined {
  for (const m of line.matchAll(EMAIL)) if (isPersonalEmail(m[1], m[2], m[3])) return 'email address';
  for (const m of line.matchAll(IBAN)) {
    // The match may run on into a following code (`... 3249 31 EUR`): the country fixes the length.
    const compact = m[0].replace(/ /g, '').slice(0, IBAN_LENGTHS[m[1]] ?? 0);
    if (!EXAMPLE_IBANS.has(compact) && ibanValid(compact)) return 'IBAN';
  }
  for (const m of line.matchAll(CARD)) if (isCardNumber(m[0])) return 'payment card number';
  for (const m of line.matchAll(PHONE)) if (isPhone(m)) return 'phone number';
  return undefined;
}

/** The first hit in a text (a sample of a file), by line. */
export function personalDataIn(text: string): PersonalDataHit | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const kind = personalDataInLine(lines[i]);
    if (kind) return { kind, line: i };
  }
  return undefined;
}

/** The first hit in a notebook's outputs, reading at most the sample budget of output text. */
export function personalDataInOutputs(cells: { index: number; outputText: string; range: { start: { line: number } } }[]): PersonalDataHit | undefined {
  let budget = PERSONAL_DATA_SAMPLE_BYTES;
  for (const cell of cells) {
    if (budget <= 0) break;
    const sample = cell.outputText.slice(0, budget);
    budget -= sample.length;
    const hit = personalDataIn(sample);
    if (hit) return { kind: hit.kind, line: cell.range.start.line, cell: cell.index };
  }
  return undefined;
}
