package io.replicarouter.spring.it.consistency;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** Writes, then answers in each way a servlet response commits; reads counts. */
@Controller
public class ItemsController {

    private final Items items;
    private final AsyncItems async;
    private final AnnotatedReads annotated;

    public ItemsController(Items items, AsyncItems async, AnnotatedReads annotated) {
        this.items = items;
        this.async = async;
        this.annotated = annotated;
    }

    /** Post/Redirect/Get: the insert, then a redirect rendered by Spring MVC after the handler returned. */
    @PostMapping("/items")
    public String create(@RequestParam String name) {
        items.insert(name);
        return "redirect:/items?name=" + name;
    }

    @GetMapping("/items")
    @ResponseBody
    public String count(@RequestParam String name) {
        return Integer.toString(items.count(name));
    }

    /** The write happens in an annotated method's own scope; the request's read and token must still cover it. */
    @PostMapping("/annotated")
    @ResponseBody
    public String createInAnnotatedMethod(@RequestParam String name) {
        annotated.insertInOwnScope(name);
        return Integer.toString(items.count(name));
    }

    @PostMapping("/async")
    @ResponseBody
    public String createThenCountAsync(@RequestParam String name) throws InterruptedException, ExecutionException {
        items.insert(name);
        return async.count(name).get();
    }

    /** An async handler: the Callable runs on Boot's executor, the response is written in the async dispatch. */
    @PostMapping("/callable")
    @ResponseBody
    public Callable<String> createThenCountInCallable(@RequestParam String name) {
        items.insert(name);
        return () -> items.count(name) + "@" + Thread.currentThread().getName();
    }

    @PostMapping("/commit/redirect")
    public void redirect(@RequestParam String name, HttpServletResponse response) throws IOException {
        items.insert(name);
        response.sendRedirect("/items?name=" + name);
    }

    @PostMapping("/commit/error")
    public void error(@RequestParam String name, HttpServletResponse response) throws IOException {
        items.insert(name);
        response.sendError(409, "conflict");
    }

    @PostMapping("/commit/flush-buffer")
    public void flushBuffer(@RequestParam String name, HttpServletResponse response) throws IOException {
        items.insert(name);
        response.getWriter().write("flushed");
        response.flushBuffer();
        response.getWriter().write(" and more");
    }

    @PostMapping("/commit/writer-flush")
    public void writerFlush(@RequestParam String name, HttpServletResponse response) throws IOException {
        items.insert(name);
        PrintWriter writer = response.getWriter();
        writer.print("flushed");
        writer.flush();
    }

    @PostMapping("/commit/large-body")
    public void largeBody(@RequestParam String name, HttpServletResponse response) throws IOException {
        items.insert(name);
        ServletOutputStream out = response.getOutputStream();
        byte[] chunk = "0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 64; i++) { // 64 KiB, several times the container's buffer
            out.write(chunk);
        }
    }

    @PostMapping("/commit/content-length")
    public void contentLength(@RequestParam String name, HttpServletResponse response) throws IOException {
        items.insert(name);
        response.setContentLength(2);
        response.getOutputStream().write(new byte[]{'o', 'k'});
        response.getOutputStream().write(new byte[0]);
    }

    /** Not covered, by design: the write comes after the response committed. */
    @PostMapping("/commit/write-after-commit")
    public void writeAfterCommit(@RequestParam String name, HttpServletResponse response) throws IOException {
        response.getWriter().write("committed first");
        response.flushBuffer();
        items.insert(name);
    }
}
