package io.realtime.gateway.stream.council;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the council is asked. Every model gets the same instructions and must end its answer with
 * a {@code SCORE: N} line (0 to 100), which is how its score is read: a model that gives none has
 * failed, rather than being given a number it did not say.
 */
public final class CouncilPrompts {

    private static final String ANSWER_FORMAT = " Give your reasons in at most five sentences, then end your answer"
            + " with one line of the form 'SCORE: N', where N is a whole number from 0 (worst) to 100 (best).";

    private CouncilPrompts() {
    }

    /** {@code /api/stream/council-score}: a short-form video ad, from its URL, transcript and features. */
    public static Prompt videoScore(String videoUrl, String transcript, List<String> features, int maxChars) {
        List<String> feats = features == null ? List.of() : features.stream()
                .flatMap(f -> java.util.Arrays.stream(f.split(","))).map(String::strip).filter(f -> !f.isEmpty()).toList();
        if (blank(videoUrl) && blank(transcript)) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "Give 'videoUrl' or 'transcript' (or both)");
        }
        StringBuilder user = new StringBuilder();
        line(user, "Video URL", videoUrl);
        if (!feats.isEmpty()) {
            line(user, "Features", String.join(", ", feats));
        }
        line(user, "Transcript", transcript == null ? null : "\n" + transcript.strip());
        check(user, maxChars);
        return new Prompt("You are one member of a council of reviewers that scores short-form video ads for how likely"
                + " they are to perform: the strength of the hook in the first seconds, the clarity of the message,"
                + " pacing, and the call to action. You cannot watch the video: judge from the transcript and the"
                + " features listed." + ANSWER_FORMAT, user.toString());
    }

    /** {@code /api/stream/evaluate-creative}: one ad creative. */
    public static Prompt creative(String creativeUrl, String headline, String text, String audience, int maxChars) {
        if (blank(creativeUrl) && blank(headline) && blank(text)) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "Give at least one of 'creativeUrl', 'headline', 'text'");
        }
        StringBuilder user = new StringBuilder();
        line(user, "Creative URL", creativeUrl);
        line(user, "Headline", headline);
        line(user, "Audience", audience);
        line(user, "Body text", text == null ? null : "\n" + text.strip());
        check(user, maxChars);
        return new Prompt("You are one member of a council of reviewers that scores a single ad creative before it"
                + " runs: whether the headline stops the scroll, whether the copy is clear and credible, whether"
                + " it fits the stated audience, and whether it complies with common ad policies. You cannot see"
                + " images: judge from the text given." + ANSWER_FORMAT, user.toString());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void line(StringBuilder out, String label, String value) {
        if (!blank(value)) {
            out.append(label).append(": ").append(value.strip().isEmpty() ? value : value.stripTrailing()).append('\n');
        }
    }

    private static void check(StringBuilder user, int maxChars) {
        if (user.length() > maxChars) {
            throw new InvalidInputException(ErrorCode.TOO_LARGE,
                    "The input is " + user.length() + " characters; at most " + maxChars + " (gateway.council.max-input-chars)");
        }
    }
}
