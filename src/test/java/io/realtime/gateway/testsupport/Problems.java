package io.realtime.gateway.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

/** What every refusal of the HTTP API must look like (RFC 9457, DESIGN §3). */
public final class Problems {

    /** A Java stack frame or exception class name: none may reach a client. */
    private static final Pattern LEAK = Pattern.compile(
            "\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|Exception\\b|java\\.|jakarta\\.|org\\.jboss|com\\.ibm");

    private Problems() {
    }

    /**
     * Asserts a problem document with this status and returns it.
     *
     * @param code the {@code code} member expected, or null to accept any
     */
    public static JsonObject assertProblem(HttpResponse<String> r, int status, String code) {
        String where = r.request().method() + " " + r.request().uri() + " -> " + r.statusCode() + " " + r.body();
        assertEquals(status, r.statusCode(), where);
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        assertTrue(contentType.startsWith("application/problem+json"), "Content-Type " + contentType + ": " + where);
        assertFalse(LEAK.matcher(r.body()).find(), "internals leaked: " + where);
        JsonObject problem = GatewayHttp.json(r.body());
        assertEquals(status, problem.getInt("status"), where);
        assertTrue(problem.containsKey("title") && problem.containsKey("type"), where);
        if (code != null) {
            assertEquals(code, problem.getString("code"), where);
        }
        return problem;
    }
}
