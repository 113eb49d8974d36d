// Personal data detection (MLH702): the checks behind each kind, the placeholders left out, and the
// sampling that makes a huge data file cost what a small one does.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ibanValid, luhnValid, PERSONAL_DATA_SAMPLE_BYTES, personalDataIn, personalDataInLine } from '../../server/src/engine/personalData';
import { scanProject } from '../../server/src/engine/scan';
import { readSample } from '../../server/src/engine/workspace';
import { EVERY_RULE } from '../support/config';

describe('personal data in a line', () => {
  test('check digits: Luhn for cards, mod 97 for IBANs', () => {
    assert.equal(luhnValid('4539148803436467'), true);
    assert.equal(luhnValid('4539148803436468'), false);
    assert.equal(ibanValid('DE44500105175407324931'), true);
    assert.equal(ibanValid('DE45500105175407324931'), false);
    assert.equal(ibanValid('DE4450010517540732493'), false, 'wrong length for Germany');
  });

  test('finds each kind', () => {
    assert.equal(personalDataInLine('10232,maria.keller@gmx.de,1'), 'email address');
    assert.equal(personalDataInLine('call +44 20 7946 1234 today'), 'phone number');
    assert.equal(personalDataInLine('(415) 867-2671'), 'phone number');
    assert.equal(personalDataInLine('0171-2345678'), 'phone number');
    assert.equal(personalDataInLine('10233,+4915123456789,0'), 'phone number');
    assert.equal(personalDataInLine('tel +1 415.867.2671'), 'phone number');
    assert.equal(personalDataInLine('Büro: +33 1.23.45.67.89'), 'phone number');
    assert.equal(personalDataInLine('415.867.2671'), 'phone number');
    assert.equal(personalDataInLine('paid with 4539 1488 0343 6467'), 'payment card number');
    assert.equal(personalDataInLine('card=4539148803436467;'), 'payment card number');
    assert.equal(personalDataInLine('iban: NL20 INGB 0001 2345 67 EUR'), 'IBAN');
  });

  test('leaves placeholders, published test numbers and look-alikes alone', () => {
    for (const line of [
      'someone@example.com, ops@acme.test, test@test.com, logo@2x.png, noreply@github.com',
      'person { name: "Alice" id: 123 email: "a@b.com" }',
      '(415) 555-0142, +1 555 555 0199, 123-456-7890',
      '4242 4242 4242 4242, 4111111111111111, 378282246310005',
      '4539148803436468', // fails Luhn
      '9876543210987654', // no issuer has this prefix
      'DE89 3704 0044 0532 0130 00, GB82 WEST 1234 5698 7654 32',
      '2024-03-01 10:15:00, 1049.00, 0.0123456789, v1.4.2+20240301, SN-2023-000481516',
    ]) {
      assert.equal(personalDataInLine(line), undefined, line);
    }
  });

  test('numbers in a table are no phone numbers: floats, long integers, a float next to an integer', () => {
    for (const line of [
      'median_house_value  20640.0  206855.816909  115395.615874  14999.0000  500001.0000',
      '      <td>500001.0000</td>',
      'mean    1234567.890123   0.4567891234   3.870671',
      'max 676.198 8530 753742 6052',
      '0  812.173 1970 872 -200.200 0.9614640034 741941.612990',
      '415.867 2671, 415-867.2671, +12 345.678, 7.6e+06',
    ]) {
      assert.equal(personalDataInLine(line), undefined, line);
    }
  });

  test('reports the line of the first hit', () => {
    assert.deepEqual(personalDataIn('id,phone\n1,\n2,+49 151 23456789\n3,maria@gmx.de\n'), { kind: 'phone number', line: 2 });
  });
});

describe('sampling', () => {
  const FILLER_ROW = '10231,2023-01-14,basic,29.90,0\n';
  const LARGE_BYTES = 32 * 1024 * 1024;

  function writeLarge(file: string, head: string, tail: string) {
    const chunk = Buffer.from(FILLER_ROW.repeat(Math.floor((1024 * 1024) / FILLER_ROW.length)));
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, head);
    for (let written = 0; written < LARGE_BYTES; written += chunk.length) fs.writeSync(fd, chunk);
    fs.writeSync(fd, tail);
    fs.closeSync(fd);
  }

  test('reads at most the budget, cut at a line end', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-sample-'));
    try {
      const file = path.join(dir, 'big.csv');
      writeLarge(file, 'id,plan\n', '');
      const sample = readSample({ absolutePath: file, size: fs.statSync(file).size }, PERSONAL_DATA_SAMPLE_BYTES, fs.realpathSync(dir))!;
      assert.ok(sample.length <= PERSONAL_DATA_SAMPLE_BYTES && sample.length > PERSONAL_DATA_SAMPLE_BYTES - FILLER_ROW.length);
      assert.ok(sample.endsWith('\n'));
      fs.writeFileSync(file, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]));
      assert.equal(readSample({ absolutePath: file, size: 6 }, PERSONAL_DATA_SAMPLE_BYTES, fs.realpathSync(dir)), undefined, 'binary');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a large data file: personal data within the budget is found, beyond it is not, in the same time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-pii-'));
    try {
      fs.mkdirSync(path.join(dir, 'data'));
      writeLarge(path.join(dir, 'data', 'early.csv'), 'id,contact\n1,maria.keller@gmx.de\n', '');
      writeLarge(path.join(dir, 'data', 'late.csv'), 'id,contact\n', '99999,maria.keller@gmx.de\n');
      const started = Date.now();
      const { findings, notices } = await scanProject(dir, { config: EVERY_RULE, workers: 0 });
      const elapsed = Date.now() - started;
      const found = findings.filter((f) => f.code === 'MLH702').map((f) => `${f.path}:${f.range.start.line + 1}`);
      assert.deepEqual(found, ['data/early.csv:2']);
      assert.deepEqual(notices, [], 'data files are sampled, not skipped with a size notice');
      assert.ok(elapsed < 5000, `scan of two 32 MB files took ${elapsed} ms`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
