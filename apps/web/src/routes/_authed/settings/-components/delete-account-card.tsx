import { type FormEvent, useState } from "react";
import { PasswordConfirmForm } from "../../../../components/password-confirm-form";
import { Button } from "../../../../components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../../../../components/ui/card";
import { Dialog, DialogClose, DialogContent } from "../../../../components/ui/dialog";
import { Skeleton } from "../../../../components/ui/skeleton";
import { userMessage } from "../../../../lib/errors";
import { formatLongDate, useUserTimeZone } from "../../../../lib/time";
import { trpc } from "../../../../lib/trpc";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Settings → "Delete your account" (privacy.deleteAccount): says what happens now and on which day the
 * data goes, asks for the password, then signs out to the sign-in page, which repeats the date.
 */
export function DeleteAccountCard() {
  const policy = trpc.privacy.deletionPolicy.useQuery();
  const zone = useUserTimeZone();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const remove = trpc.privacy.deleteAccount.useMutation({
    onSuccess: ({ deletionScheduledFor }) => {
      // The session is gone: a fresh page load forgets every cached answer of this account.
      window.location.assign(`/login?deleted=${encodeURIComponent(deletionScheduledFor.toISOString())}`);
    },
    onError: (failure) => setError(userMessage(failure)),
  });
  const graceDays = policy.data?.graceDays;
  const date = graceDays ? formatLongDate(new Date(Date.now() + graceDays * DAY_MS), zone) : null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!password) return setError("Password is required");
    setError(null);
    remove.mutate({ password });
  }

  return (
    <Card role="region" aria-labelledby="delete-account-heading">
      <CardHeader>
        <CardTitle id="delete-account-heading">Delete your account</CardTitle>
        <CardDescription>Leave for good, with every client, note, booking and email in the account.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-2 text-sm text-zinc-700">
        <p>Right away, you are signed out on every device, Google Calendar is disconnected and no reminders go out.</p>
        {policy.isPending ? (
          <Skeleton className="h-4 w-80" />
        ) : graceDays && date ? (
          <p>
            Everything is deleted {graceDays} days later, on <strong className="font-medium">{date}</strong>. Until
            then, signing in lets you cancel. Export your data first if you want to keep a copy.
          </p>
        ) : (
          <p>Everything is deleted after a grace period, during which signing in lets you cancel.</p>
        )}
      </CardContent>
      <CardFooter>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Delete account…
        </Button>
      </CardFooter>
      <Dialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) {
            setPassword("");
            setError(null);
          }
        }}
      >
        <DialogContent
          size="sm"
          title="Delete your account?"
          description={
            date
              ? `You will be signed out now, and everything is deleted on ${date} unless you sign in and cancel before then.`
              : "You will be signed out now, and everything is deleted after the grace period unless you sign in and cancel."
          }
          footer={
            <>
              <DialogClose asChild>
                <Button variant="secondary">Keep my account</Button>
              </DialogClose>
              <Button variant="danger" type="submit" form="delete-account" loading={remove.isPending}>
                Delete account
              </Button>
            </>
          }
        >
          <PasswordConfirmForm
            id="delete-account"
            password={password}
            error={error}
            onPasswordChange={(value) => {
              setPassword(value);
              if (error) setError(null);
            }}
            onSubmit={onSubmit}
          />
        </DialogContent>
      </Dialog>
    </Card>
  );
}
