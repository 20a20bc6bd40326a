import { IsotelError } from '../errors/isotel-error.js';

type Env = Readonly<Record<string, string | undefined>>;

// ${NAME}, ${NAME:-default} and the escape $${ (a literal "${")
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${NAME}` in a config file's string value with the environment variable `NAME`, and
 * `${NAME:-fallback}` with `fallback` when `NAME` is unset or empty; `$${` is a literal `${`.
 * Returns undefined when the text holds no reference (the value stays as the file typed it).
 * An unset variable without a fallback, or a malformed reference, throws
 * `IsotelError('invalid_config')` naming the key and the file.
 */
export function interpolate(text: string, env: Env, where: string): string | undefined {
  if (!text.includes('${')) return undefined;
  return text.replace(REFERENCE, (match, body: string | undefined) => {
    if (match === '$${') return '${';
    if (body === undefined) throw new IsotelError('invalid_config', `${where}: "\${" is not closed by "}".`);
    const dash = body.indexOf(':-');
    const name = dash < 0 ? body : body.slice(0, dash);
    if (!NAME.test(name)) {
      throw new IsotelError('invalid_config', `${where}: "\${${body}}" does not name an environment variable.`);
    }
    const value = env[name];
    if (dash >= 0) return value === undefined || value === '' ? body.slice(dash + 2) : value;
    if (value === undefined) {
      throw new IsotelError(
        'invalid_config',
        `${where}: environment variable ${name} is not set (write \${${name}:-fallback} for a default).`,
      );
    }
    return value;
  });
}
