import type { FormEvent } from "react";
import { PasswordInput } from "./password-input";
import { Field } from "./ui/field";

/**
 * The body of a dialog that asks for the current password before something irreversible (delete the
 * account, turn off two-factor). Its `id` lets the dialog's footer button submit it. Typing clears
 * the error shown under the field.
 */
export function PasswordConfirmForm({
  id,
  password,
  error,
  onPasswordChange,
  onSubmit,
}: {
  id: string;
  password: string;
  error: string | null;
  onPasswordChange: (password: string) => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  return (
    <form id={id} onSubmit={onSubmit} noValidate>
      <Field label="Password" error={error ?? undefined}>
        {({ invalid, ...control }) => (
          <PasswordInput
            {...control}
            name="password"
            autoComplete="current-password"
            autoFocus
            invalid={invalid}
            value={password}
            onChange={(e) => onPasswordChange(e.target.value)}
          />
        )}
      </Field>
    </form>
  );
}
