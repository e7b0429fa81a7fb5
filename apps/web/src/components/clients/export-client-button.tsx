import { FileJson } from "lucide-react";
import { useState } from "react";
import { downloadText } from "../../lib/download";
import { userMessage } from "../../lib/errors";
import { trpcClient } from "../../lib/trpc";
import { Button } from "../ui/button";
import { useToast } from "../ui/toast";

function fileName(name: string, at: Date): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-")
    .toLowerCase();
  return `client-${slug || "export"}-${at.toISOString().slice(0, 10)}.json`;
}

/**
 * "Export data (JSON)" on a client's page (privacy.exportClient): everything held about this person
 * (fields and consent, notes, bookings, activity, emails sent to them) as one file, to answer their
 * access request. Fetched fresh on each click, never from a cache.
 */
export function ExportClientButton({ clientId, name }: { clientId: string; name: string }) {
  const { toast } = useToast();
  const [pending, setPending] = useState(false);

  async function download() {
    setPending(true);
    try {
      const data = await trpcClient.privacy.exportClient.query({ clientId });
      downloadText(fileName(name, data.exportedAt), `${JSON.stringify(data, null, 2)}\n`, "application/json");
    } catch (error) {
      toast({ title: "Could not export this client", description: userMessage(error), variant: "error" });
    } finally {
      setPending(false);
    }
  }

  return (
    <Button variant="secondary" loading={pending} onClick={download}>
      {pending ? null : <FileJson className="size-4" aria-hidden="true" />}
      Export data (JSON)
    </Button>
  );
}
