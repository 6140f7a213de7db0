package io.realtime.gateway.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text exposition (format 0.0.4) read strictly: every sample line must parse, every
 * {@code # TYPE} is kept. Samples are keyed by name and labels ({@code mp_scope} left out, labels
 * sorted): {@code gateway_events_dropped_total{reason="slow"}}.
 */
public final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+-?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    private final Map<String, Double> samples = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    private PrometheusText() {
    }

    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).trim().split("\\s+");
                p.types.put(parts[0], parts[1]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.trim());
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                int at = 0;
                while (l.find()) {
                    if (l.start() != at) {
                        throw new AssertionError("bad labels in: " + line);
                    }
                    labels.put(l.group(1), l.group(2));
                    at = l.end();
                }
                if (at != m.group(2).length()) {
                    throw new AssertionError("bad labels in: " + line);
                }
            }
            labels.remove("mp_scope");
            String value = m.group(3);
            double v = switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(value);
            };
            p.samples.put(key(m.group(1), labels), v);
            p.names.add(m.group(1));
        }
        return p;
    }

    /** {@code name{k="v",...}} with labels sorted; alternating label names and values. */
    public static String key(String name, String... labels) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return key(name, map);
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    /** The sample's value; fails when there is no such sample. */
    public double value(String name, String... labels) {
        Double v = samples.get(key(name, labels));
        if (v == null) {
            throw new AssertionError("no sample " + key(name, labels) + " in the scrape; have: "
                    + new TreeMap<>(samples).keySet());
        }
        return v;
    }

    /** The sample's value, or 0 when absent (a labelled counter not yet incremented). */
    public double valueOrZero(String name, String... labels) {
        return samples.getOrDefault(key(name, labels), 0.0);
    }

    public String type(String family) {
        return types.get(family);
    }

    /** Whether any sample has this metric name (any labels). */
    public boolean has(String name) {
        return names.contains(name);
    }

    /** The samples of one metric name, by key. */
    public Map<String, Double> samples(String name) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            if (k.equals(name) || k.startsWith(name + "{")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
