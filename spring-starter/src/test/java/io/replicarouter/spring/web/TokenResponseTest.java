package io.replicarouter.spring.web;

import jakarta.servlet.ServletOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each way a response commits runs the hook once, before the commit: the hook records whether the response was
 * still uncommitted when it ran, and adds a header (which a committed response would not keep).
 */
class TokenResponseTest {

    private final MockHttpServletResponse target = new MockHttpServletResponse();
    private final List<Boolean> committedWhenRun = new ArrayList<>();
    private final TokenResponse response = new TokenResponse(target, () -> {
        committedWhenRun.add(target.isCommitted());
        target.setHeader("X-Token", "t");
    });

    private void ranOnceBeforeTheCommit() {
        assertThat(committedWhenRun).containsExactly(false);
        assertThat(target.getHeader("X-Token")).isEqualTo("t");
    }

    @Test
    void sendRedirect() throws IOException {
        response.sendRedirect("/next");
        assertThat(target.isCommitted()).isTrue();
        assertThat(target.getRedirectedUrl()).isEqualTo("/next");
        ranOnceBeforeTheCommit();
    }

    @Test
    void sendRedirectWithAStatus() throws IOException {
        response.sendRedirect("/next", 303);
        ranOnceBeforeTheCommit();
        assertThat(target.getStatus()).isEqualTo(303);
    }

    @Test
    void sendError() throws IOException {
        response.sendError(409, "conflict");
        assertThat(target.isCommitted()).isTrue();
        ranOnceBeforeTheCommit();
    }

    @Test
    void sendErrorWithoutMessage() throws IOException {
        response.sendError(500);
        ranOnceBeforeTheCommit();
    }

    @Test
    void flushBuffer() throws IOException {
        response.getWriter().write("partial");
        assertThat(committedWhenRun).isEmpty();
        response.flushBuffer();
        assertThat(target.isCommitted()).isTrue();
        ranOnceBeforeTheCommit();
    }

    @Test
    void writerFlush() throws IOException {
        PrintWriter writer = response.getWriter();
        writer.print("a");
        assertThat(committedWhenRun).isEmpty();
        writer.flush();
        assertThat(target.isCommitted()).isTrue();
        ranOnceBeforeTheCommit();
    }

    @Test
    void writerCheckErrorFlushesToo() throws IOException {
        PrintWriter writer = response.getWriter();
        writer.print("a");
        assertThat(writer.checkError()).isFalse();
        ranOnceBeforeTheCommit();
    }

    @Test
    void outputStreamFlushAndClose() throws IOException {
        ServletOutputStream out = response.getOutputStream();
        out.write(new byte[]{1, 2, 3});
        assertThat(committedWhenRun).isEmpty();
        out.close();
        ranOnceBeforeTheCommit();
    }

    @Test
    void aBodyThatFillsTheBufferRunsItBeforeTheContainerCommits() throws IOException {
        response.setBufferSize(100);
        ServletOutputStream out = response.getOutputStream();
        out.write(new byte[60]);
        assertThat(committedWhenRun).isEmpty();
        out.write(new byte[60]); // over the buffer: the mock commits, as a container would
        assertThat(target.isCommitted()).isTrue();
        ranOnceBeforeTheCommit();
    }

    @Test
    void singleBytesAndByteBuffersCount() throws IOException {
        response.setBufferSize(10);
        ServletOutputStream out = response.getOutputStream();
        for (int i = 0; i < 9; i++) {
            out.write('x');
        }
        assertThat(committedWhenRun).isEmpty();
        out.write(ByteBuffer.wrap(new byte[5]));
        ranOnceBeforeTheCommit();
    }

    @Test
    void writerCharactersCountAtTheCharsetsMaximumWidth() throws IOException {
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setBufferSize(30);
        PrintWriter writer = response.getWriter();
        writer.print("123456789"); // 9 chars, up to 27 bytes in UTF-8
        assertThat(committedWhenRun).isEmpty();
        writer.print("0"); // up to 30 bytes: the buffer may be full
        ranOnceBeforeTheCommit();
        assertThat(target.isCommitted()).isFalse();
    }

    @Test
    void printlnAndFormatCount() throws IOException {
        response.setBufferSize(8);
        PrintWriter writer = response.getWriter();
        writer.println();
        assertThat(committedWhenRun).isEmpty();
        writer.printf("%s", "more than enough");
        ranOnceBeforeTheCommit();
    }

    @Test
    void reachingTheDeclaredContentLength() throws IOException {
        response.setContentLength(4);
        ServletOutputStream out = response.getOutputStream();
        out.write(new byte[3]);
        assertThat(committedWhenRun).isEmpty();
        out.write(1);
        ranOnceBeforeTheCommit();
    }

    @Test
    void contentLengthAsAHeaderAndAnEmptyBody() {
        response.setHeader("content-length", "0");
        ranOnceBeforeTheCommit();
    }

    @Test
    void contentLengthAsAnIntHeader() throws IOException {
        response.setIntHeader("Content-Length", 2);
        response.getOutputStream().write(new byte[2]);
        ranOnceBeforeTheCommit();
    }

    @Test
    void itRunsOnlyOnce() throws IOException {
        response.flushBuffer();
        response.getWriter().flush();
        response.fire();
        assertThat(committedWhenRun).containsExactly(false);
    }

    @Test
    void theEndOfTheRequestRunsItWhenNothingCommittedBefore() {
        response.fire();
        ranOnceBeforeTheCommit();
    }

    @Test
    void notOnAResponseCommittedBehindItsBack() throws IOException {
        target.flushBuffer();
        response.fire();
        assertThat(committedWhenRun).isEmpty();
    }

    @Test
    void resetBeforeTheCommitRearmsIt() throws IOException {
        response.setContentLength(0); // runs it
        assertThat(committedWhenRun).hasSize(1);
        response.reset(); // drops its header with the others
        assertThat(target.getHeader("X-Token")).isNull();
        response.sendRedirect("/again");
        assertThat(committedWhenRun).containsExactly(false, false);
        assertThat(target.getHeader("X-Token")).isEqualTo("t");
    }

    @Test
    void resetBufferStartsTheCountAgain() throws IOException {
        response.setBufferSize(10);
        ServletOutputStream out = response.getOutputStream();
        out.write(new byte[8]);
        response.resetBuffer();
        out.write(new byte[8]);
        assertThat(committedWhenRun).isEmpty();
        out.write(new byte[2]);
        ranOnceBeforeTheCommit();
    }

    @Test
    void resetAfterTheCommitFailsAsTheContainerWould() throws IOException {
        response.sendRedirect("/x");
        assertThatThrownBy(response::reset).isInstanceOf(IllegalStateException.class);
    }
}
