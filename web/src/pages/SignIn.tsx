// Signing in with a personal API key (SLIDESPEAKER_AUTH=users, or the shared token). The key
// stays in this browser and goes only into request headers.
import { useState } from "react";
import { ApiError, getMe } from "../api";
import { apiKey, keepKey, signOut } from "../session";
import type { Me } from "../types";

export function SignIn({ reason, onSignedIn }: { reason: string | null; onSignedIn: (me: Me) => void }) {
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
        Ask whoever runs this SlideSpeaker for a key (<code>slidespeaker users add NAME</code>).
      </p>
    </section>
  );
}
