package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What Linux and the JVM say about a process the test started: its threads and open file
 * descriptors ({@code /proc/<pid>/task}, {@code /proc/<pid>/fd}) and its live heap after a full
 * collection ({@code jcmd <pid> GC.class_histogram}, which collects first and counts what is left),
 * and whether its threads are deadlocked: the JVM's own check in a thread dump
 * ({@code jcmd <pid> Thread.print}, the same as {@code ThreadMXBean.findDeadlockedThreads}: monitors
 * and ownable synchronizers), which any test holding a gateway's pid can run after its traffic.
 */
public final class ProcessProbe {

    private final long pid;

    public ProcessProbe(long pid) {
        this.pid = pid;
    }

    public int threads() {
        return count(Path.of("/proc", Long.toString(pid), "task"));
    }

    public int openFiles() {
        return count(Path.of("/proc", Long.toString(pid), "fd"));
    }

    /** Bytes of live objects after a full GC: the "Total" line of a class histogram. */
    public long liveHeapBytes() {
        String out = jcmd("GC.class_histogram");
        List<String> lines = out.lines().filter(l -> l.trim().startsWith("Total")).toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("no Total line from jcmd " + pid + " GC.class_histogram:\n"
                    + out.lines().limit(20).toList());
        }
        String[] fields = lines.get(lines.size() - 1).trim().split("\\s+");
        return Long.parseLong(fields[fields.length - 1]);
    }

    /**
     * The JVM's report of a Java-level deadlock among the process's threads (the "Found one
     * Java-level deadlock" section of a thread dump, with the threads' stacks), or null when none.
     */
    public String deadlock() {
        String dump = jcmd("Thread.print", "-l");
        int at = dump.indexOf("Java-level deadlock");
        if (at < 0) {
            return null;
        }
        return dump.substring(Math.max(0, dump.lastIndexOf('\n', at)));
    }

    /** Every thread's stack and the locks it holds ({@code jcmd <pid> Thread.print -l}). */
    public String threadDump() {
        return jcmd("Thread.print", "-l");
    }

    /** Fails with the JVM's report when the process's threads are deadlocked. */
    /** Thread names grouped (digits dropped) with their counts, the largest groups first: what a leak is made of. */
    public String threadGroups() {
        java.util.Map<String, Long> groups = jcmd("Thread.print").lines()
                .filter(l -> l.startsWith("\""))
                .map(l -> l.substring(1, Math.max(1, l.indexOf('"', 1))).replaceAll("[0-9]+", "#"))
                .collect(java.util.stream.Collectors.groupingBy(n -> n, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
        return groups.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(15).map(e -> e.getValue() + " " + e.getKey())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    public void assertNoDeadlock(String when) {
        String report = deadlock();
        if (report != null) {
            throw new AssertionError("gateway " + pid + " deadlocked " + when + ":\n" + report);
        }
    }

    private String jcmd(String... command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            List<String> line = new java.util.ArrayList<>(List.of(Files.exists(jcmd) ? jcmd.toString() : "jcmd",
                    Long.toString(pid)));
            line.addAll(List.of(command));
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + String.join(" ", command) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int count(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
