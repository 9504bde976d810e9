/**
 * "The same action" for the closed loop's memory: its kind, what it changes and the value it
 * sets. A later plan that would set another value to the same target is the next candidate, not
 * a repeat.
 */
export function actionSignature(type: string, target: string, value: unknown): string {
  return JSON.stringify([type, target, value ?? null]);
}
