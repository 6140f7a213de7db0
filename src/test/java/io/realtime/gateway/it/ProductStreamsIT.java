package io.realtime.gateway.it;

import static io.realtime.gateway.testsupport.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The product streams (DESIGN §10) through the seed's routes on the build-started server: what a
 * worker publishes goes in over HTTP or WebSocket, what the gateway derived comes out over SSE.
 */
class ProductStreamsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();

    private static String id(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static SseTestClient stream(String path) throws Exception {
        SseTestClient client = SseTestClient.connect(HTTP.uri(path));
        assertEquals(200, client.status());
        return client;
    }

    private static String frame(long frame, long total, long atMs) {
        return "{\"stage\":\"render\",\"frame\":" + frame + ",\"totalFrames\":" + total + ",\"timestamp\":" + atMs + "}";
    }

    @Test
    void jobFramesInProgressFpsAndEtaOutAndTheStreamEndsWithTheJob() throws Exception {
        String job = id("job");
        try (SseTestClient sse = stream("/api/stream/render-progress/" + job)) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            HTTP.publish("job:" + job, "job_progress", frame(10, 100, 1_000_000));
            HTTP.publish("job:" + job, "job_progress", frame(20, 100, 1_000_500));
            HTTP.publish("job:" + job, "job_progress", frame(30, 100, 1_001_000));
            List<SseFrame> frames = sse.events("job_progress", 3, WAIT);
            JsonObject first = frames.get(0).json().getJsonObject("data");
            assertEquals(job, first.getString("jobId"));
            assertEquals("processing", first.getString("status"));
            assertEquals(0.1, first.getJsonNumber("progress").doubleValue(), 1e-12);
            assertTrue(first.isNull("fps"), "one frame gives no rate: " + first);
            assertTrue(first.isNull("etaSeconds"));
            JsonObject third = frames.get(2).json().getJsonObject("data");
            // 20 frames in 1 s: 20 fps; 70 frames left: 3.5 s
            assertEquals(20.0, third.getJsonNumber("fps").doubleValue(), 1e-9);
            assertEquals(3.5, third.getJsonNumber("etaSeconds").doubleValue(), 1e-9);
            assertEquals(0.3, third.getJsonNumber("progress").doubleValue(), 1e-12);
            assertEquals("render", third.getString("stage"));

            HTTP.publish("job:" + job, "job_completed", "{\"outputUrl\":\"https://cdn.example/" + job + ".mp4\"}");
            JsonObject done = sse.events("job_completed", 1, WAIT).get(0).json().getJsonObject("data");
            assertEquals("completed", done.getString("status"));
            sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aRunningJobsStreamStartsWithItsStateAndAFinishedOnesIsItsLastEventThenTheEnd() throws Exception {
        String job = id("job");
        long t = 2_000_000;
        HTTP.publish("job:" + job, "job_progress", frame(1, 4, t));
        HTTP.publish("job:" + job, "job_progress", frame(2, 4, t + 1000));
        try (SseTestClient sse = stream("/api/stream/render-progress/" + job)) {
            List<SseFrame> opening = sse.until(f -> "position".equals(f.event()), WAIT);
            List<SseFrame> events = opening.stream().filter(f -> "job_progress".equals(f.event())).toList();
            assertEquals(1, events.size(), "only the current state: " + opening);
            assertEquals(2, events.get(0).json().getJsonObject("data").getInt("frame"));
            assertEquals(1.0, events.get(0).json().getJsonObject("data").getJsonNumber("fps").doubleValue(), 1e-9);
        }
        // Over WebSocket, the same derivation.
        URI ws = URI.create(HTTP.uri("/ws").toString().replaceFirst("^http", "ws"));
        try (WsTestClient worker = WsTestClient.connect(ws)) {
            worker.send("{\"op\":\"publish\",\"channel\":\"job:" + job + "\",\"type\":\"job_failed\",\"data\":{\"error\":\"out of memory\"},\"ref\":\"1\"}");
            assertEquals("ack", worker.next(WAIT).getString("op"));
            worker.send("{\"op\":\"publish\",\"channel\":\"job:" + job + "\",\"type\":\"job_progress\",\"data\":{\"frame\":1},\"ref\":\"2\"}");
            JsonObject error = worker.next(WAIT);
            assertEquals("error", error.getString("op"));
            assertEquals("bad_data", error.getString("code"));
        }
        try (SseTestClient sse = stream("/api/stream/render-progress/" + job)) {
            SseFrame failed = sse.next(f -> f.event() != null && f.event().startsWith("job_"), WAIT);
            assertEquals("job_failed", failed.event());
            assertEquals("out of memory", failed.json().getJsonObject("data").getString("error"));
            sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void badJobInputIsRefusedWithAProblem() {
        String channel = "/api/channels/job:" + id("bad") + "/events";
        assertProblem(HTTP.post(channel, "application/json", "{\"type\":\"job_progress\",\"data\":{\"frame\":5,\"totalFrames\":4}}"), 422, "bad_data");
        assertProblem(HTTP.post(channel, "application/json", "{\"type\":\"job_progress\",\"data\":{\"frame\":-1,\"totalFrames\":4}}"), 422, "bad_data");
        assertProblem(HTTP.post(channel, "application/json", "{\"type\":\"job_progress\",\"data\":{\"jobId\":\"other\",\"frame\":1,\"totalFrames\":4}}"), 422, "bad_data");
        assertProblem(HTTP.post(channel, "application/json", "{\"type\":\"job_failed\",\"data\":{}}"), 422, "bad_data");
        assertProblem(HTTP.get("/api/stream/render-progress/bad%20id"), 400, "bad_channel");
    }

    @Test
    void campaignMetricsDeriveRatesAndDeltasWithNullRatesOnZeroDivisors() throws Exception {
        String campaign = id("c");
        String channel = "campaign:" + campaign;
        HTTP.publish(channel, "metrics_update", "{\"impressions\":0,\"clicks\":0,\"spend\":0,\"conversions\":0}");
        HTTP.publish(channel, "metrics_update", "{\"impressions\":1000,\"clicks\":20,\"spend\":50,\"conversions\":2}");
        try (SseTestClient sse = stream("/api/stream/campaign-metrics/" + campaign)) {
            List<SseFrame> opening = sse.until(f -> "position".equals(f.event()), WAIT);
            List<SseFrame> snapshot = opening.stream().filter(f -> "metrics_update".equals(f.event())).toList();
            assertEquals(1, snapshot.size(), "the latest snapshot first: " + opening);
            JsonObject m = snapshot.get(0).json().getJsonObject("data").getJsonObject("metrics");
            assertFigure(m, "impressions", 1000.0, 1000.0, "up");
            assertFigure(m, "ctr", 0.02, null, null); // no CTR before: no delta
            assertFigure(m, "cpc", 2.5, null, null);
            assertFigure(m, "cpm", 50.0, null, null);
            assertFigure(m, "conversionRate", 0.1, null, null);

            HTTP.publish(channel, "metrics_update", "{\"campaignId\":\"" + campaign
                    + "\",\"impressions\":2000,\"clicks\":30,\"spend\":90,\"conversions\":2}");
            JsonObject data = sse.events("metrics_update", 1, WAIT).get(0).json().getJsonObject("data");
            assertEquals(campaign, data.getString("campaignId"));
            JsonObject live = data.getJsonObject("metrics");
            assertFigure(live, "clicks", 30.0, 10.0, "up");
            assertFigure(live, "conversions", 2.0, 0.0, "flat");
            assertFigure(live, "ctr", 0.015, 0.015 - 0.02, "down");
            assertFigure(live, "cpc", 3.0, 0.5, "up");
            assertFigure(live, "cpm", 45.0, -5.0, "down");
            assertFigure(live, "conversionRate", 2.0 / 30, 2.0 / 30 - 0.1, "down");
        }
        String first = "campaign:" + id("c");
        HTTP.publish(first, "metrics_update", "{\"impressions\":0,\"clicks\":0,\"spend\":0,\"conversions\":0}");
        assertProblem(HTTP.post("/api/channels/" + first + "/events", "application/json",
                "{\"type\":\"metrics_update\",\"data\":{\"impressions\":1,\"clicks\":0,\"spend\":-1,\"conversions\":0}}"), 422, "bad_data");
    }

    /**
     * A batch refused for one bad item moves no stream's state (DESIGN §10): sent again, mended, its
     * campaign update is compared with the campaign's real previous figures, and its job frame is the
     * job's first. Before, the refused batch had already made its figures the previous ones (delta 0,
     * "flat") and put its frame in the job's window (a rate from one frame).
     */
    @Test
    void aRefusedBatchMovesNoStreamsStateAndTheMendedOneDerivesAsIfItNeverCame() throws Exception {
        String campaign = "campaign:" + id("c");
        String job = id("job");
        HTTP.publish(campaign, "metrics_update", "{\"impressions\":1000,\"clicks\":10,\"spend\":5,\"conversions\":1}");
        GatewayHttp.Item update = new GatewayHttp.Item(campaign, "metrics_update",
                "{\"impressions\":1500,\"clicks\":30,\"spend\":8,\"conversions\":1}");
        GatewayHttp.Item firstFrame = new GatewayHttp.Item("job:" + job, "job_progress", frame(10, 100, 2_000_000));
        GatewayHttp.Item bad = new GatewayHttp.Item("job:" + job, "job_progress", frame(5, 4, 2_000_500));
        GatewayHttp.Item mended = new GatewayHttp.Item("job:" + job, "job_progress", frame(20, 100, 2_001_000));
        assertProblem(HTTP.post("/api/events", "application/json",
                GatewayHttp.batchJson(List.of(update, firstFrame, bad))), 422, "bad_data");

        try (SseTestClient campaignStream = stream("/api/stream/campaign-metrics/" + campaign.substring("campaign:".length()));
             SseTestClient jobStream = stream("/api/stream/render-progress/" + job)) {
            campaignStream.next(f -> "position".equals(f.event()), WAIT);
            jobStream.next(f -> "position".equals(f.event()), WAIT);
            HttpResponse<String> sent = HTTP.post("/api/events", "application/json",
                    GatewayHttp.batchJson(List.of(update, firstFrame, mended)));
            assertEquals(202, sent.statusCode(), sent.body());

            JsonObject m = campaignStream.events("metrics_update", 1, WAIT).get(0).json().getJsonObject("data")
                    .getJsonObject("metrics");
            assertFigure(m, "impressions", 1500.0, 500.0, "up");
            assertFigure(m, "clicks", 30.0, 20.0, "up");
            List<SseFrame> frames = jobStream.events("job_progress", 2, WAIT);
            assertTrue(frames.get(0).json().getJsonObject("data").isNull("fps"),
                    "the first frame the job has: no rate yet: " + frames.get(0).json());
            // 10 frames in 1 s, from its own two frames alone
            assertEquals(10.0, frames.get(1).json().getJsonObject("data").getJsonNumber("fps").doubleValue(), 1e-9);
        }
    }

    @Test
    void theFirstUpdateOfACampaignIsFlatWithNullRates() throws Exception {
        String campaign = id("c");
        try (SseTestClient sse = stream("/api/stream/campaign-metrics/" + campaign)) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            HTTP.publish("campaign:" + campaign, "metrics_update", "{\"impressions\":500,\"clicks\":0,\"spend\":10,\"conversions\":0}");
            JsonObject m = sse.events("metrics_update", 1, WAIT).get(0).json().getJsonObject("data").getJsonObject("metrics");
            assertFigure(m, "impressions", 500.0, 0.0, "flat");
            assertFigure(m, "cpm", 20.0, 0.0, "flat");
            assertFigure(m, "cpc", null, null, null);
            assertFigure(m, "conversionRate", null, null, null);
        }
    }

    private static void assertFigure(JsonObject metrics, String name, Double value, Double delta, String direction) {
        JsonObject f = metrics.getJsonObject(name);
        assertTrue(f.containsKey("value") && f.containsKey("delta") && f.containsKey("direction"), name + ": " + f);
        if (value == null) {
            assertTrue(f.isNull("value"), name + ": " + f);
        } else {
            assertEquals(value, f.getJsonNumber("value").doubleValue(), 1e-9, name);
        }
        if (delta == null) {
            assertTrue(f.isNull("delta"), name + ": " + f);
        } else {
            assertEquals(delta, f.getJsonNumber("delta").doubleValue(), 1e-9, name);
        }
        if (direction == null) {
            assertTrue(f.isNull("direction"), name + ": " + f);
        } else {
            assertEquals(direction, f.getString("direction"), name);
        }
    }

    /** The textbook example of TwoProportionTestTest, reached in two steps through the route. */
    @Test
    void anAbTestCrossesSignificanceAndNamesItsWinner() throws Exception {
        String test = id("t");
        String channel = "abtest:" + test;
        HTTP.publish(channel, "ab_test_update", "{\"variants\":[{\"name\":\"A\",\"exposures\":500,\"conversions\":50},"
                + "{\"name\":\"B\",\"exposures\":500,\"conversions\":60}]}");
        try (SseTestClient sse = stream("/api/stream/ab-test-results/" + test)) {
            JsonObject early = sse.events("ab_test_update", 1, WAIT).get(0).json().getJsonObject("data");
            assertTrue(early.isNull("winner"), early.toString());
            assertFalse(early.getJsonArray("variants").getJsonObject(1).getBoolean("significant"));
            HTTP.publish(channel, "ab_test_update", "{\"testId\":\"" + test + "\",\"variants\":[{\"name\":\"A\",\"exposures\":1000,\"conversions\":100},"
                    + "{\"name\":\"B\",\"exposures\":1000,\"conversions\":130}]}");
            JsonObject later = sse.events("ab_test_update", 1, WAIT).get(0).json().getJsonObject("data");
            assertEquals("B", later.getString("winner"));
            JsonObject b = later.getJsonArray("variants").getJsonObject(1);
            assertEquals(0.13, b.getJsonNumber("rate").doubleValue(), 1e-12);
            assertEquals(0.3, b.getJsonNumber("lift").doubleValue(), 1e-9);
            assertEquals(0.03549, b.getJsonNumber("pValue").doubleValue(), 5e-5);
            assertEquals(0.00207, b.getJsonArray("ci95").getJsonNumber(0).doubleValue(), 5e-5);
            assertEquals(0.05793, b.getJsonArray("ci95").getJsonNumber(1).doubleValue(), 5e-5);
            assertTrue(b.getBoolean("significant"));
            JsonObject a = later.getJsonArray("variants").getJsonObject(0);
            assertTrue(a.isNull("pValue") && a.isNull("lift"), a.toString());
        }
        assertProblem(HTTP.post("/api/channels/" + channel + "/events", "application/json",
                "{\"type\":\"ab_test_update\",\"data\":{\"variants\":[{\"name\":\"A\",\"exposures\":5,\"conversions\":6}]}}"), 422, "bad_data");
        assertProblem(HTTP.post("/api/channels/" + channel + "/events", "application/json",
                "{\"type\":\"ab_test_update\",\"data\":{\"variants\":[]}}"), 422, "bad_data");
    }

    @Test
    void anAlertFiresOncePerCrossing() throws Exception {
        String user = id("u");
        String campaign = id("c");
        HttpResponse<String> created = HTTP.post("/api/alerts/rules", "application/json",
                "{\"userId\":\"" + user + "\",\"campaignId\":\"" + campaign
                        + "\",\"metric\":\"cpc\",\"operator\":\"above\",\"threshold\":5.00,\"severity\":\"critical\"}");
        assertEquals(201, created.statusCode(), created.body());
        String ruleId = GatewayHttp.json(created.body()).getString("id");
        JsonObject listed = GatewayHttp.json(HTTP.get("/api/alerts/rules?userId=" + user).body());
        assertEquals(ruleId, listed.getJsonArray("rules").getJsonObject(0).getString("id"));

        try (SseTestClient sse = SseTestClient.connect(HTTP.uri("/api/stream?channel=alerts:" + user))) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            // cpc = spend / clicks: 4, 6 (crosses), 7 (still over), 3 (back), 5.5 (crosses again)
            double[] spends = {40, 60, 70, 30, 55};
            for (double spend : spends) {
                HTTP.publish("campaign:" + campaign, "metrics_update",
                        "{\"impressions\":1000,\"clicks\":10,\"spend\":" + spend + ",\"conversions\":1}");
            }
            HTTP.publish("alerts:" + user, "marker", "{}");
            List<SseFrame> frames = sse.until(f -> "marker".equals(f.event()), WAIT);
            List<JsonObject> alerts = frames.stream().filter(f -> "alert".equals(f.event()))
                    .map(f -> f.json().getJsonObject("data")).toList();
            assertEquals(2, alerts.size(), "one alert per crossing: " + alerts);
            assertEquals(6.0, alerts.get(0).getJsonNumber("value").doubleValue(), 1e-9);
            assertEquals(5.5, alerts.get(1).getJsonNumber("value").doubleValue(), 1e-9);
            JsonObject alert = alerts.get(0);
            assertEquals("critical", alert.getString("severity"));
            assertEquals("CPC above 5.00", alert.getString("title"));
            assertTrue(alert.getString("message").contains("6.00"), alert.getString("message"));
            assertEquals("/campaigns/" + campaign, alert.getJsonObject("action").getString("href"));
            assertFalse(alert.getJsonObject("action").getString("label").isBlank());
        }
        assertEquals(204, HTTP.request("DELETE", "/api/alerts/rules/" + ruleId, null, null).statusCode());
        assertProblem(HTTP.request("DELETE", "/api/alerts/rules/" + ruleId, null, null), 404, "not_found");
        assertEquals(0, GatewayHttp.json(HTTP.get("/api/alerts/rules?userId=" + user).body()).getJsonArray("rules").size());
        assertProblem(HTTP.post("/api/alerts/rules", "application/json",
                "{\"userId\":\"" + user + "\",\"campaignId\":\"c\",\"metric\":\"roas\",\"operator\":\"above\",\"threshold\":1}"), 422, "bad_data");
        assertProblem(HTTP.post("/api/alerts/rules", "application/json", "{\"userId\":"), 400, "bad_json");
    }
}
