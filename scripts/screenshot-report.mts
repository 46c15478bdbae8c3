// Makes docs/report.png from a demo report (default runs/demo/report.html) in headless Chromium.
//   node --import tsx scripts/screenshot-report.mts [report.html]
import path from 'node:path';
import { launchChromium } from '../test/review/helpers.js';

const report = path.resolve(process.argv[2] ?? 'runs/demo/report.html');
const out = path.resolve(import.meta.dirname, '../docs/report.png');
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  await page.goto(`file://${report}`);
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
