/**
 * An expected failure the user can act on (bad option, not allowed, round over).
 * Its message is shown to the user as it is, ephemerally; it is not a bug.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}
