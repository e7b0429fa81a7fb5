import QRCode from "qrcode";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { PasswordConfirmForm } from "../../../../components/password-confirm-form";
import { Alert } from "../../../../components/ui/alert";
import { Badge } from "../../../../components/ui/badge";
import { Button } from "../../../../components/ui/button";
import { Dialog, DialogClose, DialogContent } from "../../../../components/ui/dialog";
import { Field } from "../../../../components/ui/field";
import { Input } from "../../../../components/ui/input";
import { Skeleton } from "../../../../components/ui/skeleton";
import { useToast } from "../../../../components/ui/toast";
import { useCurrentUser } from "../../../../lib/auth";
import { userMessage } from "../../../../lib/errors";
import { formatDateTime } from "../../../../lib/format";
import { useUserTimeZone } from "../../../../lib/time";
import { trpc } from "../../../../lib/trpc";

/**
 * Two-factor sign-in: off → setup (QR code, secret, first code) → recovery codes shown once → on,
 * with a password-confirmed way to turn it off.
 */
export function TwoFactorSettings() {
  const status = trpc.auth.twoFactor.status.useQuery();
  const [pending, setPending] = useState<{ secret: string; uri: string } | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const utils = trpc.useUtils();
  const setup = trpc.auth.twoFactor.setup.useMutation({ onSuccess: setPending });

  let body: ReactNode;
  if (recoveryCodes) {
    body = <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />;
  } else if (pending) {
    body = (
      <SetupStep
        {...pending}
        onCancel={() => setPending(null)}
        onEnabled={(codes) => {
          setPending(null);
          setRecoveryCodes(codes);
          void utils.auth.twoFactor.status.invalidate();
        }}
      />
    );
  } else if (status.isPending) {
    body = <Skeleton className="h-10 w-64" />;
  } else if (status.isError) {
    body = <Alert variant="error">{userMessage(status.error)}</Alert>;
  } else if (status.data.enabled) {
    body = <EnabledState enabledAt={status.data.enabledAt} recoveryCodesLeft={status.data.recoveryCodesLeft} />;
  } else {
    body = (
      <div className="space-y-3">
        {setup.error ? <Alert variant="error">{userMessage(setup.error)}</Alert> : null}
        <Button variant="secondary" onClick={() => setup.mutate()} loading={setup.isPending}>
          Set up two-factor sign-in
        </Button>
      </div>
    );
  }

  return (
    <section aria-labelledby="two-factor-heading" className="space-y-3">
      <div>
        <h3 id="two-factor-heading" className="flex items-center gap-2 text-sm font-semibold text-zinc-900">
          Two-factor sign-in
          {status.data?.enabled && !recoveryCodes ? <Badge tone="green">On</Badge> : null}
          {status.data && !status.data.enabled && !pending ? <Badge>Off</Badge> : null}
        </h3>
        <p className="text-sm text-zinc-600">
          Ask for a code from an authenticator app (such as Google Authenticator, 1Password or Authy) after your
          password.
        </p>
      </div>
      {body}
    </section>
  );
}

function SetupStep({
  secret,
  uri,
  onCancel,
  onEnabled,
}: {
  secret: string;
  uri: string;
  onCancel: () => void;
  onEnabled: (codes: string[]) => void;
}) {
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const enable = trpc.auth.twoFactor.enable.useMutation({
    onSuccess: ({ recoveryCodes }) => onEnabled(recoveryCodes),
    onError: (failure) => {
      setError(userMessage(failure));
      input.current?.select();
    },
  });
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(uri, { margin: 1, width: 176, errorCorrectionLevel: "M" })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [uri]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const digits = code.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(digits)) {
      setError("Enter the 6-digit code from your authenticator app");
      return input.current?.focus();
    }
    setError(null);
    enable.mutate({ code: digits });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4 rounded-lg border border-zinc-200 p-4">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-zinc-700">
        <li>Scan the QR code with your authenticator app, or type the key into it.</li>
        <li>Enter the 6-digit code the app shows to turn two-factor sign-in on.</li>
      </ol>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-center">
        <div className="flex size-[176px] shrink-0 items-center justify-center rounded-md border border-zinc-200 bg-white">
          {qr ? (
            <img src={qr} alt="QR code for your authenticator app" width={176} height={176} />
          ) : (
            <Skeleton className="size-40" />
          )}
        </div>
        <div className="min-w-0 space-y-1">
          <p className="text-xs font-medium text-zinc-600" id="totp-secret-label">
            Setup key
          </p>
          <code
            data-testid="totp-secret"
            data-secret={secret}
            className="block break-all rounded bg-zinc-100 px-2 py-1 font-mono text-sm text-zinc-900 select-all"
          >
            {secret.match(/.{1,4}/g)?.join(" ")}
          </code>
          <p className="text-xs text-zinc-500">Time-based, 6 digits, every 30 seconds.</p>
        </div>
      </div>
      <Field label="Code from the app" error={error ?? undefined} className="max-w-xs">
        {({ invalid, ...control }) => (
          <Input
            {...control}
            ref={input}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            placeholder="123456"
            invalid={invalid}
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              if (error) setError(null);
            }}
          />
        )}
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" loading={enable.isPending}>
          {enable.isPending ? "Checking…" : "Turn on"}
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={enable.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { toast } = useToast();
  const user = useCurrentUser();
  const text = `Recovery codes for ${user?.email ?? "your account"} (each works once)\n\n${codes.join("\n")}\n`;
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      toast({ title: "Recovery codes copied" });
    } catch {
      toast({ title: "Could not copy", description: "Select the codes and copy them by hand.", variant: "error" });
    }
  }
  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "crm-recovery-codes.txt";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return (
    <div className="space-y-4 rounded-lg border border-zinc-200 p-4">
      <Alert variant="success" title="Two-factor sign-in is on">
        Save these recovery codes somewhere safe. If you lose your phone, each one signs you in once. They are shown
        only now.
      </Alert>
      <ul
        className="grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm text-zinc-900 sm:grid-cols-5"
        aria-label="Recovery codes"
      >
        {codes.map((code) => (
          <li key={code} data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" onClick={() => void copy()}>
          Copy
        </Button>
        <Button variant="secondary" onClick={download}>
          Download
        </Button>
        <Button onClick={onDone}>I have saved them</Button>
      </div>
    </div>
  );
}

function EnabledState({ enabledAt, recoveryCodesLeft }: { enabledAt: Date | null; recoveryCodesLeft: number }) {
  const zone = useUserTimeZone();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const disable = trpc.auth.twoFactor.disable.useMutation({
    onSuccess: () => {
      setOpen(false);
      setPassword("");
      toast({ title: "Two-factor sign-in turned off" });
      void utils.auth.twoFactor.status.invalidate();
    },
    onError: (failure) => setError(userMessage(failure)),
  });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!password) return setError("Password is required");
    setError(null);
    disable.mutate({ password });
  }
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <p className="text-sm text-zinc-700">
        {enabledAt ? `On since ${formatDateTime(enabledAt, zone)}. ` : null}
        {recoveryCodesLeft === 1 ? "1 recovery code left." : `${recoveryCodesLeft} recovery codes left.`}
      </p>
      {recoveryCodesLeft <= 2 ? (
        <Alert variant="warning" className="w-full">
          Few recovery codes left: turn two-factor off and on again to get 10 new ones.
        </Alert>
      ) : null}
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Turn off
      </Button>
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
          title="Turn off two-factor sign-in?"
          description="Signing in will need only your password. Your recovery codes stop working."
          footer={
            <>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button variant="danger" type="submit" form="disable-two-factor" loading={disable.isPending}>
                Turn off
              </Button>
            </>
          }
        >
          <PasswordConfirmForm
            id="disable-two-factor"
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
    </div>
  );
}
