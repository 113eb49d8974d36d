// The scaffold check: project names made from hostile seeds. The planner refuses the names it must
// (control characters, half a surrogate pair, too long) and nothing else; for every other name each
// generated file parses and says what the scaffold of a tame name says.
import { planScaffold } from '../../server/src/scaffold/plan';
import { assertScaffoldSaysWhatTameSays, refusable } from '../support/scaffoldMeaning';

/** The file a failing project name is saved in (as a JSON string, so that every character
 *  survives), and replayed from. */
export const PROJECT_NAME_FILE = 'project-name.json';

/** What is wrong with the scaffold of `name`; undefined when nothing is. */
export function scaffoldProblem(name: string): string | undefined {
  const { problems } = planScaffold(() => undefined, { name });
  if (problems.length) return refusable(name) ? undefined : `a name that can be written is refused: ${problems.map((p) => p.message).join('; ')}`;
  if (refusable(name)) return 'a name that must be refused is accepted';
  try {
    assertScaffoldSaysWhatTameSays(name);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
