import { stageNameSchema } from "@crm/shared";
import { Check } from "lucide-react";
import { type FormEvent, useState } from "react";
import type { BoardStage } from "../../lib/clients";
import { errorDetails, errorField, isStaleVersion, userMessage } from "../../lib/errors";
import { plural } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogClose, DialogContent } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Select } from "../ui/select";
import { useToast } from "../ui/toast";

export const STAGE_COLORS = [
  { value: "#6366f1", name: "Indigo" },
  { value: "#0ea5e9", name: "Sky" },
  { value: "#14b8a6", name: "Teal" },
  { value: "#10b981", name: "Emerald" },
  { value: "#84cc16", name: "Lime" },
  { value: "#f59e0b", name: "Amber" },
  { value: "#f97316", name: "Orange" },
  { value: "#f43f5e", name: "Rose" },
  { value: "#ec4899", name: "Pink" },
  { value: "#8b5cf6", name: "Violet" },
  { value: "#94a3b8", name: "Slate" },
] as const;

/** Everything that shows the board refreshes after a change to its shape. */
export function useBoardInvalidation() {
  const utils = trpc.useUtils();
  return () =>
    Promise.all([
      utils.pipeline.board.invalidate(),
      utils.pipeline.revision.invalidate(),
      utils.pipeline.stages.invalidate(),
    ]);
}

function ColorPicker({ value, onChange }: { value: string; onChange: (color: string) => void }) {
  const custom = !STAGE_COLORS.some((c) => c.value === value);
  const swatch =
    "relative flex size-8 cursor-pointer items-center justify-center rounded-full ring-offset-2 transition-shadow has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600";
  return (
    <fieldset className="flex flex-wrap items-center gap-2">
      <legend className="sr-only">Color</legend>
      {STAGE_COLORS.map((c) => (
        <label
          key={c.value}
          title={c.name}
          className={cn(swatch, value === c.value ? "ring-2 ring-zinc-900/70" : "hover:ring-2 hover:ring-zinc-300")}
          style={{ backgroundColor: c.value }}
        >
          <input
            type="radio"
            name="stage-color"
            value={c.value}
            checked={value === c.value}
            onChange={() => onChange(c.value)}
            className="sr-only"
          />
          <span className="sr-only">{c.name}</span>
          {value === c.value ? <Check className="size-4 text-white" aria-hidden="true" strokeWidth={3} /> : null}
        </label>
      ))}
      <label
        title="Custom color"
        className={cn(
          swatch,
          "overflow-hidden bg-[conic-gradient(#f43f5e,#f59e0b,#84cc16,#14b8a6,#6366f1,#ec4899,#f43f5e)]",
          custom ? "ring-2 ring-zinc-900/70" : "hover:ring-2 hover:ring-zinc-300",
        )}
      >
        <span className="sr-only">Custom color</span>
        <input
          type="color"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="absolute inset-0 cursor-pointer opacity-0"
        />
        {custom ? (
          <span
            className="size-4 rounded-full ring-2 ring-white"
            style={{ backgroundColor: value }}
            aria-hidden="true"
          />
        ) : null}
      </label>
    </fieldset>
  );
}

/** Create a stage, or rename and recolor one. */
export function StageDialog({
  open,
  onOpenChange,
  stage,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  stage?: BoardStage | undefined;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open ? <StageForm stage={stage} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function StageForm({ stage, onDone }: { stage?: BoardStage | undefined; onDone: () => void }) {
  const { toast } = useToast();
  const invalidate = useBoardInvalidation();
  const [name, setName] = useState(stage?.name ?? "");
  const [color, setColor] = useState<string>(stage?.color ?? STAGE_COLORS[1].value);
  const [error, setError] = useState<unknown>(null);
  const [nameError, setNameError] = useState<string | undefined>();

  const options = {
    onSuccess: async (saved: { name: string }) => {
      toast({ title: stage ? `Saved stage ${saved.name}` : `Added stage ${saved.name}` });
      onDone();
      await invalidate();
    },
    onError: (e: unknown) => {
      if (errorField(e) === "name") setNameError(userMessage(e));
      else setError(e);
    },
  };
  const create = trpc.pipeline.createStage.useMutation(options);
  const update = trpc.pipeline.updateStage.useMutation(options);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = stageNameSchema.safeParse(name);
    if (!parsed.success) {
      setNameError(parsed.error.issues[0]?.message);
      return;
    }
    setError(null);
    if (stage) update.mutate({ id: stage.id, version: stage.version, name, color });
    else create.mutate({ name, color });
  }

  return (
    <DialogContent
      size="sm"
      title={stage ? "Edit stage" : "New stage"}
      description={stage ? undefined : "Stages are the steps a client goes through, left to right."}
      footer={
        <>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button type="submit" form="stage-form" loading={create.isPending || update.isPending}>
            {stage ? "Save stage" : "Add stage"}
          </Button>
        </>
      }
    >
      <form id="stage-form" onSubmit={onSubmit} noValidate className="space-y-5">
        {error ? (
          <Alert variant="error">
            {userMessage(error)}
            {isStaleVersion(error) ? " Close this dialog and try again on the refreshed board." : null}
          </Alert>
        ) : null}
        <Field label="Name" error={nameError}>
          {({ invalid, ...control }) => (
            <Input
              {...control}
              autoFocus
              invalid={invalid}
              value={name}
              maxLength={60}
              placeholder="e.g. Discovery call"
              onChange={(e) => {
                setName(e.target.value);
                setNameError(undefined);
              }}
            />
          )}
        </Field>
        <div className="space-y-2">
          <p className="text-sm font-medium text-zinc-800">Color</p>
          <ColorPicker value={color} onChange={setColor} />
        </div>
      </form>
    </DialogContent>
  );
}

/** Deletes a stage; when it still holds clients, asks which stage receives them. */
export function DeleteStageDialog({
  stage,
  stages,
  onOpenChange,
}: {
  stage: BoardStage | null;
  stages: readonly BoardStage[];
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={Boolean(stage)} onOpenChange={onOpenChange}>
      {stage ? <DeleteStageForm stage={stage} stages={stages} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function DeleteStageForm({
  stage,
  stages,
  onDone,
}: {
  stage: BoardStage;
  stages: readonly BoardStage[];
  onDone: () => void;
}) {
  const { toast } = useToast();
  const invalidate = useBoardInvalidation();
  const others = stages.filter((s) => s.id !== stage.id);
  const [clientCount, setClientCount] = useState(stage.count);
  const [target, setTarget] = useState(others[0]?.id ?? "");
  const [error, setError] = useState<string | null>(null);
  const remove = trpc.pipeline.deleteStage.useMutation({
    onSuccess: async (result) => {
      const to = others.find((s) => s.id === target);
      toast({
        title: `Deleted stage ${stage.name}`,
        description: result.moved && to ? `${plural(result.moved, "client")} moved to ${to.name}.` : undefined,
      });
      onDone();
      await invalidate();
    },
    onError: (e) => {
      // The stage filled up since the board was loaded: ask where its clients go.
      const count = errorDetails(e)?.clientCount;
      if (errorField(e) === "moveToStageId" && typeof count === "number") {
        setClientCount(count);
        setError(null);
        return;
      }
      setError(userMessage(e));
    },
  });

  const needsTarget = clientCount > 0;

  return (
    <DialogContent
      size="sm"
      title={`Delete stage ${stage.name}?`}
      description={
        needsTarget
          ? `${stage.name} still has ${plural(clientCount, "client")}. Choose the stage they move to.`
          : "The stage is empty; nothing else changes."
      }
      footer={
        <>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button
            variant="danger"
            loading={remove.isPending}
            disabled={needsTarget && !target}
            onClick={() => remove.mutate(needsTarget ? { id: stage.id, moveToStageId: target } : { id: stage.id })}
          >
            {needsTarget ? "Move clients and delete" : "Delete stage"}
          </Button>
        </>
      }
    >
      {error || needsTarget ? (
        <div className="space-y-4">
          {error ? <Alert variant="error">{error}</Alert> : null}
          {needsTarget ? (
            <Field label={`Move ${plural(clientCount, "client")} to`}>
              {({ invalid, ...control }) => (
                <Select {...control} invalid={invalid} value={target} onChange={(e) => setTarget(e.target.value)}>
                  {others.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          ) : null}
        </div>
      ) : null}
    </DialogContent>
  );
}
