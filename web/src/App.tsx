import { EventLog } from "./pages/EventLog";
import { Job } from "./pages/Job";
import { Jobs } from "./pages/Jobs";
import { NewVideo } from "./pages/NewVideo";
import { Result } from "./pages/Result";
import type { Route } from "./router";
import { href, useRoute } from "./router";

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "new":
      return <NewVideo />;
    case "jobs":
      return <Jobs />;
    case "job":
      return <Job key={route.jobId} jobId={route.jobId} />;
    case "result":
      return <Result key={route.jobId} jobId={route.jobId} />;
    case "events":
      return <EventLog key={route.jobId} jobId={route.jobId} />;
    case "missing":
      return (
        <p>
          There is no page at {route.path}. <a href={href.newVideo()}>Make a video</a> or see the{" "}
          <a href={href.jobs()}>jobs</a>.
        </p>
      );
  }
}

export function App() {
  const route = useRoute();
  const current = (page: string) => (route.page === page ? "page" : undefined);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the content
      </a>
      <header className="top">
        <a className="brand" href={href.newVideo()}>
          SlideSpeaker
        </a>
        <nav aria-label="Main">
          <a href={href.newVideo()} aria-current={current("new")}>
            New video
          </a>
          <a href={href.jobs()} aria-current={current("jobs")}>
            Jobs
          </a>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}
