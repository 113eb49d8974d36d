import { defineRule } from '../engine/rule';
import { rangeOf } from '../engine/types';
import { filesInGitProper } from '../engine/versioning';
import { ALL_BUT_GENERATED } from '../engine/roles';

export default defineRule({
  code: 'MLH702',
  name: 'pii-in-repository',
  summary: 'Personal data (emails, phone numbers, card numbers, IBANs) in committed data samples or notebook outputs',
  practices: ['P10'],
  references: ['ML Test Score, Data 5: the data pipeline has appropriate privacy controls', 'GDPR art. 5(1)(c): data minimisation'],
  severity: 'warning',
  optIn: true,
  roles: ALL_BUT_GENERATED,
  repositoryWide: true,
  docs: `## What it finds
Personal data in files that git holds (not those stored by Git LFS or DVC, and, without a
repository, not those .gitignore excludes): data samples (\`.csv\`, \`.tsv\`, \`.jsonl\`,
\`.ndjson\` anywhere; \`.json\` and \`.txt\` in data folders) and the outputs of notebooks. It looks
for email addresses, phone numbers written the way phone numbers are written (international
\`+CC\` numbers with their groups, or compact as \`+4915123456789\`; North American
\`(NNN) NNN-NNNN\`, \`NNN-NNN-NNNN\` or \`NNN.NNN.NNNN\`; European numbers with a trunk \`0\` and a
space or dash, \`030 1234567\`), payment card numbers (an issuer's prefix and length, and a valid
Luhn check digit) and IBANs (the country's length and a valid mod-97 check). Numbers in a table
are none of these: a float (\`500001.0000\`, \`0.4567891234\`), a long integer, or a float next to an
integer (\`206.855 8530\`) is never read as a phone number, so a \`describe()\` table in a
notebook's output stays quiet. A phone number written as bare digits (\`4158672671\`) is not found
either: in data, such a run cannot be told from an identifier or a count. Only the first 64 KiB of each data file is read, so a 2 GB export costs what a small
sample does; a file whose personal data starts later is not found. The finding names the kind of
data and the line of the first hit, never the data itself.

Placeholders are left out: addresses at documentation domains (\`example.com\`, \`*.test\`,
\`*.invalid\`, \`test@test.com\`) and one-letter demo addresses (\`a@b.com\`), the North American numbers reserved for fiction (555-0100 to
555-0199) and the test card numbers and IBANs that payment providers and the IBAN standard
publish (\`4111 1111 1111 1111\`, \`4242 4242 4242 4242\`, \`DE89 3704 0044 0532 0130 00\`, ...).
Such a number has the shape of personal data but belongs to no one, and payment code is tested
with exactly these numbers: reporting them would be noise. A real-looking number that is not on
those lists is reported, even in a test fixture.

Personal data is personal whatever the file is for, so every role but generated counts; git, Git LFS and DVC hold files for the whole repository, so the rule looks at the repository once.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 3 of its findings were worth acting on: samples of public datasets and documentation examples were reported. Select it where it fits (\`extendSelect: [MLH702]\`).

## Why it matters
Whatever is committed is copied to every clone, fork and CI cache and stays in the history after
it is deleted. A customer export committed as a "sample", or a notebook output that shows the
first rows of a customer table, publishes personal data to everyone with access to the
repository: a breach under the GDPR and similar laws, and a risk to the people in it. The ML Test
Score asks for privacy controls on the data pipeline; responsible AI starts with not spreading
the data (practice P10).

## How to fix
Remove the file from the repository (and from its history, e.g. with \`git filter-repo\`) and keep
real data in access-controlled storage, versioned with DVC or a data catalog. For samples, use
synthetic or anonymised data (Faker, SDV, or hashing and masking of identifying columns). Clear
notebook outputs before committing (\`nbstripout\`, \`jupyter nbconvert --clear-output\`).

## Example
\`\`\`text
# Before: data/crm_export_sample.csv, committed
customer_id,name,email,phone,churned
10234,Maria Keller,maria.keller@gmx.de,+49 151 23456789,0

# After: data/crm_export_sample.csv, synthetic and masked
customer_id,name,email,phone,churned
10234,Customer 10234,customer-10234@example.com,+49 000 0000000,0
\`\`\`

## References
- Breck et al.: *The ML Test Score* (2017), Data 5 "The data pipeline has appropriate privacy controls".
- Regulation (EU) 2016/679 (GDPR), article 5: data minimisation and integrity.
- ml-ops.org, [Responsible AI](https://ml-ops.org/content/mlops-principles) (practice P10).
- [nbstripout](https://github.com/kynan/nbstripout).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      for (const file of filesInGitProper(project).files) {
        const hit = project.facts.get(file.path)?.personalData;
        if (!hit) continue;
        const where = hit.cell !== undefined ? `in the outputs of cell ${hit.cell + 1}` : `at line ${hit.line + 1}`;
        ctx.report({
          path: file.path,
          range: rangeOf(hit.line, 0, hit.line, 0),
          message:
            `Personal data committed: ${/^[aeiou]|^IBAN/i.test(hit.kind) ? 'an' : 'a'} ${hit.kind} ${where} (the first hit only), which git keeps in every clone and in the history; ` +
            'replace it with synthetic or masked data, or keep the data out of git',
        });
      }
    },
  },
});
