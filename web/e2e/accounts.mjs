// Accounts in a real browser: Alice signs in with her API key, sees only her jobs, and plays
// her video (fetched with a media token, never the key). tests/web/test_accounts_browser.py
// starts an API with SLIDESPEAKER_AUTH=users and runs this; prints what it saw as JSON.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: args } = parseArgs({
  options: {
    base: { type: "string" },
    key: { type: "string" },
    job: { type: "string" },
    out: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
for (const name of ["base", "key", "job", "out"]) {
  if (!args[name]) throw new Error(`--${name} is required`);
}

const browser = await chromium.launch({
  executablePath: args.chromium,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required"],
});
const found = { requestUrls: [], errorResponses: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (request) => found.requestUrls.push(request.url()));
  page.on("response", (response) => {
    if (response.status() >= 400) found.errorResponses.push(`${response.status()} ${response.url()}`);
  });

  await page.goto(`${args.base}/#/jobs`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(args.out, "sign-in.png") });
  await page.getByLabel("API key").fill(args.key);
  await page.getByRole("button", { name: "Sign in" }).click();
  found.signedInAs = await page.getByLabel("Signed in as").textContent({ timeout: 30_000 });
  await page.locator("table.jobs tbody tr").first().waitFor({ timeout: 30_000 });
  found.listedJobs = await page
    .locator("table.jobs tbody tr td:first-child a")
    .evaluateAll((links) => links.map((link) => link.getAttribute("href")));
  await page.screenshot({ path: join(args.out, "jobs-signed-in.png") });

  await page.goto(`${args.base}/#/jobs/${args.job}/result`);
  const video = page.locator("video.player");
  await video.waitFor({ timeout: 30_000 });
  found.videoSrc = await video.getAttribute("src");
  await video.evaluate((element) => {
    element.muted = true;
    return element.play();
  });
  await page.waitForFunction(() => document.querySelector("video.player")?.currentTime > 0.5, null, {
    timeout: 30_000,
  });
  found.videoCurrentTime = await video.evaluate((element) => element.currentTime);
  await page.screenshot({ path: join(args.out, "result-signed-in.png") });

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 10_000 });
  found.keyKeptAfterSignOut = await page.evaluate(() => window.localStorage.getItem("slidespeaker.apiKey"));
} finally {
  await browser.close();
}
console.log(JSON.stringify(found));
