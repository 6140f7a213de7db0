package io.realtime.gateway.stream.council;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a model's score from its answer: the last {@code SCORE: N} line, N from 0 to 100. */
final class Answers {

    private static final Pattern SCORE = Pattern.compile("(?im)^[\\s*#_]*score[\\s*_]*[:=][\\s*_]*(\\d{1,3}(?:\\.\\d+)?)\\b.*$");
    private static final int MAX_RATIONALE = 4000;

    /** A model's score and its reasons. */
    record Verdict(double score, String rationale) {
    }

    private Answers() {
    }

    /** @return the verdict, or null when the answer holds no score line in range */
    static Verdict verdict(String answer) {
        Matcher m = SCORE.matcher(answer);
        int start = -1;
        int end = -1;
        String number = null;
        while (m.find()) {
            start = m.start();
            end = m.end();
            number = m.group(1);
        }
        if (number == null) {
            return null;
        }
        double score = Double.parseDouble(number);
        if (score < 0 || score > 100) {
            return null;
        }
        String rationale = (answer.substring(0, start) + answer.substring(end)).strip();
        if (rationale.length() > MAX_RATIONALE) {
            rationale = rationale.substring(0, MAX_RATIONALE) + "…";
        }
        return new Verdict(score, rationale);
    }
}
