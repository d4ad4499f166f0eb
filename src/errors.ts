/** Root of every error arch-review raises on purpose. */
export class ArchReviewError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration file or environment variable is wrong. `location` is `file:line:column` where known. */
export class ConfigError extends ArchReviewError {
  constructor(message: string, readonly location?: string, options?: { cause?: unknown }) {
    super(location ? `${location}: ${message}` : message, options);
  }
}

/** The input (a diff, a file, a CLI argument) cannot be used. */
export class InputError extends ArchReviewError {}

/** An external service (GitHub, Anthropic, Redis, git) failed. Messages never carry secrets. */
export class ExternalServiceError extends ArchReviewError {
  readonly service: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** How long the service asked us to wait before trying again (`retry-after`, a rate-limit reset), in ms. */
  readonly retryAfterMs: number | undefined;
  constructor(service: string, message: string, opts: { status?: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {}) {
    super(`${service}: ${message}`, { cause: opts.cause });
    this.service = service;
    this.status = opts.status;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The model answered with something that does not match the output contract. */
export class ModelOutputError extends ArchReviewError {
  constructor(message: string, readonly issues: string[]) {
    super(message);
  }
}
