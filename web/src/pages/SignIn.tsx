// Signing in with a personal API key (SLIDESPEAKER_AUTH=users, or the shared token). The key
// stays in this browser and goes only into request headers. Behind a sign-in proxy
// (SLIDESPEAKER_AUTH=proxy) there is no key: the proxy signs the person in on a fresh load.
import { useState } from "react";
import { ApiError, getMe } from "../api";
import { apiKey, keepKey, signOut } from "../session";
import type { Me } from "../types";

export function SignIn({
  reason,
  mode,
  onSignedIn,
}: {
  reason: string | null;
  mode: string | null;
  onSignedIn: (me: Me) => void;
}) {
  if (mode === "proxy") return <ProxySignIn />;
  return <KeySignIn reason={reason} onSignedIn={onSignedIn} />;
}

function ProxySignIn() {
  return (
    <section className="sign-in">
      <h1>Sign in</h1>
      <p>
        This SlideSpeaker signs you in through your organisation&apos;s sign-in
        page.
      </p>
      <button type="button" onClick={() => window.location.reload()}>
        Sign in
      </button>
    </section>
  );
}

function KeySignIn({
  reason,
  onSignedIn,
}: {
  reason: string | null;
  onSignedIn: (me: Me) => void;
}) {
  const [key, setKey] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    keepKey(key.trim());
    try {
      onSignedIn(await getMe());
    } catch (caught) {
      if (apiKey()) signOut();
      setProblem(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sign-in">
      <h1>Sign in</h1>
      {reason && <p className="muted">{reason}</p>}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(event) => setKey(event.target.value)}
            placeholder="ssk_…"
            required
          />
        </label>
        <button type="submit" disabled={busy || !key.trim()}>
          Sign in
        </button>
      </form>
      {problem && (
        <p role="alert" className="error">
          That key was not accepted: {problem}
        </p>
      )}
      <p className="muted small">
        Ask whoever runs this SlideSpeaker for a key (
        <code>slidespeaker users add NAME</code>).
      </p>
    </section>
  );
}
