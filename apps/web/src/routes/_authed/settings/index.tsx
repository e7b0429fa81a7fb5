import { changePasswordInput, PASSWORD_MIN_LENGTH, settingsUpdateInput } from "@crm/shared";
import { createFileRoute, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { GoogleCalendarCard } from "../../../components/calendar-sync/google-calendar-card";
import { FailedJobs } from "../../../components/jobs/failed-jobs";
import { PageHeader } from "../../../components/page-header";
import { PasswordInput } from "../../../components/password-input";
import { QueryState } from "../../../components/query-state";
import { Alert } from "../../../components/ui/alert";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../../../components/ui/card";
import { Combobox } from "../../../components/ui/combobox";
import { Field } from "../../../components/ui/field";
import { Input } from "../../../components/ui/input";
import { Select } from "../../../components/ui/select";
import { Skeleton } from "../../../components/ui/skeleton";
import { useToast } from "../../../components/ui/toast";
import { useCurrentUser } from "../../../lib/auth";
import { type FormErrors, formErrorsFrom, hasErrors, validate } from "../../../lib/errors";
import { phoneRegionOptions, timeZoneOptions } from "../../../lib/regions";
import { trpc } from "../../../lib/trpc";
import { DeleteAccountCard } from "./-components/delete-account-card";
import { EmailChangeCard } from "./-components/email-change-card";
import { ExportDataCard } from "./-components/export-data-card";
import { SecurityCard } from "./-components/security-card";

/** Google's consent round trip comes back here with ?google=connected or ?google=error&message=… */
interface SettingsSearch {
  google?: "connected" | "error";
  message?: string;
}

export const Route = createFileRoute("/_authed/settings/")({
  validateSearch: (search: Record<string, unknown>): SettingsSearch => ({
    ...(search.google === "connected" || search.google === "error" ? { google: search.google } : {}),
    ...(typeof search.message === "string" ? { message: search.message.slice(0, 300) } : {}),
  }),
  component: SettingsPage,
});

function useGoogleConnectOutcome(): string | null {
  const search = Route.useSearch();
  const navigate = useNavigate();
  const { toast } = useToast();
  const utils = trpc.useUtils();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!search.google) return;
    if (search.google === "connected") {
      toast({ title: "Google Calendar connected", description: "First sync running: your bookings go to Google now." });
      void utils.calendarSync.status.invalidate();
    } else {
      setError(search.message ?? "Google Calendar could not be connected.");
    }
    // The outcome is shown once: drop it from the address.
    void navigate({ to: "/settings", search: {}, replace: true });
  }, [search.google, search.message, navigate, toast, utils]);
  return error;
}

type User = { id: string; email: string; name: string; timeZone: string; phoneRegion: string };

function SettingsPage() {
  const settings = trpc.settings.get.useQuery();
  const connectError = useGoogleConnectOutcome();
  const justConnected = Route.useSearch({ select: (search) => search.google === "connected" });
  return (
    <>
      <PageHeader title="Settings" description="Your profile, regional defaults, password and connected calendar." />
      <div className="space-y-6">
        {connectError ? (
          <Alert variant="error" title="Google Calendar was not connected">
            {connectError}
          </Alert>
        ) : null}
        <QueryState query={settings} pending={<ProfileSkeleton />} errorTitle="Could not load your settings">
          {(user) => <ProfileForm key={user.id} user={user} />}
        </QueryState>
        <GoogleCalendarCard justConnected={justConnected} />
        <EmailChangeCard />
        <PasswordForm />
        <SecurityCard />
        <ExportDataCard />
        <DeleteAccountCard />
        <FailedJobs />
      </div>
    </>
  );
}

function ProfileSkeleton() {
  return (
    <Card aria-busy="true" aria-label="Loading profile">
      <CardHeader>
        <Skeleton className="h-5 w-24" />
        <Skeleton className="h-4 w-64" />
      </CardHeader>
      <CardContent className="grid gap-5 sm:grid-cols-2">
        {["a", "b", "c", "d"].map((k) => (
          <div key={k} className="space-y-2">
            <Skeleton className="h-4 w-20" />
            <Skeleton className="h-10 w-full" />
          </div>
        ))}
      </CardContent>
      <CardFooter>
        <Skeleton className="h-10 w-28" />
      </CardFooter>
    </Card>
  );
}

type ProfileField = "name" | "timeZone" | "phoneRegion";
const profileFields = ["name", "timeZone", "phoneRegion"] as const;

function ProfileForm({ user }: { user: User }) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [values, setValues] = useState<Record<ProfileField, string>>({
    name: user.name,
    timeZone: user.timeZone,
    phoneRegion: user.phoneRegion,
  });
  const [errors, setErrors] = useState<FormErrors<ProfileField>>({ fields: {} });
  const nameRef = useRef<HTMLInputElement>(null);
  const zones = useMemo(() => timeZoneOptions(user.timeZone), [user.timeZone]);
  const regions = useMemo(() => phoneRegionOptions(), []);

  const changes = Object.fromEntries(profileFields.filter((f) => values[f] !== user[f]).map((f) => [f, values[f]]));
  const dirty = Object.keys(changes).length > 0;

  const update = trpc.settings.update.useMutation({
    onSuccess: (saved) => {
      utils.settings.get.setData(undefined, saved);
      utils.auth.me.setData(undefined, saved);
      setValues({ name: saved.name, timeZone: saved.timeZone, phoneRegion: saved.phoneRegion });
      toast({ title: "Settings saved", description: "Your profile is up to date." });
    },
    onError: (error) => {
      const next = formErrorsFrom(error, profileFields);
      setErrors(next);
      if (next.fields.name) nameRef.current?.focus();
    },
  });

  function set(field: ProfileField, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors.fields[field] || errors.form) setErrors({ fields: { ...errors.fields, [field]: undefined } });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!dirty) return;
    const fieldErrors = validate(settingsUpdateInput, changes as Record<ProfileField, string>);
    if (hasErrors(fieldErrors)) {
      setErrors({ fields: fieldErrors });
      if (fieldErrors.name) nameRef.current?.focus();
      return;
    }
    setErrors({ fields: {} });
    update.mutate(changes);
  }

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate aria-labelledby="profile-heading">
        <CardHeader>
          <CardTitle id="profile-heading">Profile</CardTitle>
          <CardDescription>Used on emails to clients and to show times in your zone.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Name" error={errors.fields.name}>
              {({ invalid, ...control }) => (
                <Input
                  {...control}
                  ref={nameRef}
                  name="name"
                  autoComplete="name"
                  invalid={invalid}
                  value={values.name}
                  onChange={(e) => set("name", e.target.value)}
                />
              )}
            </Field>
            <Field label="Email" hint="Your sign-in address.">
              {({ invalid: _invalid, ...control }) => (
                <Input {...control} type="email" value={user.email} readOnly disabled />
              )}
            </Field>
            <Field label="Time zone" error={errors.fields.timeZone} hint="Bookings and reminders use this zone.">
              {({ invalid, ...control }) => (
                <Combobox
                  {...control}
                  invalid={invalid}
                  options={zones}
                  value={values.timeZone}
                  onChange={(zone) => set("timeZone", zone)}
                  placeholder="Search time zones"
                  emptyMessage="No time zone matches"
                />
              )}
            </Field>
            <Field
              label="Default phone region"
              error={errors.fields.phoneRegion}
              hint="Phone numbers without a country code are read as this country's."
            >
              {({ invalid, ...control }) => (
                <Select
                  {...control}
                  name="phoneRegion"
                  invalid={invalid}
                  value={values.phoneRegion}
                  onChange={(e) => set("phoneRegion", e.target.value)}
                >
                  {regions.some((r) => r.code === values.phoneRegion) ? null : (
                    <option value={values.phoneRegion}>{values.phoneRegion}</option>
                  )}
                  {regions.map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.name} ({r.code})
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
        </CardContent>
        <CardFooter>
          {dirty ? (
            <Button
              variant="ghost"
              onClick={() => {
                setValues({ name: user.name, timeZone: user.timeZone, phoneRegion: user.phoneRegion });
                setErrors({ fields: {} });
              }}
              disabled={update.isPending}
            >
              Discard
            </Button>
          ) : null}
          <Button type="submit" loading={update.isPending} disabled={!dirty}>
            {update.isPending ? "Saving…" : "Save changes"}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

type PasswordField = "currentPassword" | "newPassword" | "confirmPassword";
const passwordFields = ["currentPassword", "newPassword", "confirmPassword"] as const;
const emptyPasswords = { currentPassword: "", newPassword: "", confirmPassword: "" };

function PasswordForm() {
  const { toast } = useToast();
  const user = useCurrentUser();
  const [values, setValues] = useState<Record<PasswordField, string>>(emptyPasswords);
  const [errors, setErrors] = useState<FormErrors<PasswordField>>({ fields: {} });
  const [done, setDone] = useState(false);
  const refs = {
    currentPassword: useRef<HTMLInputElement>(null),
    newPassword: useRef<HTMLInputElement>(null),
    confirmPassword: useRef<HTMLInputElement>(null),
  };

  const change = trpc.auth.changePassword.useMutation({
    onSuccess: () => {
      setValues(emptyPasswords);
      setDone(true);
      toast({ title: "Password changed", description: "Use your new password next time you sign in." });
    },
    onError: (error) => {
      const next = formErrorsFrom(error, passwordFields);
      setErrors(next);
      focusFirst(next.fields);
    },
  });

  function focusFirst(fieldErrors: FormErrors<PasswordField>["fields"]) {
    const first = passwordFields.find((f) => fieldErrors[f]);
    if (first) refs[first].current?.focus();
  }

  function set(field: PasswordField, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    setDone(false);
    if (errors.fields[field] || errors.form) setErrors({ fields: { ...errors.fields, [field]: undefined } });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors: FormErrors<PasswordField>["fields"] = validate(changePasswordInput, {
      currentPassword: values.currentPassword,
      newPassword: values.newPassword,
    });
    if (!fieldErrors.newPassword && values.confirmPassword !== values.newPassword) {
      fieldErrors.confirmPassword = "The passwords do not match";
    }
    if (hasErrors(fieldErrors)) {
      setErrors({ fields: fieldErrors });
      focusFirst(fieldErrors);
      return;
    }
    setErrors({ fields: {} });
    change.mutate({ currentPassword: values.currentPassword, newPassword: values.newPassword });
  }

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate aria-labelledby="password-heading">
        <CardHeader>
          <CardTitle id="password-heading">Password</CardTitle>
          <CardDescription>Choose a long password you don't use anywhere else.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          {/* Lets password managers file the new password under the right account. */}
          <input type="email" name="username" autoComplete="username" value={user?.email ?? ""} readOnly hidden />
          {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
          {done ? <Alert variant="success">Your password has been changed.</Alert> : null}
          <div className="grid gap-5 sm:grid-cols-2">
            <Field
              label="Current password"
              error={errors.fields.currentPassword}
              className="sm:col-span-2 sm:max-w-[calc(50%-0.625rem)]"
            >
              {({ invalid, ...control }) => (
                <PasswordInput
                  {...control}
                  ref={refs.currentPassword}
                  name="currentPassword"
                  autoComplete="current-password"
                  invalid={invalid}
                  value={values.currentPassword}
                  onChange={(e) => set("currentPassword", e.target.value)}
                />
              )}
            </Field>
            <Field
              label="New password"
              error={errors.fields.newPassword}
              hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
            >
              {({ invalid, ...control }) => (
                <PasswordInput
                  {...control}
                  ref={refs.newPassword}
                  name="newPassword"
                  autoComplete="new-password"
                  invalid={invalid}
                  value={values.newPassword}
                  onChange={(e) => set("newPassword", e.target.value)}
                />
              )}
            </Field>
            <Field label="Confirm new password" error={errors.fields.confirmPassword}>
              {({ invalid, ...control }) => (
                <PasswordInput
                  {...control}
                  ref={refs.confirmPassword}
                  name="confirmPassword"
                  autoComplete="new-password"
                  invalid={invalid}
                  value={values.confirmPassword}
                  onChange={(e) => set("confirmPassword", e.target.value)}
                />
              )}
            </Field>
          </div>
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={change.isPending}>
            {change.isPending ? "Changing…" : "Change password"}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
