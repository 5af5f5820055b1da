/**
 * The Pulumi Automation API and the program, loaded on first real use:
 * requiring them is most of the module's start-up (the Automation API
 * alone takes ~0.8 s), and a backend that only previews, or never runs the
 * golden path, needs neither.
 */
export function automationApi(): typeof import('@pulumi/pulumi/automation') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@pulumi/pulumi/automation');
}

export function stackProgram(): typeof import('../program') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../program');
}
