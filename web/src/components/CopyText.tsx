import { useState } from "react";

/** A command shown in full (so it can be selected by hand) with a button that copies it. */
export function CopyText({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false); // clipboard refused (plain http): the text stays selectable
    }
  };
  return (
    <div className="copy-text">
      <code>{text}</code>
      <button type="button" onClick={() => void copy()} aria-label={label}>
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
