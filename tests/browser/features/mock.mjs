// The timed mock interview (interview/mock.html) as a learner runs it, with
// playwright's fake clock moving time forward: start a 45-minute mock, see
// the phase change and the interviewer's question, type notes, reload, pause,
// finish and score it. And one prompt page, read as it is.

const prompt = 'coffee-shop-locator';

export default {
  name: 'mock',
  async run(ctx) {
    const url = ctx.base + 'interview/mock.html';
    const { context, page, log } = await ctx.openPage();
    await page.clock.install({ time: new Date('2026-03-02T08:00:00Z') });
    await ctx.load(page, url);
    await ctx.step(() => expectMock(ctx, page, url));
    await ctx.step(() => ctx.expectClean(url, log));
    const promptUrl = ctx.base + `interview/${prompt}.html`;
    await ctx.load(page, promptUrl);
    await ctx.step(() => expectPromptPage(ctx, page, promptUrl));
    await context.close();
  },
};

const text = (page, selector) => page.locator(selector).innerText();

async function expectMock(ctx, page, url) {
  const fail = (message) => ctx.fail(url, message);
  if (!(await page.locator('#mock-setup').isVisible())) return fail('the mock page shows no set-up form');
  await ctx.expectAccessible(page, url);
  // Keyboard only: choose the prompt and the length, start with Enter.
  await page.locator('#mock-prompt').focus();
  await page.selectOption('#mock-prompt', prompt);
  await page.locator('input[name="mock-length"][value="45"]').check();
  await page.locator('#mock-start').focus();
  await page.keyboard.press('Enter');
  if (!(await page.locator('#mock-run').isVisible())) return fail('starting the mock did not show the clock');
  if (!(await text(page, '#mock-phase')).includes('Clarify')) fail('the mock does not start in the clarify phase');

  await page.clock.fastForward('05:30');
  const phase = await text(page, '#mock-phase');
  if (!phase.includes('Estimate')) fail(`5.5 minutes into a 45-minute mock the phase is "${phase}", not Estimate`);
  if ((await page.locator('#mock-questions li').count()) !== 0) fail('a question showed before its minute');
  await page.clock.fastForward('03:00');
  const asked = await page.locator('#mock-questions li').allInnerTexts();
  if (asked.length !== 1 || !asked[0].includes('Minute 8')) {
    fail(`at minute 8.5 the interviewer's questions are ${JSON.stringify(asked)}, not the one of minute 8`);
  }
  await page.locator('#mock-notes').fill('geohash cells, 50 MB in memory');
  await ctx.expectAccessible(page, url);

  // A reload (here at phone width) keeps the notes, the clock and the
  // questions asked.
  await page.setViewportSize({ width: 390, height: 844 });
  await ctx.load(page, url);
  await page.screenshot({ path: `${ctx.artifacts}/mock-phone.png`, fullPage: false });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) fail(`at phone width the mock page scrolls sideways by ${overflow}px`);
  await page.setViewportSize({ width: 1280, height: 900 });
  if (!(await page.locator('#mock-run').isVisible())) return fail('after a reload the interview is gone');
  if ((await page.locator('#mock-notes').inputValue()) !== 'geohash cells, 50 MB in memory') {
    fail('the notes did not survive a reload');
  }
  const clock = await text(page, '#mock-time');
  if (!/^8:\d\d$/.test(clock)) fail(`after a reload the clock shows ${clock}, not 8:30 or so`);
  if ((await page.locator('#mock-questions li').count()) !== 1) fail('after a reload the question is gone');
  await page.screenshot({ path: `${ctx.artifacts}/mock.png`, fullPage: true });

  // Pausing stops the clock, also across a reload.
  await page.locator('#mock-pause').click();
  const paused = await text(page, '#mock-time');
  await page.clock.fastForward('10:00');
  await ctx.load(page, url);
  if ((await text(page, '#mock-time')) !== paused) fail('the clock ran on while paused');
  if ((await text(page, '#mock-pause')) !== 'Resume') fail('a paused interview does not offer to resume');
  await page.locator('#mock-pause').click();

  // Finish: the rubric, every dimension required.
  await page.locator('#mock-finish').click();
  if (!(await page.locator('#mock-rubric').isVisible())) return fail('finishing did not show the rubric');
  await page.locator('#mock-save').click();
  if (!(await text(page, '#mock-rubric-error')).includes('Score every dimension')) {
    fail('saving an unscored rubric gave no message');
  }
  await ctx.expectAccessible(page, url);
  const dimensions = await page.locator('#mock-dimensions fieldset').count();
  if (dimensions < 5) fail(`the rubric has ${dimensions} dimensions`);
  const names = await page.$$eval('#mock-dimensions input[value="3"]', (inputs) => inputs.map((i) => i.name));
  for (const name of names) await page.locator(`input[name="${name}"][value="3"]`).check();
  await page.locator('input[name="mock-rater"][value="partner"]').check();
  await page.locator('#mock-save').click();
  const results = await page.locator('#mock-results-list li').allInnerTexts();
  if (results.length !== 1 || !results[0].includes('Coffee shop locator') || !results[0].includes(`${3 * dimensions}/${4 * dimensions}`)) {
    fail(`the recorded interviews read ${JSON.stringify(results)}`);
  }
  const stored = await page.evaluate(() => {
    const entries = window.roadbookStore.entries('mock:result:');
    return { count: entries.length, value: entries.length ? entries[0][1].v : null, session: window.roadbookStore.get('mock:session') };
  });
  if (stored.count !== 1 || stored.value.prompt !== prompt || stored.value.rater !== 'partner'
      || Object.keys(stored.value.scores).length !== dimensions) {
    fail(`the stored result is ${JSON.stringify(stored)}`);
  }
  if (stored.session !== null) fail('the finished interview is still stored as in progress');
  if (!(await page.locator('#mock-setup').isVisible())) fail('after saving, the page does not offer a new interview');
}

async function expectPromptPage(ctx, page, url) {
  await page.screenshot({ path: `${ctx.artifacts}/prompt.png`, fullPage: true });
  await ctx.expectAccessible(page, url);
  const headings = await page.locator('main h2').allInnerTexts();
  for (const want of ['Scope', 'The numbers', 'A reference design', "questions", 'Red flags', 'Rubric']) {
    if (!headings.some((h) => h.includes(want))) ctx.fail(url, `the prompt page has no "${want}" section`);
  }
  if ((await page.locator('main pre.mermaid svg, main svg[id^="mermaid"]').count()) === 0) {
    ctx.fail(url, 'the reference design diagram did not render');
  }
  const mock = page.locator(`main a[href="mock.html?prompt=${prompt}"]`).first();
  await mock.click();
  await page.waitForLoadState('load');
  if ((await page.locator('#mock-prompt').inputValue()) !== prompt) {
    ctx.fail(url, 'the "run it as a timed mock" link does not pick the prompt');
  }
}
