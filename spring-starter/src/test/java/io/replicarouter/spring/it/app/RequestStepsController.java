package io.replicarouter.spring.it.app;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** One request that runs several transactions in a row: where each ran, one {@code step=value} per line. */
@RestController
class RequestStepsController {

    private final RequestSteps steps;

    RequestStepsController(RequestSteps steps) {
        this.steps = steps;
    }

    /** Read-only, read-write, read-only again once the replicas caught up, then a read without transaction. */
    @PostMapping("/steps/mixed")
    String mixed(@RequestParam String text) {
        String first = steps.readOnly();
        String write = steps.write(text);
        steps.awaitReplicas();
        return "readOnly=" + first + "\nwrite=" + write + "\nreadOnlyAfter=" + steps.countInReadOnly(text)
                + "\nnoTransaction=" + steps.countWithoutTransaction(text) + "\n";
    }

    /** A write, then the same request reads it back at once (the test pauses replay on every replica first). */
    @PostMapping("/steps/read-your-write")
    String readYourWrite(@RequestParam String text) {
        String write = steps.write(text);
        return "write=" + write + "\nreadOnlyAfter=" + steps.countInReadOnly(text)
                + "\nnoTransaction=" + steps.countWithoutTransaction(text) + "\n";
    }
}
