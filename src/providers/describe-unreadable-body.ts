/** A short, readable account of an error body that is not the provider's JSON (a proxy's HTML page, nothing). */
export function describeUnreadableBody(statusCode: number, bodyText: string): string {
  const text = bodyText.trim();
  if (text === '') return `empty response body (status ${statusCode})`;
  const looksLikeHtml = /^<(?:!doctype|html|head|body)/i.test(text);
  const excerpt = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return `${looksLikeHtml ? 'HTML' : 'unexpected'} response body (status ${statusCode})${excerpt === '' ? '' : `: ${excerpt}`}`;
}
