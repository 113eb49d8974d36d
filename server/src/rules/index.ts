// The rule registry: one line per rule, in code order.
import { Rule } from '../engine/rule';
import MLH106 from './MLH106-nan-equality';

export const RULES: Rule[] = [MLH106];

export function findRule(codeOrName: string): Rule | undefined {
  const wanted = codeOrName.toUpperCase();
  return RULES.find((r) => r.code === wanted || r.name.toUpperCase() === wanted);
}
