/**
 * An error caused by the user's input (a bad file, a bad flag, a missing model).
 * The CLI prints its message alone, without a stack trace. Messages should name
 * the file, the line and what was expected, e.g. `data.txt:12: expected ...`.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
