/**
 * Text to lines, incrementally. A line ends at CR, LF or CRLF, as the SSE standard says, including a CRLF
 * whose CR ends one piece of text and whose LF starts the next. Only the unfinished line is kept: text
 * already scanned is never scanned again.
 */
export class LineSplitter {
  #pending = '';
  /** The last piece ended with CR: a LF starting the next piece belongs to that terminator. */
  #skipLineFeed = false;

  /**
   * Calls `onLine` for every line `text` completes, without its terminator. Terminators are found with
   * `indexOf`, which the engine runs natively: a loop over every character cost about 3 ns a character, the
   * largest part of reading a stream's events.
   */
  push(text: string, onLine: (line: string) => void): void {
    const length = text.length;
    if (length === 0) return;
    let start = 0;
    if (this.#skipLineFeed) {
      this.#skipLineFeed = false;
      if (text.charCodeAt(0) === lineFeed) start = 1;
    }
    // The next of each terminator at or after `start` (-1: none left); most streams hold no CR at all.
    let nextLineFeed = text.indexOf('\n', start);
    let nextCarriageReturn = text.indexOf('\r', start);
    while (nextLineFeed !== -1 || nextCarriageReturn !== -1) {
      const isCarriageReturn = nextCarriageReturn !== -1 && (nextLineFeed === -1 || nextCarriageReturn < nextLineFeed);
      let index = isCarriageReturn ? nextCarriageReturn : nextLineFeed;
      const line = this.#pending.length === 0 ? text.slice(start, index) : this.#pending + text.slice(start, index);
      this.#pending = '';
      if (isCarriageReturn) {
        if (index + 1 === length) this.#skipLineFeed = true;
        else if (text.charCodeAt(index + 1) === lineFeed) index++;
      }
      start = index + 1;
      if (nextLineFeed !== -1 && nextLineFeed < start) nextLineFeed = text.indexOf('\n', start);
      if (nextCarriageReturn !== -1 && nextCarriageReturn < start) nextCarriageReturn = text.indexOf('\r', start);
      onLine(line);
    }
    if (start < length) this.#pending += text.slice(start);
  }

  /** Characters of the unfinished line held: what a line without end grows (see SseParser's bound). */
  get pendingLength(): number {
    return this.#pending.length;
  }

  /** The text after the last terminator, when the input ended inside a line. */
  end(): string | undefined {
    const rest = this.#pending;
    this.#pending = '';
    this.#skipLineFeed = false;
    return rest.length > 0 ? rest : undefined;
  }
}

const lineFeed = 10;
const carriageReturn = 13;
