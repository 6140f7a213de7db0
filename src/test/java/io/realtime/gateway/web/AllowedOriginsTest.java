package io.realtime.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    @Test
    void emptyAllowsOnlyTheRequestsOwnOriginAndRequestsWithoutOne() {
        AllowedOrigins origins = new AllowedOrigins("");
        String own = AllowedOrigins.ownOrigin("http", "localhost:9080");
        assertTrue(origins.allows(null, own));
        assertTrue(origins.allows("http://localhost:9080", own));
        assertFalse(origins.allows("http://localhost:9081", own));
        assertFalse(origins.allows("https://localhost:9080", own), "another scheme is another origin");
        assertFalse(origins.allows("https://evil.example", own));
        assertFalse(origins.allows("null", own));
        assertFalse(origins.allows("http://localhost:9080", null), "no Host: nothing is the same origin");
    }

    @Test
    void ownOriginLeavesOutTheDefaultPortAsBrowsersDo() {
        assertEquals("https://gw.example", AllowedOrigins.ownOrigin("https", "GW.example:443"));
        assertEquals("http://gw.example", AllowedOrigins.ownOrigin("HTTP", "gw.example:80"));
        assertEquals("http://gw.example:443", AllowedOrigins.ownOrigin("http", "gw.example:443"));
        assertEquals("http://[::1]:9080", AllowedOrigins.ownOrigin("http", "[::1]:9080"));
    }

    @Test
    void listedOriginsAreExactAndStarAllowsAny() {
        AllowedOrigins origins = new AllowedOrigins(" https://app.example.com/ ,https://admin.example.com");
        String own = "http://gw.internal:9080";
        assertTrue(origins.allows("https://app.example.com", own));
        assertTrue(origins.allows("HTTPS://Admin.Example.com", own));
        assertTrue(origins.allows("http://gw.internal:9080", own), "its own pages stay allowed");
        assertFalse(origins.allows("http://app.example.com", own));
        assertFalse(origins.allows("https://app.example.com.evil.example", own));
        assertFalse(origins.allows("https://sub.app.example.com", own));

        assertTrue(new AllowedOrigins("*").allows("https://anything.example", own));
    }
}
