package io.realtime.gateway.routes;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.LimitException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, read with a bound before any of it is parsed
 * (a body announced longer than the bound is refused unread; one that turns out longer, chunked or
 * not, is refused at the first byte past it), and decoded as UTF-8 unless its {@code Content-Type}
 * names another charset. Browsers and curl send forms without a charset; the servlet's default
 * for them is ISO-8859-1, which turns "Café €3" into "CafÃ© â¬3".
 */
final class FormBody {

    private final Map<String, List<String>> fields;

    private FormBody(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /**
     * @throws LimitException        {@code too_large} (413, limit {@code body_size}) past {@code maxBytes}
     * @throws InvalidInputException {@code bad_request} for a malformed escape, 415 for an unknown charset
     */
    static FormBody read(HttpServletRequest request, InputStream body, int maxBytes) {
        long announced = request.getContentLengthLong();
        if (announced > maxBytes) {
            throw tooLarge(announced + " bytes announced", maxBytes);
        }
        Charset charset = charset(request.getContentType());
        byte[] bytes;
        try {
            bytes = readAtMost(body, maxBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes == null) {
            throw tooLarge("more than " + maxBytes + " bytes sent", maxBytes);
        }
        return new FormBody(parse(new String(bytes, StandardCharsets.ISO_8859_1), charset));
    }

    /** The field's first value, or null. */
    String first(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of the field (repeated fields), empty when it is absent. */
    List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** @return the bytes, or null when there are more than {@code max} */
    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192));
        byte[] buffer = new byte[8192];
        int total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static Charset charset(String contentType) {
        if (contentType != null) {
            for (String param : contentType.split(";")) {
                String p = param.trim();
                if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                    String name = p.substring("charset=".length()).trim().replace("\"", "");
                    try {
                        return Charset.forName(name);
                    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                        throw new InvalidInputException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                                "Unknown charset '" + name + "': send the form as UTF-8");
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** The body is ASCII by the format's rules (anything else is percent-encoded), so Latin-1 keeps every byte as it was. */
    private static Map<String, List<String>> parse(String body, Charset charset) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), charset);
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static String decode(String s, Charset charset) {
        try {
            // Raw non-ASCII bytes (a client that did not percent-encode) are re-read in the charset too.
            return URLDecoder.decode(new String(s.getBytes(StandardCharsets.ISO_8859_1), charset), charset);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "The form holds a malformed %-escape");
        }
    }

    private static LimitException tooLarge(String what, int maxBytes) {
        return new LimitException("body_size", ErrorCode.TOO_LARGE,
                "The form is too large (" + what + "); at most " + maxBytes + " bytes (gateway.council.max-form-bytes)");
    }
}
