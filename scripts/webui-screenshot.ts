// `npm run webui-screenshot -- ID`: a picture of a migration's page in the Temporal Web UI (its summary and
// the current details gateshift keeps), taken with a headless Chromium — Debian's `chromium`, or the
// browser named by CHROMIUM. The README's picture in docs/ is made this way during a demo.
import { Command } from 'commander';
import puppeteer from 'puppeteer-core';

interface ShotOptions {
  ui: string;
  namespace: string;
  out: string;
  width: number;
}

const program = new Command('webui-screenshot')
  .description("take a picture of a migration's page in the Temporal Web UI")
  .argument('<workflow-id>', 'the migration')
  .option('--ui <url>', 'the Web UI', 'http://127.0.0.1:8233')
  .option('--namespace <ns>', 'the Temporal namespace', 'default')
  .option('--out <path>', 'the PNG to write', 'docs/web-ui-migration.png')
  .option('--width <px>', 'the window width', Number, 1440)
  .parse();

const [workflowId] = program.args as [string];
const opts = program.opts<ShotOptions>();
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Root in a container has no user namespaces for Chromium's sandbox; the page is our own local UI.
  args: ['--no-sandbox', '--disable-gpu'],
  defaultViewport: { width: opts.width, height: 1000 },
});
try {
  const page = await browser.newPage();
  const url = `${opts.ui}/namespaces/${opts.namespace}/workflows/${encodeURIComponent(workflowId)}`;
  await page.goto(url, { waitUntil: 'networkidle2' });
  // The summary, the details and the current details that gateshift keeps are on the "User Metadata" tab.
  await page.locator('::-p-text(User Metadata)').click();
  await page.waitForSelector('::-p-text(Current Details)', { timeout: 30_000 });
  await page.screenshot({ path: opts.out, fullPage: true });
  console.log(`wrote ${opts.out} (${url})`);
} finally {
  await browser.close();
}
