// Drives the page in a browser the way a user does; shared by the browser test
// and the screenshot script (test/server/screenshot.ts).
import type { Page } from 'playwright-core';

export interface PageResult {
  prompt: string;
  code: string;
  mark: string;
  alternatives: number;
  attentionRows: number;
  attentionWords: string[];
}

/** Type a sentence, press Enter, wait for the answer and open its attention view; returns what the page shows. */
export async function askInPage(page: Page, prompt: string, options: { openAlternatives?: boolean; timeout?: number } = {}): Promise<PageResult> {
  const before = await page.locator('.msg.result, .msg.error').count();
  await page.locator('#prompt').fill(prompt);
  await page.locator('#prompt').press('Enter');
  const answer = page.locator('.msg.result, .msg.error').nth(before);
  await answer.waitFor({ timeout: options.timeout ?? 30_000 });
  if (await answer.evaluate((n) => n.classList.contains('error'))) {
    throw new Error(`the page shows an error: ${await answer.innerText()}`);
  }
  const attention = answer.locator('details.more', { hasText: 'Attention' });
  if (await attention.count()) await attention.locator('summary').click();
  const alternatives = answer.locator('details.more', { hasText: 'alternative' });
  if (options.openAlternatives && await alternatives.count()) await alternatives.locator('summary').click();
  return {
    prompt: (await page.locator('.msg.user .bubble').last().innerText()).trim(),
    code: await answer.locator('.code-panel.main pre.code').innerText(),
    mark: (await answer.locator('.code-panel.main .mark').innerText()).trim(),
    alternatives: await answer.locator('.code-panel.alt').count(),
    attentionRows: await answer.locator('table.heatmap tbody tr').count(),
    attentionWords: await answer.locator('table.heatmap th.src').allInnerTexts(),
  };
}
