import { Check, Copy, Lock, Rss } from "lucide-react";
import { useId, useRef, useState } from "react";
import { userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { QueryError } from "../query-state";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Input } from "../ui/input";
import { Skeleton } from "../ui/skeleton";
import { useToast } from "../ui/toast";

/**
 * The private calendar feed: a secret, read-only .ics URL any calendar app can subscribe to. The URL is
 * shown once, when created; regenerating replaces it and revoking turns it off.
 */
export function CalendarFeedCard() {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const status = trpc.calendarFeed.status.useQuery();
  const [url, setUrl] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<"rotate" | "revoke" | null>(null);
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const urlId = useId();
  const headingId = useId();

  const rotate = trpc.calendarFeed.rotate.useMutation({
    onSuccess: (result) => {
      setUrl(result.url);
      setCopied(false);
      setConfirm(null);
      utils.calendarFeed.status.setData(undefined, { active: true });
    },
    onError: (error) =>
      toast({ title: "Could not create the feed", description: userMessage(error), variant: "error" }),
  });
  const revoke = trpc.calendarFeed.revoke.useMutation({
    onSuccess: () => {
      setUrl(null);
      setConfirm(null);
      utils.calendarFeed.status.setData(undefined, { active: false });
      toast({ title: "Calendar feed turned off", description: "The old URL no longer works." });
    },
    onError: (error) =>
      toast({ title: "Could not turn the feed off", description: userMessage(error), variant: "error" }),
  });

  async function copy() {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      toast({ title: "Feed URL copied", description: "Paste it into your calendar app's “subscribe” option." });
    } catch {
      // No clipboard permission: select the text so the person can copy it themselves.
      inputRef.current?.select();
      toast({ title: "Press Ctrl+C (⌘C) to copy", description: "The URL is selected.", variant: "error" });
    }
  }

  const active = status.data?.active ?? false;

  return (
    <Card role="region" aria-labelledby={headingId}>
      <CardHeader>
        <CardTitle id={headingId} className="flex items-center gap-2">
          <Rss className="size-4 text-indigo-600" aria-hidden="true" />
          Calendar feed
        </CardTitle>
        <CardDescription>
          Subscribe to your bookings from Google Calendar, Apple Calendar or Outlook with a private, read-only URL.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {status.isPending ? (
          <Skeleton className="h-10 w-full" />
        ) : status.isError ? (
          <QueryError query={status} title="Could not load the feed status" />
        ) : url ? (
          <div className="space-y-2">
            <label htmlFor={urlId} className="block text-sm font-medium text-zinc-800">
              Your feed URL
            </label>
            <div className="flex gap-2">
              <Input
                ref={inputRef}
                id={urlId}
                readOnly
                value={url}
                onFocus={(e) => e.target.select()}
                className="font-mono text-xs"
              />
              <Button variant="secondary" onClick={copy} aria-label="Copy feed URL">
                {copied ? (
                  <Check className="size-4 text-emerald-600" aria-hidden="true" />
                ) : (
                  <Copy className="size-4" aria-hidden="true" />
                )}
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
            <p className="flex items-start gap-1.5 text-sm text-zinc-500">
              <Lock className="mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
              Anyone with this URL can see your bookings (titles, clients, times), but nobody can change them. It is
              shown only now: copy it into your calendar app. Regenerate it if it leaks.
            </p>
          </div>
        ) : active ? (
          <p className="flex items-start gap-2 text-sm text-zinc-600">
            <span className="mt-1.5 size-2 shrink-0 rounded-full bg-emerald-500" aria-hidden="true" />
            The feed is on. For your privacy its URL was shown only when it was created; regenerate it to see a new one
            (the current URL then stops working).
          </p>
        ) : (
          <p className="flex items-start gap-2 text-sm text-zinc-600">
            <span className="mt-1.5 size-2 shrink-0 rounded-full bg-zinc-300" aria-hidden="true" />
            The feed is off. Creating it gives you a secret URL to paste into your calendar app.
          </p>
        )}
      </CardContent>
      {status.isSuccess ? (
        <CardFooter className="flex-wrap">
          {active ? (
            <Button variant="ghost" onClick={() => setConfirm("revoke")}>
              Turn off
            </Button>
          ) : null}
          <Button
            variant={active ? "secondary" : "primary"}
            loading={rotate.isPending && !confirm}
            onClick={() => (active ? setConfirm("rotate") : rotate.mutate())}
          >
            {active ? "Regenerate URL" : "Create feed URL"}
          </Button>
        </CardFooter>
      ) : null}
      <ConfirmDialog
        open={confirm === "rotate"}
        onOpenChange={(open) => setConfirm(open ? "rotate" : null)}
        title="Regenerate the feed URL?"
        description="Calendar apps subscribed with the current URL stop receiving updates until you give them the new one."
        confirmLabel="Regenerate URL"
        destructive={false}
        pending={rotate.isPending}
        onConfirm={() => rotate.mutate()}
      />
      <ConfirmDialog
        open={confirm === "revoke"}
        onOpenChange={(open) => setConfirm(open ? "revoke" : null)}
        title="Turn off the calendar feed?"
        description="The URL stops working at once; subscribed calendars keep only what they already downloaded."
        confirmLabel="Turn off feed"
        pending={revoke.isPending}
        onConfirm={() => revoke.mutate()}
      />
    </Card>
  );
}
