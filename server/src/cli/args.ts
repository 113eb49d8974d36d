// Command-line argument reading shared by the commands.

/** A mistake in how the command was called: exit status 2 with this message. */
export class UsageError extends Error {}

/** Walks `--flag value`, `--flag=value` and positional arguments. `onFlag` gets a reader for the
 *  flag's value and returns false for a flag it does not know. */
export function parseArgs(args: string[], onFlag: (flag: string, value: () => string) => boolean, onPositional: (arg: string) => void): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      onPositional(arg);
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (!onFlag(flag, value)) throw new UsageError(`unknown option ${flag}`);
  }
}

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not '${value}'`);
  }
  return value as T;
}

