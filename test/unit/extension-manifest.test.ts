// The extension's manifest against the engine: the settings UI offers every rule, in the words of
// its docs, and what the manifest points at is in the package.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { RULES } from '../../server/src/rules';
import { LOG_LEVELS } from '../../server/src/lsp/settings';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

interface Setting {
  type: string;
  enum?: string[];
  items?: { enum?: string[]; enumDescriptions?: string[] };
  properties?: Record<string, Setting>;
  additionalProperties?: boolean;
  description?: string;
  markdownDescription?: string;
}
const settings: Record<string, Setting> = manifest.contributes.configuration.properties;
const docLink = (code: string) => `(command:mlHygiene.showRuleDocumentation?${encodeURIComponent(JSON.stringify([code]))})`;

describe('the settings in the extension manifest', () => {
  test('severity: one entry per rule, each a choice of levels with a link to its page', () => {
    const severity = settings['mlHygiene.severity'];
    assert.deepEqual(Object.keys(severity.properties!), RULES.map((r) => r.code), 'the rules of the registry, in its order');
    assert.equal(severity.additionalProperties, false, 'the settings UI offers the rule codes as keys');
    for (const rule of RULES) {
      const entry = severity.properties![rule.code];
      assert.deepEqual(entry.enum, ['error', 'warning', 'information', 'off']);
      assert.equal(entry.markdownDescription, `[${rule.code}]${docLink(rule.code)} ${rule.name}: ${rule.summary} (default: ${rule.severity}${rule.optIn ? ', opt-in' : ''}).`);
    }
  });

  test('extendSelect and ignore: a list of rule codes and families to pick from', () => {
    const families = ['MLH', ...new Set(RULES.map((r) => r.code.slice(0, 4)))].sort();
    for (const name of ['mlHygiene.extendSelect', 'mlHygiene.ignore']) {
      const items = settings[name].items!;
      assert.deepEqual(items.enum, [...families, ...RULES.map((r) => r.code)], name);
      assert.equal(items.enumDescriptions?.length, items.enum!.length, name);
    }
  });

  test('run and logLevel are choices the server reads', () => {
    assert.deepEqual(settings['mlHygiene.run'].enum, ['onType', 'onSave']);
    assert.deepEqual(settings['mlHygiene.logLevel'].enum, [...LOG_LEVELS]);
  });

  test('every setting of ours is described in Markdown', () => {
    for (const [name, setting] of Object.entries(settings)) {
      if (name === 'mlHygiene.trace.server') continue; // the language client's own setting
      assert.ok(setting.markdownDescription && !setting.description, name);
    }
  });
});

describe('what the manifest and the README show is in the package', () => {
  // What `vsce package` puts in the VSIX: the files the extension page and the walkthrough can read.
  const packaged = new Set(
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  );

  test('the icon is a square PNG of 128 or 256 pixels', () => {
    assert.ok(packaged.has(manifest.icon), `${manifest.icon} is packaged`);
    const png = fs.readFileSync(path.join(ROOT, manifest.icon));
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(width === height && [128, 256].includes(width), `${width}x${height}`);
  });

  test('every walkthrough step has its picture in the package and a button that runs a command', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.deepEqual(walkthrough.steps.map((step: { id: string }) => step.id), ['findings', 'practice', 'report', 'scaffold', 'configure']);
    for (const step of walkthrough.steps) {
      assert.ok(packaged.has(step.media.image), `${step.id}: ${step.media.image} is packaged`);
      assert.ok(step.media.altText, `${step.id} describes its picture`);
      assert.match(step.description, /\]\(command:[\w.]+/, `${step.id} has a button`);
    }
  });

  test("the README's pictures are files of the package, by relative path", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 2, 'the README shows the extension');
    for (const image of images) assert.ok(packaged.has(image), `${image} is packaged`);
  });

  test('packaging keeps the README\'s links relative, so that they resolve inside the VSIX', () => {
    assert.match(manifest.scripts.package, /--no-rewrite-relative-links/);
  });
});
