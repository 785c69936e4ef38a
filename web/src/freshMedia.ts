// A page left open keeps its media working: the job's media token (what <video> and <img>
// carry instead of the API key) is renewed a minute before it expires, and the page is drawn
// again with URLs that carry the new one.
import { useEffect, useState } from "react";
import { ensureMediaToken, mediaTokenRenewal } from "./session";

/** How many times the job's media token was renewed while the page was open: a page that
 * makes media URLs reads it, so it is drawn again after each renewal. `ready`: the page has
 * what it needs to make them (the first token is fetched before that). */
export function useFreshMediaToken(jobId: string, ready: boolean): number {
  const [renewals, setRenewals] = useState(0);
  useEffect(() => {
    const due = mediaTokenRenewal(jobId);
    if (!ready || due === null) return;
    const timer = window.setTimeout(
      () =>
        void ensureMediaToken(jobId).then(() =>
          setRenewals((count) => count + 1),
        ),
      Math.max(0, due - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [jobId, ready, renewals]);
  return renewals;
}
