package io.realtime.gateway.stream.council;

/** What every model of an evaluation is asked: the instructions and the material. */
public record Prompt(String system, String user) {
}
