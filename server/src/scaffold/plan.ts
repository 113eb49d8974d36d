// The scaffold planner: a pure function from what the target folder holds to what to create.
import { TDSP_TEMPLATE } from './tdsp';
import { ScaffoldPart, TemplateVars } from './template';

export interface ScaffoldOptions {
  /** The project's name, e.g. "Customer churn". */
  name: string;
  /** Parts of the ML-engineering basics to leave out. */
  without?: ScaffoldPart[];
}

export interface ScaffoldPlan {
  create: { path: string; content: string }[];
  /** Files the template has that already exist: never overwritten. */
  skip: string[];
}

/** A Python package name from a project name: "Customer Churn 2" -> "customer_churn_2". */
export function packageNameOf(name: string): string {
  const words = name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const safe = words || 'project';
  return /^[0-9]/.test(safe) ? `p_${safe}` : safe;
}

/** What to create in a folder where `exists(path)` tells which relative paths are taken. */
export function planScaffold(exists: (path: string) => boolean, options: ScaffoldOptions): ScaffoldPlan {
  const vars: TemplateVars = { name: options.name.trim() || 'ML project', package: packageNameOf(options.name) };
  const without = new Set(options.without ?? []);
  const plan: ScaffoldPlan = { create: [], skip: [] };
  for (const file of TDSP_TEMPLATE) {
    if (file.part && without.has(file.part)) continue;
    const path = file.path.replace('{package}', vars.package);
    if (exists(path)) plan.skip.push(path);
    else plan.create.push({ path, content: file.content(vars) });
  }
  return plan;
}
