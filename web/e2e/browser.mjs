// End to end in a real browser: Debian's chromium driven by playwright-core, against a
// running API that serves the built client. tests/web/test_browser.py starts the real stack
// and runs this; it can also run by hand against `slidespeaker up`:
//   node e2e/browser.mjs --base http://127.0.0.1:8000 --deck DECK --long-deck DECK --out DIR
// It walks a person's path (upload, watch the grid, play, read the log, cancel a second
// job), saves a screenshot of each page in --out, and prints what it measured as JSON.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: args } = parseArgs({
  options: {
    base: { type: "string" },
    deck: { type: "string" },
    "long-deck": { type: "string" },
    "podcast-deck": { type: "string" },
    "locked-deck": { type: "string" },
    "locked-password": { type: "string" },
    out: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
for (const name of ["base", "deck", "long-deck", "podcast-deck", "locked-deck", "locked-password", "out"]) {
  if (!args[name]) throw new Error(`--${name} is required`);
}
mkdirSync(args.out, { recursive: true });

const JOB_TIMEOUT = 120_000;
const found = { seconds: {} };
const started = Date.now();
/** Seconds since the start at each step, to see where the time goes. */
const mark = (step) => (found.seconds[step] = (Date.now() - started) / 1000);

// Flags as the machine needs them: no sandbox as root, no background calls to the network.
const browser = await chromium.launch({
  executablePath: args.chromium,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
  ],
});

/** Each screenshot also checks the page: every control must have a name a person hears. */
async function shot(page, name) {
  await page.screenshot({ path: join(args.out, `${name}.png`), fullPage: true });
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("button, input, select, textarea, a[href]")]
      .filter((control) => {
        const labelled = control.labels?.length || control.getAttribute("aria-label");
        return !labelled && !control.textContent?.trim() && control.type !== "hidden";
      })
      .map((control) => control.outerHTML.slice(0, 120)),
  );
  if (unnamed.length) (found.unnamedControls ??= {})[name] = unnamed;
}

/** Upload a deck from the New video page; resolves to the new job's id. */
async function upload(page, deck, screenshot, { review = false, podcast = false } = {}) {
  await page.goto(`${args.base}/#/`);
  await page.locator("input[type=file]").setInputFiles(deck);
  await page.getByLabel("Resolution").selectOption({ label: "1280 × 720 (HD, smaller file)" });
  await page.getByLabel("Let me review the script before it is voiced").setChecked(review);
  if (podcast) await page.getByLabel("What to make").selectOption("podcast");
  if (screenshot) await shot(page, screenshot);
  await page.getByRole("button", { name: podcast ? "Make the podcast" : "Make the video" }).click();
  await page.waitForURL(/#\/jobs\/[0-9a-f]+$/, { timeout: 30_000 });
  return decodeURIComponent(page.url().split("/").pop());
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  const errorResponses = [];
  page.on("response", (response) => {
    if (response.status() >= 400) errorResponses.push(`${response.status()} ${response.url()}`);
  });
  // Requests cut off on the way: the page's own aborts (leaving a page while the video still
  // loads) and streams the server closed early. Reported, not judged.
  const brokenRequests = [];
  page.on("requestfailed", (request) => brokenRequests.push(`${request.failure()?.errorText} ${request.url()}`));

  // New video: a wrong file is refused before anything is sent.
  await page.goto(`${args.base}/#/`);
  await page.getByLabel(/Drop a deck here/).setInputFiles({
    name: "notes.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("not a deck"),
  });
  mark("browser-ready");
  found.wrongFileMessage = await page.getByRole("alert").first().textContent();
  await shot(page, "new-video-refused");

  // The voice preview: a sample of the default voice, spoken by the voice service.
  await page.getByRole("button", { name: "Hear this voice" }).click();
  const sample = page.getByLabel("A sample of the default voice");
  await sample.waitFor({ timeout: 40_000 });
  await page.waitForFunction(
    () => document.querySelector(".voice-preview audio")?.readyState >= 1,
    null,
    { timeout: 10_000 },
  );
  found.sampleDuration = await sample.evaluate((element) => element.duration);
  mark("voice-sampled");

  // Keyboard: every control of the form is reached with Tab and shows where the focus is.
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  found.focusWalk = [];
  for (let step = 0; step < 60; step++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      // A label wrapping its select also holds the options' words: its own words come first.
      const label = element.labels?.[0];
      const labelWords = label ? [...label.childNodes].map((n) => n.textContent.trim()).find(Boolean) : null;
      const name = labelWords || element.getAttribute("aria-label") || element.textContent?.trim();
      return { tag: element.tagName.toLowerCase(), name: name?.slice(0, 80) ?? "", outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 };
    });
    if (!focused) break; // past the last control
    const seen = found.focusWalk.findIndex((known) => known.name === focused.name && known.tag === focused.tag);
    if (seen === 0) break; // round to the first again
    if (seen < 0) found.focusWalk.push(focused); // (a player's own buttons keep it on the player)
  }

  // A real deck with its script reviewed first: slide 1 edited in the browser, then
  // approved, then followed live until every cell of the grid is done.
  const jobId = await upload(page, args.deck, "new-video", { review: true });
  mark("uploaded");
  found.jobId = jobId;
  const review = page.getByRole("region", { name: "Review the script" });
  await review.waitFor({ timeout: JOB_TIMEOUT });
  found.reviewStatusText = await page.locator(".page-head .badge").textContent();
  found.editedNarration = "This narration was written in the browser.";
  await review.getByLabel(/Slide 1/).fill(found.editedNarration);
  await shot(page, "job-review");
  await review.getByRole("button", { name: "Approve and voice it" }).click();
  await review.waitFor({ state: "detached" });
  await shot(page, "job-running");
  mark("reviewed");
  await page.getByText("The video is ready.").waitFor({ timeout: JOB_TIMEOUT });
  mark("grid-done");
  found.cellStatuses = await page.locator(".slide-grid td[data-status]").evaluateAll((cells) =>
    cells.map((cell) => cell.dataset.status),
  );
  found.thumbnailsLoaded = await page
    .locator(".slide-grid img.thumb")
    .evaluateAll((images) => images.map((image) => image.complete && image.naturalWidth > 0));
  found.jobStatusText = await page.locator(".page-head .badge").textContent();
  await shot(page, "job-done");
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "job-done-dark");
  await page.emulateMedia({ colorScheme: "light" });

  // Result: the video plays, its subtitles load, a chapter click seeks.
  await page.getByRole("link", { name: "Watch the video" }).first().click();
  const video = page.locator("video");
  await video.waitFor();
  await video.evaluate((element) => {
    element.muted = true;
    return element.play();
  });
  await page.waitForFunction(() => document.querySelector("video").currentTime > 0.5, null, {
    timeout: 30_000,
  });
  mark("video-playing");
  found.videoCurrentTime = await video.evaluate((element) => element.currentTime);
  found.videoDuration = await video.evaluate((element) => element.duration);
  await page.waitForFunction(() => document.querySelector("track")?.readyState === 2, null, {
    timeout: 10_000,
  });
  found.textTrack = await video.evaluate((element) => {
    const track = element.textTracks[0];
    return { kind: track.kind, mode: track.mode, cues: track.cues ? track.cues.length : 0 };
  });
  const chapterButtons = page.getByRole("navigation", { name: "Chapters" }).getByRole("button");
  found.chapterCount = await chapterButtons.count();
  await video.evaluate((element) => element.pause());
  await chapterButtons.last().click();
  found.chapterSeek = await video.evaluate((element) => element.currentTime);
  // The transcript follows the video: a sentence clicked is sought to and marked as spoken.
  const lastCue = page.locator(".transcript section").last().locator(".cue").first();
  found.clickedCue = await lastCue.textContent();
  await video.evaluate((element) => element.pause());
  await lastCue.click();
  await page.waitForFunction(() => !document.querySelector("video").seeking);
  await video.evaluate((element) => element.pause());
  found.cueSeek = await video.evaluate((element) => element.currentTime);
  await page.locator(".cue[aria-current=true]").waitFor({ timeout: 5_000 });
  found.currentCue = await page.locator(".cue[aria-current=true]").textContent();
  await video.evaluate((element) => element.pause());
  found.transcriptText = (await page.locator(".transcript").textContent())?.slice(0, 200);
  found.downloads = await page.locator(".downloads a").evaluateAll((links) =>
    links.map((link) => link.getAttribute("href")),
  );
  await shot(page, "result");

  mark("result-checked");
  // Event log: filter to one stage, open an event, ask for the state at it.
  await page.getByRole("link", { name: "Event log" }).click();
  await page.locator(".timeline > li").first().waitFor();
  found.eventCount = await page.locator(".timeline > li").count();
  await page.getByLabel("Stage").selectOption("voice");
  found.voiceEventCount = await page.locator(".timeline > li").count();
  const firstVoice = page.locator(".timeline > li").first();
  await firstVoice.locator("summary").click();
  await firstVoice.getByRole("button", { name: "State at this event" }).click();
  const stateAt = page.getByRole("complementary", { name: "State at the selected event" });
  await stateAt.waitFor();
  found.stateAtHeading = await stateAt.locator("h2").textContent();
  found.copyCommand = await page.locator(".copy-text code").textContent();
  await shot(page, "event-log");

  mark("event-log-checked");
  // Jobs: the list shows the finished job.
  await page.getByRole("link", { name: "Jobs", exact: true }).click();
  await page.locator("table.jobs tbody tr").first().waitFor();
  found.jobsListed = await page.locator("table.jobs tbody tr").count();
  found.firstJobStatus = await page.locator("table.jobs tbody tr").first().locator(".badge").textContent();
  await shot(page, "jobs");

  mark("jobs-listed");
  // A deck that cannot be read: the job says why in plain words, and so does its log.
  found.failedJobId = await upload(page, {
    name: "broken.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4 a file that only starts like a PDF"),
  });
  const why = page.getByRole("alert").filter({ hasText: "Why it failed" });
  await why.waitFor({ timeout: 60_000 });
  found.failureText = await why.locator("p").first().textContent();
  await shot(page, "job-failed");
  await why.getByRole("link", { name: "event log" }).click();
  await page.locator(".timeline > li").first().waitFor();
  await page.getByLabel("Type").selectOption("job.failed");
  found.failedEventSummary = await page.locator(".timeline .event-summary").first().textContent();
  await shot(page, "event-log-failed");
  mark("failure-explained");

  // A second, longer job, cancelled from its page.
  const cancelId = await upload(page, args["long-deck"]);
  found.cancelledJobId = cancelId;
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.locator(".page-head .badge", { hasText: "Cancelled" }).waitFor({ timeout: 60_000 });
  mark("cancelled");
  found.cancelledCellStatuses = await page.locator(".slide-grid td[data-status]").evaluateAll((cells) =>
    [...new Set(cells.map((cell) => cell.dataset.status))],
  );
  await shot(page, "job-cancelled");

  // Delete the cancelled job: asked to confirm, then back to the list, without it.
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(/#\/jobs$/);
  await page.locator("table.jobs tbody tr").first().waitFor();
  found.listedAfterDelete = await page.locator("table.jobs tbody a").evaluateAll((links) =>
    links.map((link) => link.getAttribute("href")),
  );

  // A podcast: made from the form, played with its conversation following.
  found.podcastJobId = await upload(page, args["podcast-deck"], null, { podcast: true });
  // Its event log, opened while it runs, moves live to the end (no reload): the podcast's
  // own events come over the stream as every other.
  await page.getByRole("link", { name: "Event log" }).click();
  await page.locator(".timeline > li").first().waitFor();
  const loggedTypes = () =>
    page.locator(".timeline .event-type").evaluateAll((cells) => cells.map((cell) => cell.textContent));
  found.podcastLogAtOpen = await loggedTypes();
  await page.locator(".timeline .event-podcast-composed").waitFor({ timeout: JOB_TIMEOUT });
  await page.locator(".timeline .event-job-completed").waitFor({ timeout: 10_000 });
  found.podcastLogLive = await loggedTypes();
  mark("podcast-log-live");
  await page.getByRole("link", { name: "Progress" }).click();
  await page.getByText("The podcast is ready.").waitFor({ timeout: JOB_TIMEOUT });
  mark("podcast-done");
  await page.getByRole("link", { name: "Listen to the podcast" }).first().click();
  const podcast = page.getByLabel("The podcast");
  await page.locator(".dialogue .cue").first().waitFor();
  found.podcastTurns = await page.locator(".dialogue .cue").count();
  await podcast.evaluate((element) => {
    element.muted = true;
    return element.play();
  });
  await page.waitForFunction(() => document.querySelector(".podcast-player").currentTime > 0.5, null, {
    timeout: 30_000,
  });
  found.podcastCurrentTime = await podcast.evaluate((element) => element.currentTime);
  await podcast.evaluate((element) => element.pause());
  const lastTurn = page.locator(".dialogue .cue").last();
  await lastTurn.click();
  await podcast.evaluate((element) => element.pause());
  found.podcastTurnSeek = await podcast.evaluate((element) => element.currentTime);
  found.podcastCurrentTurn = await page.locator(".dialogue .cue[aria-current=true]").textContent();
  found.podcastLastTurn = await lastTurn.textContent();
  found.podcastChapters = await page.getByRole("navigation", { name: "Podcast chapters" }).getByRole("button").count();
  await shot(page, "result-podcast");
  mark("podcast-played");

  // A password-protected deck: the form asks for its password; with it, the deck is read.
  await page.goto(`${args.base}/#/`);
  await page.locator("input[type=file]").setInputFiles(args["locked-deck"]);
  const password = page.getByLabel("Password of the deck");
  await password.waitFor();
  found.lockedSubmitDisabled = await page.getByRole("button", { name: "Make the video" }).isDisabled();
  await password.fill(args["locked-password"]);
  await page.getByRole("button", { name: "Make the video" }).click();
  await page.waitForURL(/#\/jobs\/[0-9a-f]+$/, { timeout: 30_000 });
  found.lockedJobId = decodeURIComponent(page.url().split("/").pop());
  await page.locator(".slide-grid tbody tr").first().waitFor({ timeout: JOB_TIMEOUT });
  await page.getByRole("button", { name: "Cancel" }).click();
  mark("locked-deck-read");

  // The same pages on a small phone (375 px wide).
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  // The elements sticking out past the screen's right edge (scroll containers excepted).
  const overflow = () =>
    small.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const inScroller = (element) => element.closest(".grid-scroll, .table-scroll, pre");
      return [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 1 && !inScroller(element))
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
        .slice(0, 10);
    });
  found.phoneOverflow = {};
  await small.goto(`${args.base}/#/jobs/${jobId}`);
  await small.getByText("The video is ready.").waitFor();
  await small.waitForFunction(() => [...document.images].every((image) => image.complete));
  found.phoneOverflow.job = await overflow();
  await shot(small, "job-phone");
  await small.goto(`${args.base}/#/`);
  await small.getByLabel("What to make").selectOption("both");
  await small.getByLabel("Presenter").selectOption("local");
  found.phoneOverflow.newVideo = await overflow();
  await shot(small, "new-video-phone");
  await small.goto(`${args.base}/#/jobs/${jobId}/result`);
  await small.locator("video").waitFor();
  found.phoneOverflow.result = await overflow();
  await small.goto(`${args.base}/#/jobs/${jobId}/events`);
  await small.locator(".timeline > li").first().waitFor();
  found.phoneOverflow.eventLog = await overflow();
  await small.goto(`${args.base}/#/jobs`);
  await small.locator("table.jobs tbody tr").first().waitFor();
  found.phoneOverflow.jobs = await overflow();
  mark("phone-checked");
  found.consoleErrors = consoleErrors;
  found.errorResponses = errorResponses;
  found.brokenRequests = brokenRequests;
} finally {
  await browser.close();
}
console.log(JSON.stringify(found));
