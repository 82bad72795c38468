/** A short, readable account of an error body that is not the provider's JSON (a proxy's HTML page, nothing). */
export function describeUnreadableBody(statusCode: number, bodyText: string): string {
  const text = bodyText.trim();
  if (text === '') return `empty response body (status ${statusCode})`;
  const looksLikeHtml = /^<(?:!doctype|html|head|body)/i.test(text);
  // `[^<>]`, not `[^>]`: a body of many `<` and no `>` took time quadratic in its length (13 s for 200 KB,
  // the event loop blocked for every caller) with a tag allowed to run over the next `<`.
  const excerpt = text
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return `${looksLikeHtml ? 'HTML' : 'unexpected'} response body (status ${statusCode})${excerpt === '' ? '' : `: ${excerpt}`}`;
}
