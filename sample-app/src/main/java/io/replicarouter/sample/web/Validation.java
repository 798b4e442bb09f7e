package io.replicarouter.sample.web;

/** Checks of posted text; each returns the message to show, or {@code null} when the input is fine. */
final class Validation {

    static final int MAX_TITLE = 200;
    static final int MAX_BODY = 20_000;

    private Validation() {
    }

    static String topic(String title, String body) {
        if (title == null || title.isBlank()) {
            return "A topic needs a title.";
        }
        if (title.strip().length() > MAX_TITLE) {
            return "A title has at most " + MAX_TITLE + " characters.";
        }
        return body(body);
    }

    static String body(String body) {
        if (body == null || body.isBlank()) {
            return "The text is empty.";
        }
        if (body.strip().length() > MAX_BODY) {
            return "A text has at most " + MAX_BODY + " characters.";
        }
        return null;
    }
}
