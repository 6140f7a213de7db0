package io.realtime.gateway.event;

/**
 * Client text made safe for a log line (DESIGN §7): control characters (CR, LF, tab, the rest of
 * C0 and C1, DEL) and the Unicode line and paragraph separators are written as escapes, so a channel
 * name, op, id or type holding {@code "\n[AUDIT   ] ..."} cannot start a forged line of its own in
 * {@code messages.log}, and a long value is cut. Every log line that carries what a client sent
 * goes through here.
 */
public final class LogText {

    /** Longer client text is cut: a log line is for a person, not a copy of the request. */
    public static final int MAX_CHARS = 200;

    private LogText() {
    }

    /** @return the text with control characters escaped, at most {@link #MAX_CHARS} of it; "null" for null */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            String escaped = escaped(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(n + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        String result = out == null ? text.substring(0, n) : out.toString();
        return text.length() > MAX_CHARS ? result + "…" : result;
    }

    private static String escaped(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
