"use client";

import { useEffect, useRef, type ReactNode, type RefObject } from "react";

/**
 * Where the conversation list lives: a column beside the chat on a wide screen, a drawer over it on a phone
 * (opened by a labelled button in the chat's top bar). The open drawer takes the focus, Escape or a tap outside
 * closes it, and the focus goes back to the button that opened it.
 */
export function ThreadListDrawer({
  id,
  open,
  onClose,
  returnFocusTo,
  children,
}: {
  id: string;
  open: boolean;
  onClose: () => void;
  returnFocusTo: RefObject<HTMLElement | null>;
  children: ReactNode;
}) {
  const panel = useRef<HTMLDivElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open) (panel.current?.querySelector<HTMLElement>("input") ?? panel.current?.querySelector<HTMLElement>("a, button"))?.focus();
    else if (wasOpen.current) returnFocusTo.current?.focus();
    wasOpen.current = open;
  }, [open, returnFocusTo]);

  return (
    <>
      {open && <div aria-hidden className="fixed inset-0 z-30 bg-black/40 md:hidden" onClick={onClose} />}
      <div
        id={id}
        ref={panel}
        onKeyDown={(event) => {
          if (open && event.key === "Escape") {
            event.stopPropagation();
            onClose();
          }
        }}
        className={`${open ? "fixed inset-y-0 left-0 z-40 flex w-[85vw] max-w-xs shadow-xl" : "hidden"} flex-col border-r border-zinc-200 bg-white md:static md:z-auto md:flex md:w-72 md:max-w-none md:shadow-none dark:border-zinc-800 dark:bg-zinc-950`}
      >
        {open && (
          <div className="flex justify-end px-2 pt-2 md:hidden">
            <button
              type="button"
              onClick={onClose}
              aria-label="Close conversations"
              className="flex size-10 items-center justify-center rounded-lg text-lg hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-500 dark:hover:bg-zinc-900"
            >
              <span aria-hidden>×</span>
            </button>
          </div>
        )}
        {children}
      </div>
    </>
  );
}
