// Opens roadmap-lint HTML reports in headless Chromium and checks what a reader relies on:
// no console errors, no network requests, one heatmap cell per department and commitment,
// working filters, no axe-core accessibility violations at 1280 px nor on a 375 px phone (so
// every scrollable region is reachable by keyboard), no sideways scrolling at either width,
// captions as wide as the page on a phone, no raw backticks outside snippets, a "without
// waivers" figure only where it differs, and on A4: snippets that wrap, no word of a table
// broken mid-word, and a PDF where every page that shows a table shows all its column
// headings (checked page by page in the PDF's text). Saves screenshots and the PDFs, whose
// pages `pdftoppm -png` turns into pictures to look at.
//
// usage: node check.mjs SCREENSHOT_DIR KIND=REPORT.html[:EXPECTED_DEPARTMENTS] ...
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve, basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [shotDir, ...reports] = process.argv.slice(2);
mkdirSync(shotDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
const fail = (what) => { failures += 1; console.log(`FAIL ${what}`); };
const pass = (what) => console.log(`ok   ${what}`);

for (const spec of reports) {
  const [kind, rest] = spec.split('=');
  const [file, expectedDepts] = rest.split(':');
  if (!file) { fail(`bad argument ${spec}`); continue; }
  const name = basename(file);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await page.goto('file://' + resolve(file), { waitUntil: 'load' });

  errors.length === 0 ? pass(`${name}: no console errors`) : fail(`${name}: console errors: ${errors.join('; ')}`);
  requests.length === 0 ? pass(`${name}: no network requests`) : fail(`${name}: network requests: ${requests.join(', ')}`);

  if (kind === 'score') {
    const rows = await page.locator('table.heatmap tbody tr').count();
    const cells = await page.locator('table.heatmap td[data-commitment]').count();
    const unscored = await page.locator('table.heatmap td.unscored').count();
    const commitments = await page.locator('table.heatmap thead th').count() - 1;
    const depts = Number(expectedDepts);
    (rows === depts && cells === (depts - unscored) * commitments && commitments === 21)
      ? pass(`${name}: heatmap has ${depts} x ${commitments} cells`)
      : fail(`${name}: heatmap has ${rows} rows, ${cells} cells, ${commitments} commitment columns; expected ${depts} x 21`);
    const labels = await page.locator('table.heatmap td .lbl').allTextContents();
    labels.every((l) => ['Green', 'Amber', 'Red', 'N/A'].includes(l))
      ? pass(`${name}: every heatmap cell has a text RAG label`)
      : fail(`${name}: heatmap cells without a text label: ${labels.filter((l) => !['Green', 'Amber', 'Red', 'N/A'].includes(l))}`);

    const total = await page.locator('.finding').count();
    await page.selectOption('#filter-severity', 'warning');
    const warnings = await page.locator('.finding[data-severity="warning"]').count();
    const visibleAfterSeverity = await page.locator('.finding:not(.hidden)').count();
    visibleAfterSeverity === warnings
      ? pass(`${name}: severity filter shows ${warnings} warnings of ${total} findings`)
      : fail(`${name}: severity filter shows ${visibleAfterSeverity}, expected ${warnings}`);
    await page.selectOption('#filter-severity', 'all');
    await page.selectOption('#filter-mission', '4');
    const inMission = await page.locator('.finding[data-mission="4"]').count();
    const visibleAfterMission = await page.locator('.finding:not(.hidden)').count();
    (visibleAfterMission === inMission && (total === 0 || inMission < total))
      ? pass(`${name}: mission filter shows ${inMission} findings of mission 4`)
      : fail(`${name}: mission filter shows ${visibleAfterMission}, expected ${inMission} of ${total}`);
    const status = await page.locator('#filter-count').textContent();
    status.includes(`${inMission} of ${total}`) ? pass(`${name}: filter status reads "${status}"`) : fail(`${name}: filter status "${status}"`);
    await page.selectOption('#filter-mission', 'all');
    // "(86% without waivers)" only where the waivers change the figure shown.
    const same = await page.evaluate(() => [...document.querySelectorAll('.nowaive')].filter((n) => {
      const shown = n.previousElementSibling?.querySelector('.num')?.textContent;
      return shown && n.textContent.includes(`(${shown} without waivers)`);
    }).length);
    same === 0
      ? pass(`${name}: a "without waivers" figure only where it differs`)
      : fail(`${name}: ${same} "without waivers" figures equal to the score beside them`);
  }

  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  result.violations.length === 0
    ? pass(`${name}: axe-core finds no violations (${result.passes.length} rules passed)`)
    : fail(`${name}: axe-core violations: ${result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help}`).join('; ')}`);

  await page.screenshot({ path: `${shotDir}/${name.replace(/\.html$/, '')}.png`, fullPage: false });

  // No raw backticks: a `code span` in a message or a help text is shown as code.
  const backticks = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.textContent.includes('`') && !n.parentElement.closest('pre, script, style')) {
        out.push(n.textContent.trim().slice(0, 80));
      }
    }
    return out;
  });
  backticks.length === 0
    ? pass(`${name}: no raw backticks outside snippets`)
    : fail(`${name}: raw backticks in ${backticks.length} texts: ${backticks.slice(0, 3).join(' | ')}`);

  // Nothing scrolls sideways: not the page, and not a table inside it.
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    if (width !== 1280) {
      // A caption takes the width of the page, never a narrow column of it.
      const squeezed = await page.evaluate(() => [...document.querySelectorAll('caption, figcaption')]
        .filter((c) => c.getClientRects().length > 0 && c.getBoundingClientRect().width < 0.6 * window.innerWidth)
        .map((c) => `${Math.round(c.getBoundingClientRect().width)}px "${c.textContent.trim().slice(0, 40)}"`));
      squeezed.length === 0
        ? pass(`${name}: every caption is as wide as the page at ${width}px`)
        : fail(`${name}: captions squeezed at ${width}px: ${squeezed.join('; ')}`);
      const narrow = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }));
      narrow.violations.length === 0
        ? pass(`${name}: axe-core finds no violations at ${width}px`)
        : fail(`${name}: axe-core violations at ${width}px: ${narrow.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help}`).join('; ')}`);
    }
    const overflow = await page.evaluate(() => {
      const out = [];
      if (document.documentElement.scrollWidth > window.innerWidth + 1) {
        out.push(`page is ${document.documentElement.scrollWidth}px wide`);
      }
      for (const el of document.querySelectorAll('table, .scroll, figure')) {
        const box = el.getBoundingClientRect();
        if (el.scrollWidth > el.clientWidth + 1 || box.right > window.innerWidth + 1) {
          out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} (${Math.round(box.right)}px, scroll ${el.scrollWidth}/${el.clientWidth})`);
        }
      }
      return out;
    });
    overflow.length === 0
      ? pass(`${name}: nothing scrolls sideways at ${width}px`)
      : fail(`${name}: at ${width}px: ${overflow.slice(0, 5).join('; ')}`);
  }
  await page.screenshot({ path: `${shotDir}/${name.replace(/\.html$/, '')}-phone.png`, fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Printed on A4: every table fits the printable width, and every PDF page that shows a
  // table's first column heading shows all its headings (repeated on each page it spans).
  await page.emulateMedia({ media: 'print' });
  // At the printable width of A4 (210 mm less 2 x 15 mm margins, at 96 px an inch): no snippet
  // is cut at the right edge, and no word in a table breaks in the middle.
  await page.setViewportSize({ width: Math.floor((180 / 25.4) * 96), height: 1100 });
  const printed = await page.evaluate(() => {
    const cut = [...document.querySelectorAll('pre')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => el.textContent.trim().slice(0, 40));
    const broken = [];
    // Whether a word that spans lines breaks inside a run of letters and digits: an
    // identifier wrapping after one of its separators (a path after `.`) is not broken.
    const brokenInside = (node, start, word) => {
      let top = null;
      for (let i = 0; i < word.length; i += 1) {
        const r = document.createRange();
        r.setStart(node, start + i);
        r.setEnd(node, start + i + 1);
        const rect = [...r.getClientRects()].find((x) => x.width > 0);
        if (!rect) continue;
        const t = Math.round(rect.top);
        if (top !== null && t !== top && !/[._\/\-:=,;]/.test(word[i - 1])) return true;
        top = t;
      }
      return false;
    };
    for (const cell of document.querySelectorAll('th, td')) {
      if (cell.getClientRects().length === 0) continue;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const re = /\S+/g;
        for (let m = re.exec(n.textContent); m; m = re.exec(n.textContent)) {
          const range = document.createRange();
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1 && brokenInside(n, m.index, m[0])) broken.push(m[0]);
        }
      }
    }
    return { cut, broken };
  });
  printed.cut.length === 0
    ? pass(`${name}: every snippet wraps within A4`)
    : fail(`${name}: ${printed.cut.length} snippets cut at the right edge on A4: ${printed.cut.slice(0, 3).join(' | ')}`);
  printed.broken.length === 0
    ? pass(`${name}: no word in a table breaks mid-word on A4`)
    : fail(`${name}: words broken mid-word on A4: ${[...new Set(printed.broken)].slice(0, 6).join(', ')}`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${shotDir}/${name.replace(/\.html$/, '')}-print.png`, fullPage: false });
  const pdfPath = `${shotDir}/${name.replace(/\.html$/, '')}.pdf`;
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  writeFileSync(pdfPath, pdf);
  const headings = await page.evaluate(() => [...document.querySelectorAll('table')].map((t) =>
    [...t.querySelectorAll('thead th')].map((th) => th.textContent.replace(/\s+/g, ''))).filter((h) => h.length > 1));
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: true }).promise;
  const pageTexts = [];
  const pages = [];
  for (let i = 1; i <= doc.numPages; i += 1) {
    const pdfPage = await doc.getPage(i);
    const content = await pdfPage.getTextContent();
    // Without spaces: a heading wrapped over two lines, or a ligature, splits its text.
    pageTexts.push(content.items.map((it) => it.str).join('').replace(/\s+/g, ''));
    pages.push({ items: content.items.filter((it) => it.str.trim() !== ''), view: pdfPage.view });
  }
  // A table whose whole heading row is on some page, in order, lost no column.
  const lost = headings
    .map((h) => h.join(''))
    .filter((row) => !pageTexts.some((t) => t.includes(row)));
  lost.length === 0
    ? pass(`${name}: A4 PDF of ${doc.numPages} pages shows every column of its ${headings.length} tables`)
    : fail(`${name}: A4 PDF cuts the heading row of ${lost.length} tables: ${lost.slice(0, 4).join('; ')}`);
  if (kind === 'review') {
    await checkReviewPrint(name, page, pages, pageTexts, headings);
  }
  await page.close();
}
await browser.close();

// A review printed as an assessor files it: A4 pages, each with the running header (the
// proposal's reference) and "Page i of n"; no page ending on a heading or a table's heading row
// (left alone at its foot); no page but the last less than half full; inline code as code (no
// raw backticks); and no absolute path the reader did not give.
async function checkReviewPrint(name, page, pages, pageTexts, headings) {
  // Printed as a browser prints by default (US Letter here), the page's own CSS must make it A4.
  const letter = await page.pdf({ format: 'Letter', printBackground: true, preferCSSPageSize: true });
  const sized = await getDocument({ data: new Uint8Array(letter), useSystemFonts: true }).promise;
  const view = (await sized.getPage(1)).view;
  Math.abs(view[2] - 595.3) < 2 && Math.abs(view[3] - 841.9) < 2
    ? pass(`${name}: the page asks for A4 itself`)
    : fail(`${name}: printed on ${Math.round(view[2])} x ${Math.round(view[3])} pt, not A4: the page has no A4 page rule`);
  const reference = (await page.locator('h1').first().textContent()).replace(/^Spend-control assessment: /, '').split(' ')[0];
  const headed = pageTexts.filter((t, i) => t.includes(`Spend-controlassessment${reference}`) && t.includes(`Page${i + 1}of${pageTexts.length}`)).length;
  headed === pageTexts.length
    ? pass(`${name}: all ${pageTexts.length} pages carry the header with ${reference} and page x of ${pageTexts.length}`)
    : fail(`${name}: ${pageTexts.length - headed} of ${pageTexts.length} pages lack the running header or their page number`);
  // What a page ends with, in reading order: the lowest text of the page's body (the header
  // and page number sit in the top margin).
  const orphans = [];
  const h2s = (await page.locator('h2, h3').allTextContents()).map((h) => h.replace(/\s+/g, ''));
  const rows = headings.map((h) => h.join(''));
  pages.forEach((p, i) => {
    if (i === pages.length - 1) return;
    const body = p.items.filter((it) => it.transform[5] < p.view[3] - 50);
    const lowest = Math.min(...body.map((it) => it.transform[5]));
    const tail = body.filter((it) => it.transform[5] < lowest + 30).map((it) => it.str).join('').replace(/\s+/g, '');
    // A heading, or the first line of one that wraps, at the foot of the page.
    for (const h of [...h2s, ...rows]) {
      for (let k = h.length; k > 3 && k >= Math.min(h.length, 12); k -= 1) {
        if (tail.endsWith(h.slice(0, k))) {
          orphans.push(`page ${i + 1} ends with "${h.slice(0, k)}"`);
          break;
        }
      }
    }
    if (lowest > p.view[3] / 2) orphans.push(`page ${i + 1} is less than half full`);
  });
  orphans.length === 0
    ? pass(`${name}: no heading or table heading alone at a page's foot, no half-empty page`)
    : fail(`${name}: ${orphans.slice(0, 5).join('; ')}`);
  const all = pageTexts.join('');
  !all.includes('`') ? pass(`${name}: no raw backticks in print`) : fail(`${name}: raw backticks in print`);
  const cwd = process.cwd().replace(/\s+/g, '');
  !all.includes(cwd) ? pass(`${name}: no absolute path in print`) : fail(`${name}: the print shows ${cwd}`);
}
console.log(`${reports.length} reports checked, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
