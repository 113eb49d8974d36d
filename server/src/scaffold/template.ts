// The scaffold template as data: which files a part of the scaffold creates, and their content.

/** Parts of the scaffold a user can leave out; the TDSP layout itself is always there. */
export type ScaffoldPart =
  | 'params'
  | 'starter-code'
  | 'tests'
  | 'ci'
  | 'dvc'
  | 'gitignore'
  | 'model-card'
  | 'codeowners'
  | 'dependabot'
  | 'config';

export interface TemplateVars {
  /** The project's name as people write it, e.g. "Customer churn": any one line of text, written
   *  into files only as a literal of their language (pythonString, yamlScalar, markdownText). */
  name: string;
  /** The Python package of the starter code, e.g. "customer_churn": an identifier (packageNameOf),
   *  the only part of the name that goes into code, paths and commands unquoted. */
  package: string;
}

export interface TemplateFile {
  /** Relative path, forward slashes; may contain `{package}`. */
  path: string;
  /** undefined: part of the TDSP layout, always created. */
  part?: ScaffoldPart;
  content(vars: TemplateVars): string;
}

/** The marker of text the user still has to write; MLH002 finds the ones left behind. */
export const PLACEHOLDER_PATTERN = /\[TO FILL: [^\]]*\]/;

export function placeholder(hint: string): string {
  return `[TO FILL: ${hint}]`;
}
