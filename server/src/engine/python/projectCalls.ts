// Which function of the project a call reaches, across modules: answered from the facts of the
// project index (facts.callsByScope), through the project's module resolution.
import { ProjectIndex } from '../project';
import { absoluteModule, PythonFacts } from './facts';

/** The project function a call reaches: [file, scope], when it is one of ours. */
export function callTarget(project: ProjectIndex, path: string, facts: PythonFacts, scope: string, called: string): [string, string] | undefined {
  const own = (name: string): [string, string] | undefined =>
    facts.callsByScope[name] ? [path, name] : facts.callsByScope[`${name}.__init__`] ? [path, `${name}.__init__`] : undefined;
  if (called.startsWith('self.') && scope.includes('.')) return own(`${scope.split('.')[0]}.${called.slice(5)}`);
  const local = own(called);
  if (local) return local;
  const name = called.startsWith('.') ? absoluteModule(called, facts.module, /__init__\.py$/.test(path)) : called;
  const parts = name.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const prefix = parts.slice(0, i).join('.');
    const file = project.resolveModule(prefix);
    const target = file ? project.python(file) : undefined;
    if (!file || !target || (target.module !== prefix && !target.module.endsWith(`.${prefix}`))) continue;
    const rest = parts.slice(i).join('.');
    if (target.callsByScope[rest]) return [file, rest];
    if (target.callsByScope[`${rest}.__init__`]) return [file, `${rest}.__init__`];
    return undefined;
  }
  return undefined;
}
