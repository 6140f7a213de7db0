package io.realtime.gateway.event;

/** Sizes of text as it goes on the wire, counted without encoding it. */
public final class Utf8 {

    private Utf8() {
    }

    /** Bytes {@code s} takes in UTF-8 (a surrogate pair counts 2 + 2, its 4 bytes). */
    public static long length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /** Whether {@code s} is over {@code bytes} in UTF-8, counting only when its length leaves it open. */
    public static boolean longerThan(CharSequence s, long bytes) {
        if (s.length() > bytes) {
            return true;
        }
        return (long) s.length() * 3 > bytes && length(s) > bytes;
    }
}
