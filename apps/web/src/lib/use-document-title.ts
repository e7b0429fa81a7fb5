import { useEffect } from "react";

/** Sets the tab title ("Settings · CRM"), which is also what screen readers announce on navigation. */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · CRM` : "CRM";
  }, [title]);
}
