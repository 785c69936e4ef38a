import { useCallback, useEffect, useState } from "react";
import { ApiError, getMe } from "./api";
import { EventLog } from "./pages/EventLog";
import { Job } from "./pages/Job";
import { Jobs } from "./pages/Jobs";
import { NewVideo } from "./pages/NewVideo";
import { Result } from "./pages/Result";
import { SignIn } from "./pages/SignIn";
import type { Route } from "./router";
import { href, useRoute } from "./router";
import { apiKey, SIGNED_OUT, signOut } from "./session";
import type { Me } from "./types";

function Page({ route, me }: { route: Route; me: Me | null }) {
  switch (route.page) {
    case "new":
      return <NewVideo />;
    case "jobs":
      return <Jobs me={me} />;
    case "job":
      return <Job key={route.jobId} jobId={route.jobId} />;
    case "result":
      return <Result key={route.jobId} jobId={route.jobId} />;
    case "events":
      return <EventLog key={route.jobId} jobId={route.jobId} />;
    case "missing":
      return (
        <p>
          There is no page at {route.path}.{" "}
          <a href={href.newVideo()}>Make a video</a> or see the{" "}
          <a href={href.jobs()}>jobs</a>.
        </p>
      );
  }
}

type Session =
  | { state: "checking" }
  | { state: "in"; me: Me | null } // null: a server that cannot say (it has no accounts)
  | { state: "out"; reason: string | null; mode?: string | null };

/** Who is signed in, asked of the API at start; any 401 later signs out. */
function useSession(): [Session, (me: Me) => void] {
  const [session, setSession] = useState<Session>({ state: "checking" });
  useEffect(() => {
    let stopped = false;
    getMe().then(
      (me) => !stopped && setSession({ state: "in", me }),
      (caught: unknown) => {
        if (stopped) return;
        if (caught instanceof ApiError && caught.status === 401) {
          setSession({
            state: "out",
            reason: caught.message,
            mode: caught.authMode,
          });
        } else setSession({ state: "in", me: null });
      },
    );
    const onSignedOut = () => setSession({ state: "out", reason: null });
    window.addEventListener(SIGNED_OUT, onSignedOut);
    return () => {
      stopped = true;
      window.removeEventListener(SIGNED_OUT, onSignedOut);
    };
  }, []);
  const signedIn = useCallback((me: Me) => setSession({ state: "in", me }), []);
  return [session, signedIn];
}

export function App() {
  const route = useRoute();
  const [session, signedIn] = useSession();
  const current = (page: string) => (route.page === page ? "page" : undefined);
  const me = session.state === "in" ? session.me : null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the content
      </a>
      <header className="top">
        <a className="brand" href={href.newVideo()}>
          SlideSpeaker
        </a>
        {session.state === "in" && (
          <nav aria-label="Main">
            <a href={href.newVideo()} aria-current={current("new")}>
              New video
            </a>
            <a href={href.jobs()} aria-current={current("jobs")}>
              Jobs
            </a>
          </nav>
        )}
        {(me?.name || apiKey()) && (
          <div className="who">
            {me?.name && (
              <span aria-label="Signed in as">
                {me.name}
                {me.admin && " (admin)"}
              </span>
            )}
            {apiKey() && (
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            )}
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {session.state === "checking" && <p className="muted">Loading…</p>}
        {session.state === "out" && (
          <SignIn
            reason={session.reason}
            mode={session.mode ?? null}
            onSignedIn={signedIn}
          />
        )}
        {session.state === "in" && <Page route={route} me={me} />}
      </main>
    </>
  );
}
