package io.replicarouter.internal.consistency;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consistency scopes open on each thread (innermost wins). While none is open anywhere, {@link #current()}
 * is one volatile read.
 */
public final class ScopeRegistry {

    private final AtomicInteger open = new AtomicInteger();
    private final ThreadLocal<ArrayDeque<ScopeState>> stacks = new ThreadLocal<>();

    public void push(ScopeState scope) {
        ArrayDeque<ScopeState> stack = stacks.get();
        if (stack == null) {
            stack = new ArrayDeque<>(2);
            stacks.set(stack);
        }
        stack.push(scope);
        open.incrementAndGet();
    }

    /** Removes {@code scope} (closed on this thread); returns false when it is not open on this thread. */
    public boolean pop(ScopeState scope) {
        ArrayDeque<ScopeState> stack = stacks.get();
        if (stack == null || !stack.remove(scope)) {
            return false;
        }
        open.decrementAndGet();
        if (stack.isEmpty()) {
            stacks.remove();
        }
        return true;
    }

    /** The innermost scope open on this thread, or {@code null}. */
    public ScopeState current() {
        if (open.get() == 0) {
            return null;
        }
        ArrayDeque<ScopeState> stack = stacks.get();
        return stack == null ? null : stack.peek();
    }
}
