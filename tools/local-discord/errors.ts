/** JSON error body Discord answers with: `{ message, code, errors? }`. */
export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: Record<string, unknown>;
}

/** Thrown by route handlers; turned into an HTTP error response shaped like Discord's. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toBody(): DiscordErrorBody {
    return this.errors
      ? { message: this.message, code: this.code, errors: this.errors }
      : { message: this.message, code: this.code };
  }
}

/** Error thrown into the *test* (not the bot) when a test asks for something Discord could not do. */
export class LocalDiscordError extends Error {
  override name = 'LocalDiscordError';
}

export const ErrorMessages: Record<number, string> = {
  0: 'General error',
  10003: 'Unknown Channel',
  10004: 'Unknown Guild',
  10007: 'Unknown Member',
  10008: 'Unknown Message',
  10011: 'Unknown Role',
  10013: 'Unknown User',
  10015: 'Unknown Webhook',
  10002: 'Unknown Application',
  10062: 'Unknown interaction',
  10063: 'Unknown application command',
  40005: 'Request entity too large',
  40060: 'Interaction has already been acknowledged.',
  50001: 'Missing Access',
  50005: 'Cannot edit a message authored by another user',
  50006: 'Cannot send an empty message',
  50027: 'Invalid Webhook Token',
  50013: 'Missing Permissions',
  50024: 'Cannot execute action on this channel type',
  50035: 'Invalid Form Body',
  50109: 'The request body contains invalid JSON.',
  50083: 'Thread is archived',
  160004: 'A thread has already been created for this message',
};

export const notFound = (code: number): ApiError => new ApiError(404, code, ErrorMessages[code] ?? 'Not Found');
export const forbidden = (code: 50001 | 50013 | 50005 = 50013): ApiError =>
  new ApiError(403, code, ErrorMessages[code] ?? 'Forbidden');
export const badRequest = (code: number, message = ErrorMessages[code] ?? 'Bad Request'): ApiError =>
  new ApiError(400, code, message);
export const invalidForm = (errors: Record<string, unknown>): ApiError =>
  new ApiError(400, 50035, 'Invalid Form Body', errors);

/** 403 Missing Access when the bot cannot see a channel/guild, 50013 when it lacks a permission. */
export const missingAccess = (): ApiError => new ApiError(403, 50001, 'Missing Access');
