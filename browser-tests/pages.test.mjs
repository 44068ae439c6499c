// Real-browser tests: Debian chromium driven by playwright-core against `fazhi demo` on 127.0.0.1.
// Run by scripts/browser-test.sh, which builds the binary and sets FAZHI_BIN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.FAZHI_SCREENSHOTS || join(tmpdir(), 'fazhi-shots');
mkdirSync(SHOTS, { recursive: true });
let server, base, browser;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fazhi-browser-'));
  server = spawn(process.env.FAZHI_BIN, ['demo', '--db', join(dir, 'demo.db'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fazhi demo did not start in 60 s')), 60000);
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    });
    server.on('exit', (code) => reject(new Error(`fazhi demo exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

async function page(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const p = await context.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(e.message));
  p.on('console', (m) => { if (m.type() === 'error') p.errors.push(m.text()); });
  return p;
}

async function login(p, username) {
  await p.goto(`${base}/login`);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel('密码').fill('fazhi-demo-2026');
  await p.getByRole('button', { name: '登录' }).click();
  await p.waitForURL(`${base}/admin`);
}

test('home page is Chinese, has one h1 and a working skip link', async () => {
  const p = await page();
  await p.goto(base);
  assert.equal(await p.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await p.locator('h1').count(), 1);
  await p.keyboard.press('Tab');
  const focused = await p.evaluate(() => document.activeElement?.textContent);
  assert.equal(focused, '跳到正文');
  await p.screenshot({ path: join(SHOTS, 'home.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
});

test('a wrong password shows the same message as an unknown user', async () => {
  const p = await page();
  await p.goto(`${base}/login`);
  await p.getByLabel('用户名').fill('admin');
  await p.getByLabel('密码').fill('wrong-password-1');
  await p.getByRole('button', { name: '登录' }).click();
  await assert.doesNotReject(p.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor());
  await p.screenshot({ path: join(SHOTS, 'login-error.png') });
});

test('admin browses the organisation tree down to a town', async () => {
  const p = await page();
  await login(p, 'admin');
  await p.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
  await p.getByRole('link', { name: '组织机构' }).click();
  await p.getByRole('link', { name: '广东省', exact: true }).click();
  await p.getByRole('link', { name: '梅州市', exact: true }).click();
  await p.getByText('梅州市人民政府办公室').first().waitFor();
  await p.getByRole('link', { name: '梅江区', exact: true }).click();
  await p.getByRole('link', { name: '江南街道', exact: true }).click();
  await p.getByText('江南街道办事处').waitFor();
  await p.screenshot({ path: join(SHOTS, 'org.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
});

test('a county admin creates a clerk and sees only the county in the agency list', async () => {
  const p = await page();
  await login(p, 'mj.admin');
  await p.getByRole('link', { name: '用户管理' }).click();
  await p.getByRole('link', { name: '新建用户' }).click();
  const options = await p.locator('#agency_code option').allTextContents();
  assert.ok(options.length > 1);
  const otherPlaces = /梅州市|梅县|大埔|丰顺|五华|平远|蕉岭|兴宁/;
  assert.ok(options.slice(1).every((o) => !otherPlaces.test(o)), options.join('|'));
  assert.ok(options.some((o) => o.startsWith('三角镇')), 'towns of the county are listed');
  await p.getByLabel('用户名').fill('mj.browser');
  await p.getByLabel('姓名').fill('浏览器测试');
  await p.locator('#agency_code').selectOption({ label: '梅江区 · 梅江区司法局' });
  await p.getByLabel('初始密码').fill('browser-test-2026');
  await p.getByRole('button', { name: '创建' }).click();
  await p.getByText('mj.browser').waitFor();
  await p.screenshot({ path: join(SHOTS, 'user.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
});

test('the powers catalogue changes with the date and links to the item history', async () => {
  const p = await page();
  await p.goto(`${base}/powers?division=441402`);
  await p.getByLabel('名称或编码').fill('许可 取水');
  await p.getByLabel('截至日期').fill('2020-02-29');
  await p.getByRole('button', { name: '查询' }).click();
  await p.getByText('按词查询：许可 / 取水').waitFor();
  await p.getByText('该日期没有符合条件的事项').waitFor();
  await p.getByLabel('截至日期').fill('2020-03-01');
  await p.getByRole('button', { name: '查询' }).click();
  await p.getByRole('link', { name: '取水许可（演示）' }).click();
  await p.getByText('取水许可下放县（市、区）实施的通知（演示）').waitFor();
  await p.screenshot({ path: join(SHOTS, 'power-item.png'), fullPage: true });
  await p.goto(`${base}/powers?on=2020-03-01`);
  await p.screenshot({ path: join(SHOTS, 'powers.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
});

test('a clerk registers a disclosure request and sees its statutory due date', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const p = await context.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(e.message));
  await login(p, 'fb.clerk');
  await p.goto(`${base}/admin/foi/new`);
  await p.getByLabel('申请渠道').selectOption('in_person');
  await p.getByLabel('到达日期').fill('2025-09-15');
  await p.getByLabel('申请人姓名或名称').fill('王五');
  await p.getByLabel('联系方式').fill('0753-2222222');
  await p.getByLabel('所需信息的内容描述').fill('2024年城市更新项目资金安排');
  await p.getByRole('button', { name: '登记' }).click();
  await p.getByText('答复期限：2025-10-17').waitFor();
  await p.getByText('逐日推算过程').click();
  await p.getByText('跳过：法定节假日 国庆节、中秋节').first().waitFor();
  await p.evaluate(AXE_SOURCE);
  const result = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  await p.screenshot({ path: join(SHOTS, 'foi-request.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
  await context.close();
});

test('a citizen applies online, a double click makes one application, and the link follows it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const p = await context.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(e.message));
  await p.goto(`${base}/foi/apply`);
  await p.getByLabel('受理申请的机关').selectOption({ label: '梅州市人民政府办公室' });
  await p.getByLabel('申请人类型').selectOption('商业企业');
  await p.getByLabel('姓名或名称').fill('梅州某某贸易有限公司');
  await p.getByLabel('联系方式').fill('0753-2666666');
  await p.getByLabel('所需政府信息的名称').fill('2025年梅州市政府采购意向公开目录');
  await p.evaluate(AXE_SOURCE);
  const form = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  assert.deepEqual(form.violations.map((v) => v.id), []);
  await p.getByRole('button', { name: '提交申请' }).dblclick();
  await p.getByText('申请已提交，编号').waitFor();
  const tracking = p.url();
  assert.match(tracking, /\/foi\/track\/[0-9a-f]{64}\?new=1$/);
  await p.getByText('待工作人员与您确认').waitFor();
  assert.equal(await p.getByText('梅州某某贸易有限公司').count(), 0, 'no personal data on the tracking page');
  await p.evaluate(AXE_SOURCE);
  const track = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  assert.deepEqual(track.violations.map((v) => v.id), []);
  await p.screenshot({ path: join(SHOTS, 'foi-apply-receipt.png'), fullPage: true });
  // Staff see exactly one application waiting for confirmation, confirm it, and the link shows the due date.
  const staff = await context.newPage();
  await login(staff, 'fb.clerk');
  await staff.goto(`${base}/admin/foi`);
  await staff.getByText('待确认的网上申请：1件').waitFor();
  await staff.locator('a[href^="/admin/foi/submissions/"]').click();
  await staff.getByRole('button', { name: '登记确认，开始计时' }).click();
  await staff.getByText('答复期限：').waitFor();
  await p.goto(tracking.replace('?new=1', ''));
  await p.getByText('收到申请之日').waitFor();
  await p.getByText('办理中').waitFor();
  assert.deepEqual(p.errors, []);
  await context.close();
});

test('the annual report is filled in on its page and its figures open the cases they count', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const p = await context.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(e.message));
  await login(p, 'fb.clerk');
  await p.goto(`${base}/admin/foi/report?agency=G441400-002&year=2020`);
  await p.getByRole('heading', { name: '三、收到和处理政府信息公开申请情况' }).waitFor();
  const permits = p.getByLabel('二 第二十条第（五）项 行政许可 处理决定数量');
  await permits.fill('57');
  await p.getByLabel('五、存在的主要问题及改进情况（由本机关撰写）').fill('（演示数据）浏览器测试填写的改进情况。');
  await p.getByRole('button', { name: '保存填报内容' }).click();
  await p.getByText('已保存填报内容。').waitFor();
  assert.equal(await p.getByLabel('二 第二十条第（五）项 行政许可 处理决定数量').inputValue(), '57');
  await p.evaluate(AXE_SOURCE);
  const result = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  await p.screenshot({ path: join(SHOTS, 'foi-report-staff.png'), fullPage: true });
  // The total of 一、本年新收 opens the 16 requests it counts.
  await p.locator('a[href*="row=R1&column=6"]').click();
  await p.getByText('共16件申请').waitFor();
  assert.equal(await p.locator('tbody tr').count(), 16);
  assert.deepEqual(p.errors, []);
  await context.close();
});

test('the calendar computes a due date across National Day 2024 and shows the month', async () => {
  const p = await page();
  await p.goto(`${base}/calendar`);
  await p.getByLabel('起算日').fill('2024-09-20');
  await p.getByLabel('工作日数').fill('20');
  await p.getByRole('button', { name: '计算' }).click();
  await p.getByText('2024-10-23（周三）').waitFor();
  assert.ok(await p.locator('td.holiday').count() >= 7);
  await p.screenshot({ path: join(SHOTS, 'calendar.png'), fullPage: true });
});

test('pages fit a phone screen without horizontal scrolling', async () => {
  const p = await page({ width: 375, height: 740 });
  await login(p, 'leader');
  for (const path of ['/admin', '/admin/org?division=441400', '/calendar', '/admin/audit', '/powers?on=2020-03-01', '/powers/items/DEMO-XK-QS', '/foi/reports/G441400-002/2020']) {
    await p.goto(base + path);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${path} overflows by ${overflow}px`);
  }
  await p.screenshot({ path: join(SHOTS, 'phone-audit.png'), fullPage: true });
});

async function axeViolations(p) {
  await p.evaluate(AXE_SOURCE);
  const result = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('a document and its interpretation are published, link to each other, and the checker counts them', async () => {
  const staffContext = () => browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const clerkContext = await staffContext();
  const clerk = await clerkContext.newPage();
  await login(clerk, 'fb.clerk');
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await clerk.goto(`${base}/admin/documents/new`);
  await clerk.getByLabel('标题', { exact: true }).fill('关于推行企业开办一网通办的通知');
  await clerk.getByLabel('文号（无文号的不填').fill('梅市府办函〔2026〕901号');
  await clerk.getByLabel('成文日期', { exact: true }).fill(today);
  await clerk.getByLabel('须配发政策解读').check();
  await clerk.getByLabel('正文', { exact: true }).fill('为进一步优化营商环境，在全市推行企业开办一网通办。');
  await clerk.getByRole('button', { name: '保存草稿' }).click();
  await clerk.getByRole('button', { name: '提交审核' }).click();
  const documentPath = new URL(clerk.url()).pathname;
  await clerk.getByRole('link', { name: '为本文件撰写解读' }).click();
  await clerk.getByLabel('解读形式').selectOption('图解');
  await clerk.getByLabel(/^解读内容/).fill('一图读懂：网上填一次表，一天拿到执照。');
  await clerk.getByRole('button', { name: '保存草稿' }).click();
  const interpretationPath = new URL(clerk.url()).pathname;
  assert.deepEqual(await axeViolations(clerk), []);

  const reviewerContext = await staffContext();
  const reviewer = await reviewerContext.newPage();
  await login(reviewer, 'fb.reviewer');
  await reviewer.goto(base + interpretationPath);
  await reviewer.getByRole('button', { name: /审核通过并发布/ }).click();
  await reviewer.getByText('尚未发布：解读与文件同步或在其后发布').waitFor();
  await reviewer.goto(base + documentPath);
  await reviewer.getByRole('button', { name: /审核通过并发布/ }).click();
  await reviewer.goto(base + interpretationPath);
  await reviewer.getByRole('button', { name: /审核通过并发布/ }).click();
  await reviewer.getByText('已发布').first().waitFor();

  const p = await page();
  await p.goto(base + documentPath.replace('/admin', ''));
  await p.getByRole('link', { name: '《关于推行企业开办一网通办的通知》政策解读' }).click();
  await p.getByText('一图读懂：网上填一次表，一天拿到执照。').waitFor();
  await p.getByRole('link', { name: '关于推行企业开办一网通办的通知' }).click();
  assert.equal(new URL(p.url()).pathname, documentPath.replace('/admin', ''));

  await reviewer.goto(`${base}/admin/interpretations/check`);
  const ratio = reviewer.getByRole('row', { name: /解读比例/ });
  assert.match(await ratio.innerText(), /100\.0%/);
  assert.deepEqual(await axeViolations(reviewer), []);
  await reviewer.screenshot({ path: join(SHOTS, 'interpretations-check.png'), fullPage: true });
  assert.deepEqual([...clerk.errors || [], ...p.errors], []);
  await clerkContext.close();
  await reviewerContext.close();
  await p.context().close();
});

test('the comments of a closed consultation are moderated and decided, and the feedback is published', async () => {
  const title = '关于公开征求《梅州市加强退役军人服务保障规定（征求意见稿）》意见的公告';
  const clerkContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const clerk = await clerkContext.newPage();
  clerk.errors = [];
  clerk.on('pageerror', (e) => clerk.errors.push(e.message));
  await login(clerk, 'fb.clerk');
  await clerk.goto(`${base}/admin/consultations`);
  await clerk.getByRole('link', { name: title }).click();
  const path = new URL(clerk.url()).pathname;
  assert.match(await clerk.locator('body').innerText(), /还有\d+组意见未审核/);
  const groups = await clerk.locator('article.comment').count();
  assert.ok(groups > 0);
  for (let index = 0; index < groups; index += 1) {
    const group = () => clerk.locator('article.comment').nth(index);
    await group().getByRole('button', { name: '公开', exact: true }).click();
    await clerk.waitForURL(base + path);
    await group().getByLabel('处理').selectOption(index === 0 ? 'not_adopted' : 'adopted');
    await group().getByLabel(/理由或说明/).fill(index === 0 ? '属于具体操作层面，将在配套细则中明确。' : '');
    await group().getByRole('button', { name: '保存处理意见' }).click();
    await clerk.waitForURL(base + path);
  }
  await clerk.getByText(/征求意见期间共收到意见\d+条/).waitFor();
  assert.deepEqual(await axeViolations(clerk), []);
  await clerk.screenshot({ path: join(SHOTS, 'consultation-admin.png'), fullPage: true });

  const reviewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const reviewer = await reviewerContext.newPage();
  await login(reviewer, 'fb.reviewer');
  await reviewer.goto(base + path);
  await reviewer.getByRole('button', { name: /发布反馈/ }).click();
  await reviewer.getByText(/已发布/).first().waitFor();

  const p = await page();
  await p.goto(`${base}/consultations`);
  await p.getByRole('link', { name: title }).click();
  await p.getByRole('heading', { name: /意见采纳情况反馈/ }).waitFor();
  const feedback = await p.getByRole('table', { name: '意见采纳情况' }).innerText();
  assert.match(feedback, /未采纳\s+属于具体操作层面，将在配套细则中明确。/);
  const text = await p.locator('main').innerText();
  assert.ok(!text.includes('13800000000') && !text.includes('演示公众'), 'no personal data in public');
  assert.deepEqual(await axeViolations(p), []);
  await p.screenshot({ path: join(SHOTS, 'consultation-public.png'), fullPage: true });
  assert.deepEqual([...clerk.errors, ...p.errors], []);
  await clerkContext.close();
  await reviewerContext.close();
  await p.context().close();
});

test('a town catalogue is drafted from the template, round-trips through xlsx, is published and shows in the progress', async () => {
  const clerkContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true, acceptDownloads: true });
  const clerk = await clerkContext.newPage();
  clerk.errors = [];
  clerk.on('pageerror', (e) => clerk.errors.push(e.message));
  await login(clerk, 'mj.clerk');
  await clerk.goto(`${base}/admin/catalogues`);
  assert.match(await clerk.getByRole('table').first().innerText(), /兴宁市\s+26\/26\s+2020-10-21\s+2020-12-15/);
  await clerk.getByRole('link', { name: '梅江区' }).click();
  await clerk.getByRole('link', { name: '江南街道' }).click();
  await clerk.getByRole('button', { name: '按标准指引编制涉农补贴领域目录' }).click();
  await clerk.getByText('第1版（草稿）').waitFor();
  const [download] = await Promise.all([clerk.waitForEvent('download'), clerk.getByRole('link', { name: '下载xlsx表格' }).click()]);
  const file = join(mkdtempSync(join(tmpdir(), 'fazhi-xlsx-')), 'catalogue.xlsx');
  await download.saveAs(file);
  await clerk.getByLabel('xlsx表格文件').setInputFiles(file);
  await clerk.getByRole('button', { name: '导入' }).click();
  await clerk.getByText('目录条目：2项').waitFor();
  assert.deepEqual(await axeViolations(clerk), []);

  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const admin = await adminContext.newPage();
  await login(admin, 'admin');
  await admin.goto(clerk.url());
  await admin.getByLabel(/审定情况/).fill('街道党工委会议审定');
  await admin.getByRole('button', { name: /发布/ }).click();
  await admin.getByText('第1版（已发布）').waitFor();

  const p = await page();
  await p.goto(`${base}/catalogues?division=441402`);
  assert.match(await p.getByRole('row', { name: /江南街道/ }).innerText(), /1\/26/);
  await p.getByRole('link', { name: '江南街道' }).click();
  await p.getByRole('link', { name: '第1版' }).click();
  await p.getByRole('table', { name: /目录条目/ }).waitFor();
  assert.deepEqual(await axeViolations(p), []);
  await p.screenshot({ path: join(SHOTS, 'catalogue.png'), fullPage: true });
  assert.deepEqual([...clerk.errors, ...p.errors], []);
  await clerkContext.close();
  await adminContext.close();
  await p.context().close();
});

// WCAG 2.1 A/AA rules of axe-core on every page built so far (GB/T 37668 follows WCAG 2.0 AA).
test('pages have no WCAG 2.1 AA violations found by axe-core', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', bypassCSP: true });
  const p = await context.newPage();
  const check = async (path) => {
    await p.goto(base + path);
    await p.evaluate(AXE_SOURCE);
    const result = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    const found = result.violations.map((v) => `${path}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(found, [], found.join('\n'));
  };
  for (const path of ['/', '/login', '/calendar?from=2024-09-20&working_days=20', '/no-such-page',
    '/powers?on=2020-03-01&q=许可+取水', '/powers/items/DEMO-XK-QS', '/powers/changes?from=2019-12-31&to=2020-12-31',
    '/powers/figures?year=2020', '/powers/towns?county=441402&on=2020-12-31', '/foi/reports', '/foi/reports/G441400-002/2020', '/documents', '/interpretations', '/interpretations/1', '/documents/1',
    '/consultations', '/consultations/24', '/catalogues', '/catalogues?division=441402', '/catalogues/1',
    '/search?q=%E9%9F%A9%E6%B1%9F%E6%B0%B4%E8%B4%A8', '/messages', '/messages/new', '/messages/2',
    '/gazette', '/gazette/2020/1']) await check(path);
  await login(p, 'admin');
  for (const path of ['/admin', '/admin/org?division=441402', '/admin/users', '/admin/users/new', '/admin/users/2',
    '/admin/audit', '/admin/audit/verify', '/admin/calendar', '/admin/parameters', '/admin/tokens', '/admin/powers',
    '/admin/powers/item', '/admin/powers/item?code=DEMO-XK-QS', '/admin/foi', '/admin/foi?show=all', '/admin/foi/new', '/admin/foi/8', '/admin/foi/report?agency=G441400-002&year=2021', '/admin/foi/figures?year=2020', '/admin/foi/1?pages=250', '/admin/documents', '/admin/documents/new',
    '/admin/interpretations', '/admin/interpretations/new', '/admin/interpretations/check?year=2020',
    '/admin/consultations', '/admin/consultations/new', '/admin/consultations/24',
    '/admin/catalogues', '/admin/catalogues?division=441402', '/admin/catalogues/1',
    '/admin/messages', '/admin/messages?show=answered', '/admin/messages/new', '/admin/messages/2',
    '/admin/gazette', '/admin/gazette/1', '/admin/openness/figures?year=2020',
    '/admin/openness/figures/records?year=2020&agency=G441400-002&figure=documents']) await check(path);
  await context.close();
});
