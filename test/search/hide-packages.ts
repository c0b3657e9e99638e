import { register } from 'node:module';

/**
 * Makes `import(name)` fail for each of `names` as it does when the package is not installed ("cannot find
 * package"), for the rest of this process: a resolve hook, registered before anything imports them (node --test runs
 * each test file in its own process).
 */
export function hidePackages(...names: string[]): void {
  register(
    `data:text/javascript,${encodeURIComponent(`const hidden = new Set(${JSON.stringify(names)});
export async function resolve(specifier, context, next) {
  if (hidden.has(specifier)) {
    const err = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}`)}`,
  );
}
