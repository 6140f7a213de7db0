import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../lib/sse-parser.js';

function parse(chunks) {
  const events = [];
  const comments = [];
  const parser = new SseParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  for (const chunk of chunks) parser.push(chunk);
  return { events, comments };
}

const STREAM = ': connected\n\nevent: position\nid: 7-0\nretry: 3000\ndata: {"position":"7-0"}\n\nevent: bench\nid: 8-0\ndata: {"a":1}\n\n: ping\n\n';

test('a whole stream: events with type, id and data; comments apart', () => {
  const { events, comments } = parse([STREAM]);
  assert.deepEqual(events, [
    { event: 'position', id: '7-0', data: '{"position":"7-0"}' },
    { event: 'bench', id: '8-0', data: '{"a":1}' },
  ]);
  assert.deepEqual(comments, ['connected', 'ping']);
});

test('the same stream cut into every possible pair of chunks parses the same', () => {
  const whole = parse([STREAM]);
  for (let cut = 1; cut < STREAM.length; cut++) {
    assert.deepEqual(parse([STREAM.slice(0, cut), STREAM.slice(cut)]), whole, `cut at ${cut}`);
  }
});

test('one character at a time', () => {
  assert.deepEqual(parse([...STREAM]), parse([STREAM]));
});

test('multi-line data is joined with newlines', () => {
  const { events } = parse(['data: line one\ndata: line two\ndata:\n\n']);
  assert.equal(events[0].data, 'line one\nline two\n');
  assert.equal(events[0].event, 'message');
});

test('CRLF and CR line ends, including a CRLF split across chunks', () => {
  const { events } = parse(['event: x\r\ndata: 1\r', '\n\r', '\ndata: 2\r\r']);
  assert.deepEqual(events, [
    { event: 'x', id: '', data: '1' },
    { event: 'message', id: '', data: '2' },
  ]);
});

test('an event without data is not dispatched, and the type does not leak into the next', () => {
  const { events } = parse(['event: lonely\n\ndata: x\n\n']);
  assert.deepEqual(events, [{ event: 'message', id: '', data: 'x' }]);
});

test('the id persists until changed; a field with no colon and a value with no space', () => {
  const { events } = parse(['id: 1\ndata:a\n\ndata\n\nid:2\ndata: b\n\n']);
  assert.deepEqual(events.map((e) => [e.id, e.data]), [['1', 'a'], ['1', ''], ['2', 'b']]);
});

test('an unfinished event waits for its blank line', () => {
  const { events } = parse(['data: half']);
  assert.equal(events.length, 0);
});
