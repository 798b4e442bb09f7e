package io.replicarouter.spring.it.consistency;

import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

import java.util.concurrent.CompletableFuture;

/** {@code @Async} reads on Boot's auto-configured executor. */
@Service
public class AsyncItems {

    private final Items items;

    public AsyncItems(Items items) {
        this.items = items;
    }

    @Async
    public CompletableFuture<String> count(String name) {
        return CompletableFuture.completedFuture(items.count(name) + "@" + Thread.currentThread().getName());
    }
}
