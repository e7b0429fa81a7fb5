/** A mistake in how a command was called or what it was given: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** The command line itself is wrong (an unknown option, a missing value): printed with the command's usage. */
export class ArgumentError extends UsageError {}
