/** A mistake in how a command was called or what it was given: printed without a stack, exit code 2. */
export class UsageError extends Error {}
