// Writes the rule lists of the extension's settings (mlHygiene.severity, extendSelect, ignore) in
// package.json from the rule registry, so that the settings UI offers every rule. Run after adding
// or renaming a rule: `node scripts/sync-rule-settings.mjs`; a unit test checks the two agree.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(join(tmpdir(), 'rule-settings-'));
try {
  const bundle = join(scratch, 'rules.js');
  await build({ entryPoints: [join(root, 'server/src/rules/index.ts')], bundle: true, platform: 'node', format: 'cjs', mainFields: ['module', 'main'], outfile: bundle, logLevel: 'error' });
  const { RULES } = createRequire(import.meta.url)(bundle);
  const manifestPath = join(root, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const settings = manifest.contributes.configuration.properties;

  const docLink = (code) => `(command:mlHygiene.showRuleDocumentation?${encodeURIComponent(JSON.stringify([code]))})`;
  settings['mlHygiene.severity'].properties = Object.fromEntries(
    RULES.map((rule) => [
      rule.code,
      {
        type: 'string',
        enum: ['error', 'warning', 'information', 'off'],
        markdownDescription: `[${rule.code}]${docLink(rule.code)} ${rule.name}: ${rule.summary} (default: ${rule.severity}${rule.optIn ? ', opt-in' : ''}).`,
      },
    ]),
  );
  const families = [...new Set(RULES.map((rule) => rule.code.slice(0, 4)))].sort();
  const enumeration = ['MLH', ...families, ...RULES.map((rule) => rule.code)];
  const descriptions = [
    `Every rule (${RULES.length})`,
    ...families.map((family) => `Every ${family}xx rule (${RULES.filter((rule) => rule.code.startsWith(family)).length})`),
    ...RULES.map((rule) => `${rule.name}: ${rule.summary}${rule.optIn ? ' (opt-in)' : ''}`),
  ];
  for (const name of ['mlHygiene.extendSelect', 'mlHygiene.ignore']) {
    settings[name].items = { ...settings[name].items, enum: enumeration, enumDescriptions: descriptions };
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`package.json: settings list ${RULES.length} rules`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
