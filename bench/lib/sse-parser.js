// A minimal text/event-stream parser (WHATWG HTML §9.2.6): fields `event`, `id`, `data` (joined with
// newlines), comments, and `retry` ignored. Fed decoded string chunks that may split anywhere, even
// between "\r" and "\n".

export class SseParser {
  // onEvent({ event, id, data }) for each dispatched event; onComment(text) for each `:` line.
  constructor({ onEvent, onComment = () => {} }) {
    this.onEvent = onEvent;
    this.onComment = onComment;
    this.buffer = '';
    this.skipLeadingLf = false;
    this.resetEvent();
  }

  resetEvent() {
    this.eventType = '';
    this.dataLines = null;
    this.lastId = this.lastId ?? '';
  }

  push(chunk) {
    let text = chunk;
    if (this.skipLeadingLf) {
      if (text.startsWith('\n')) text = text.slice(1);
      this.skipLeadingLf = false;
    }
    const buf = this.buffer.length ? this.buffer + text : text;
    // A native search for the next line end: this loop runs for every line of every subscriber.
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    let match;
    while ((match = lineEnd.exec(buf)) !== null) {
      // "\r" as the chunk's last character: a "\n" opening the next chunk belongs to the same line end.
      if (match[0] === '\r' && match.index === buf.length - 1) this.skipLeadingLf = true;
      this.line(buf.slice(start, match.index));
      start = lineEnd.lastIndex;
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
  }

  line(line) {
    if (line.length === 0) {
      if (this.dataLines !== null) {
        this.onEvent({ event: this.eventType || 'message', id: this.lastId, data: this.dataLines.join('\n') });
      }
      this.eventType = '';
      this.dataLines = null;
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      this.onComment(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        if (this.dataLines === null) this.dataLines = [value];
        else this.dataLines.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        break; // retry and unknown fields: nothing to measure
    }
  }
}
