// Pages live in the URL's hash (#/jobs/ID), so the API can serve the built client as plain
// files at `/` without a fallback route for every page.
import { useEffect, useState } from "react";

export type Route =
  | { page: "new" }
  | { page: "jobs" }
  | { page: "job"; jobId: string }
  | { page: "result"; jobId: string }
  | { page: "events"; jobId: string }
  | { page: "missing"; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "new" };
  if (parts[0] !== "jobs") return { page: "missing", path };
  if (parts.length === 1) return { page: "jobs" };
  const jobId = parts[1];
  if (parts.length === 2) return { page: "job", jobId };
  if (parts.length === 3 && parts[2] === "result") return { page: "result", jobId };
  if (parts.length === 3 && parts[2] === "events") return { page: "events", jobId };
  return { page: "missing", path };
}

export const href = {
  newVideo: () => "#/",
  jobs: () => "#/jobs",
  job: (jobId: string) => `#/jobs/${encodeURIComponent(jobId)}`,
  result: (jobId: string) => `#/jobs/${encodeURIComponent(jobId)}/result`,
  events: (jobId: string) => `#/jobs/${encodeURIComponent(jobId)}/events`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
