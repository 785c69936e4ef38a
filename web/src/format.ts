// Numbers and times as people read them.

export function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = String(whole % 60).padStart(2, "0");
  if (minutes < 60) return `${minutes}:${rest}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}:${rest}`;
}

export function age(iso: string | null, now: Date): string {
  if (!iso) return "";
  const seconds = Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function roughDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds / 5) * 5)} s`;
  return `${Math.round(seconds / 60)} min`;
}

/** Seconds after the first event, for the timeline. */
export function offset(iso: string, start: string): string {
  const ms = new Date(iso).getTime() - new Date(start).getTime();
  return `+${(ms / 1000).toFixed(2)} s`;
}
