package io.replicarouter.spring.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A response that runs a hook once, just before it commits — while headers can still be added. It sees every way a
 * response commits through it: {@code sendRedirect}, {@code sendError}, {@code flushBuffer}, a flush or close of its
 * stream or writer, a write that fills the buffer, and the body reaching a declared content length. What it
 * counts toward the buffer is an upper bound (characters times the charset's maximum bytes per character), so the
 * hook may run a little before the container would commit, never after. {@code reset()} before the commit drops
 * the hook's headers with all others, and arms it again.
 *
 * <p>Not seen: code that unwraps the response and writes to the container's own, and an asynchronous request
 * completed with nothing written.
 */
final class TokenResponse extends HttpServletResponseWrapper {

    private final Runnable beforeCommit;
    private boolean fired;
    private long written;
    private long contentLength = -1;
    private int bufferSize = -1;
    private ServletOutputStream stream;
    private PrintWriter writer;

    TokenResponse(HttpServletResponse response, Runnable beforeCommit) {
        super(response);
        this.beforeCommit = beforeCommit;
    }

    /** Runs the hook unless it ran, or the response is already committed. */
    void fire() {
        if (fired) {
            return;
        }
        fired = true;
        if (!getResponse().isCommitted()) {
            beforeCommit.run();
        }
    }

    /** {@code bytes} more are about to be written: fire when they reach the buffer or the content length. */
    private void writing(long bytes) {
        if (!fired) {
            long after = written + bytes;
            if (after >= threshold()) {
                fire();
            }
            written = after;
        }
    }

    private long threshold() {
        if (bufferSize < 0) {
            bufferSize = getResponse().getBufferSize();
        }
        return contentLength >= 0 ? Math.min(bufferSize, contentLength) : bufferSize;
    }

    private void declaredLength(long length) {
        contentLength = length;
        if (!fired && length >= 0 && written >= length) {
            fire();
        }
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        fire();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        fire();
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        fire();
        super.sendRedirect(location);
    }

    @Override
    public void sendRedirect(String location, int sc) throws IOException {
        fire();
        super.sendRedirect(location, sc);
    }

    @Override
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        fire();
        super.sendRedirect(location, clearBuffer);
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        fire();
        super.sendRedirect(location, sc, clearBuffer);
    }

    @Override
    public void flushBuffer() throws IOException {
        fire();
        super.flushBuffer();
    }

    @Override
    public void setBufferSize(int size) {
        super.setBufferSize(size);
        bufferSize = getResponse().getBufferSize();
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        written = 0;
    }

    @Override
    public void reset() {
        super.reset(); // throws when committed; else the hook's headers are gone with the others
        written = 0;
        contentLength = -1;
        fired = false;
    }

    @Override
    public void setContentLength(int len) {
        super.setContentLength(len);
        declaredLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        super.setContentLengthLong(len);
        declaredLength(len);
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        contentLengthHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        super.addHeader(name, value);
        contentLengthHeader(name, value);
    }

    @Override
    public void setIntHeader(String name, int value) {
        super.setIntHeader(name, value);
        contentLengthHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        super.addIntHeader(name, value);
        contentLengthHeader(name, Integer.toString(value));
    }

    private void contentLengthHeader(String name, String value) {
        if ("Content-Length".equalsIgnoreCase(name) && value != null) {
            try {
                declaredLength(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                // not a length the container can use either
            }
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new Stream(getResponse().getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            PrintWriter target = getResponse().getWriter();
            Charset charset;
            try {
                charset = Charset.forName(getResponse().getCharacterEncoding());
            } catch (RuntimeException e) {
                charset = StandardCharsets.UTF_8;
            }
            float perChar = charset.canEncode() ? charset.newEncoder().maxBytesPerChar() : 4;
            writer = new CountingWriter(target, perChar);
        }
        return writer;
    }

    private final class Stream extends ServletOutputStream {

        private final ServletOutputStream target;

        Stream(ServletOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            writing(1);
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writing(len);
            target.write(b, off, len);
        }

        @Override
        public void write(ByteBuffer buffer) throws IOException {
            writing(buffer.remaining());
            target.write(buffer);
        }

        @Override
        public void flush() throws IOException {
            fire();
            target.flush();
        }

        @Override
        public void close() throws IOException {
            fire();
            target.close();
        }

        @Override
        public boolean isReady() {
            return target.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            target.setWriteListener(listener);
        }
    }

    /** The container's writer behind a count of the bytes its characters can take. */
    private final class CountingWriter extends PrintWriter {

        private final PrintWriter target;
        private final float bytesPerChar;

        CountingWriter(PrintWriter target, float bytesPerChar) {
            super(Writer.nullWriter());
            this.target = target;
            this.bytesPerChar = bytesPerChar;
        }

        private void chars(int n) {
            writing((long) Math.ceil(n * (double) bytesPerChar));
        }

        @Override
        public void write(int c) {
            chars(1);
            target.write(c);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            chars(len);
            target.write(buf, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            chars(len);
            target.write(s, off, len);
        }

        @Override
        public void println() {
            String separator = System.lineSeparator();
            write(separator, 0, separator.length());
        }

        @Override
        public void flush() {
            fire();
            target.flush();
        }

        @Override
        public void close() {
            fire();
            target.close();
        }

        @Override
        public boolean checkError() {
            fire(); // the container's checkError() flushes
            return target.checkError();
        }
    }
}
