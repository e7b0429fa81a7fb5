import { Link, useMatches, useRouterState } from "@tanstack/react-router";
import {
  CalendarCheck,
  CalendarDays,
  FileUp,
  LogOut,
  type LucideIcon,
  Mail,
  Menu,
  Settings,
  SquareKanban,
  UsersRound,
} from "lucide-react";
import { type ReactNode, useEffect, useState } from "react";
import { useCurrentUser, useSignOut } from "../lib/auth";
import { cn } from "../lib/utils";
import { SyncBanner, useSyncNeedsAttention } from "./calendar-sync/sync-banner";
import { BounceBanner } from "./emails/bounce-banner";
import { Logo } from "./logo";
import { Dialog, DialogTrigger, SheetContent } from "./ui/dialog";
import { Spinner } from "./ui/spinner";

type NavPath = "/clients" | "/pipeline" | "/calendar" | "/bookings" | "/imports" | "/emails" | "/settings";

const mainNav: { to: NavPath; label: string; icon: LucideIcon }[] = [
  { to: "/clients", label: "Clients", icon: UsersRound },
  { to: "/pipeline", label: "Pipeline", icon: SquareKanban },
  { to: "/calendar", label: "Calendar", icon: CalendarDays },
  { to: "/bookings", label: "Bookings", icon: CalendarCheck },
  { to: "/imports", label: "Import", icon: FileUp },
  { to: "/emails", label: "Sent emails", icon: Mail },
];
const secondaryNav: { to: NavPath; label: string; icon: LucideIcon }[] = [
  { to: "/settings", label: "Settings", icon: Settings },
];

function NavItem({
  to,
  label,
  icon: Icon,
  attention,
}: {
  to: NavPath;
  label: string;
  icon: LucideIcon;
  /** What needs the user there, for a red dot (read out after the label). */
  attention?: string | null;
}) {
  return (
    <li>
      <Link
        to={to}
        className={cn(
          "group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium text-zinc-600 transition-colors",
          "hover:bg-zinc-100 hover:text-zinc-900",
          "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600",
          "data-[status=active]:bg-indigo-50 data-[status=active]:text-indigo-700",
        )}
      >
        <Icon
          className="size-[18px] shrink-0 text-zinc-400 group-hover:text-zinc-600 group-data-[status=active]:text-indigo-600"
          aria-hidden="true"
        />
        {label}
        {attention ? (
          <span className="ml-auto flex items-center" title={attention}>
            <span className="size-2 rounded-full bg-red-500 ring-2 ring-red-100" aria-hidden="true" />
            <span className="sr-only">({attention})</span>
          </span>
        ) : null}
      </Link>
    </li>
  );
}

function initials(name: string, email: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    parts.length > 1 ? `${parts[0]![0]}${parts.at(-1)![0]}` : (parts[0]?.slice(0, 2) ?? email.slice(0, 2));
  return letters.toUpperCase();
}

function UserPanel() {
  const user = useCurrentUser();
  const { signOut, pending } = useSignOut();
  if (!user) return null;
  return (
    <div className="flex items-center gap-3 border-t border-zinc-200 px-3 pt-4">
      <span
        className="flex size-9 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700"
        aria-hidden="true"
      >
        {initials(user.name, user.email)}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-zinc-900" title={user.name}>
          {user.name}
        </p>
        <p className="truncate text-xs text-zinc-500" title={user.email}>
          {user.email}
        </p>
      </div>
      <button
        type="button"
        onClick={signOut}
        disabled={pending}
        className="flex size-9 shrink-0 items-center justify-center rounded-lg text-zinc-500 transition-colors hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-60"
        aria-label="Sign out"
        title="Sign out"
      >
        {pending ? <Spinner size="sm" label={null} /> : <LogOut className="size-[18px]" aria-hidden="true" />}
      </button>
    </div>
  );
}

function SidebarContent() {
  const syncAttention = useSyncNeedsAttention();
  return (
    <div className="flex h-full flex-col gap-6 px-3 py-5">
      <Link to="/clients" className="mx-3 self-start rounded-md" aria-label="CRM home">
        <Logo />
      </Link>
      <nav aria-label="Main" className="flex flex-1 flex-col gap-6">
        <ul className="space-y-1">
          {mainNav.map((item) => (
            <NavItem key={item.to} {...item} />
          ))}
        </ul>
        <ul className="mt-auto space-y-1">
          {secondaryNav.map((item) => (
            <NavItem
              key={item.to}
              {...item}
              attention={item.to === "/settings" && syncAttention ? "Google Calendar needs attention" : null}
            />
          ))}
        </ul>
      </nav>
      <UserPanel />
      <p className="-mt-3 px-3 text-xs text-zinc-500">
        {/* Served by the server as a plain page, outside this app's routes. */}
        <a href="/privacy" className="rounded hover:text-zinc-700 hover:underline">
          Privacy
        </a>
      </p>
    </div>
  );
}

function MobileMenu() {
  const [open, setOpen] = useState(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  // Choosing a destination closes the menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => setOpen(false), [pathname]);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <button
          type="button"
          className="-ml-2 flex size-10 items-center justify-center rounded-lg text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
          aria-label="Open menu"
        >
          <Menu className="size-5" aria-hidden="true" />
        </button>
      </DialogTrigger>
      <SheetContent title="Navigation">
        <SidebarContent />
      </SheetContent>
    </Dialog>
  );
}

/** The signed-in frame: sidebar on wide screens, a top bar with a menu sheet on phones. */
export function AppShell({ children }: { children: ReactNode }) {
  const layout = useMatches({
    select: (matches) => matches.findLast((m) => m.staticData?.layout)?.staticData?.layout,
  });
  return (
    <div className="min-h-dvh">
      <a
        href="#main-content"
        className="sr-only focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-[60] focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-700 focus:shadow-lg focus:ring-2 focus:ring-indigo-600"
      >
        Skip to content
      </a>
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 border-r border-zinc-200 bg-white md:block">
        <SidebarContent />
      </aside>
      <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur md:hidden">
        <MobileMenu />
        <Link to="/clients" className="rounded-md" aria-label="CRM home">
          <Logo />
        </Link>
      </header>
      <div className="md:pl-64">
        <main
          id="main-content"
          tabIndex={-1}
          className={cn(
            "mx-auto w-full px-4 py-6 focus:outline-none sm:px-6 md:py-10 lg:px-10",
            layout === "full" ? "max-w-none" : layout === "wide" ? "max-w-7xl" : "max-w-5xl",
          )}
        >
          <SyncBanner />
          <BounceBanner />
          {children}
        </main>
      </div>
    </div>
  );
}
