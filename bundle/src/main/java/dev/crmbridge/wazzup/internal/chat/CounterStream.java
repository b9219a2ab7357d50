package dev.crmbridge.wazzup.internal.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;

/**
 * One open page's Server-Sent Events stream of its user's unanswered counter. Writes never block a thread:
 * the servlet container's non-blocking output says when it can take more ({@link WriteListener}), and
 * meanwhile only the newest counter waits (an older one is never worth sending). A failed write, the
 * container's timeout or a client gone ends the stream and tells its owner ({@code onClose}).
 */
final class CounterStream implements WriteListener, AsyncListener {

    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    final String userId;
    private final AsyncContext context;
    private final Consumer<CounterStream> onClose;
    private ServletOutputStream out; // guarded by this
    private byte[] pending; // guarded by this
    private boolean needFlush; // guarded by this
    private String lastSent; // guarded by this
    private boolean closed; // guarded by this
    private boolean started; // the write listener is set: writes may begin; guarded by this

    CounterStream(String userId, AsyncContext context, Consumer<CounterStream> onClose) {
        this.userId = userId;
        this.context = context;
        this.onClose = onClose;
    }

    /**
     * Starts writing: {@code first} (the reconnection delay, perhaps a counter) goes as soon as it can. Called
     * once, before anything else can reach the stream (its owner publishes it after).
     *
     * @param counter the counter in {@code first}, or null
     */
    void start(String first, String counter) throws IOException {
        context.addListener(this);
        ServletOutputStream o = context.getResponse().getOutputStream();
        synchronized (this) {
            pending = first.getBytes(StandardCharsets.UTF_8);
            lastSent = counter;
            out = o;
        }
        o.setWriteListener(this); // non-blocking from now on: the container calls onWritePossible when ready
        synchronized (this) {
            started = true;
        }
        drain(); // in case the container's first call came before started was set
    }

    /** Sends a counter event unless it is the one sent last; answers whether it was new to this stream. */
    boolean counter(String json) {
        synchronized (this) {
            if (closed || json.equals(lastSent)) {
                return false;
            }
            lastSent = json;
            pending = ("event: counter\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        drain();
        return true;
    }

    /** A comment line, so that proxies keep the stream and a closed tab is noticed at this write. */
    void ping() {
        synchronized (this) {
            if (closed || pending != null) {
                return;
            }
            pending = PING;
        }
        drain();
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    private void drain() {
        try {
            synchronized (this) {
                if (closed || !started) {
                    return;
                }
                while (out.isReady()) {
                    if (pending != null) {
                        byte[] b = pending;
                        pending = null;
                        out.write(b);
                        needFlush = true;
                    } else if (needFlush) {
                        needFlush = false;
                        out.flush();
                    } else {
                        return;
                    }
                }
            }
        } catch (IOException | IllegalStateException e) {
            close(); // the client went away
        }
    }

    /** Ends the stream (once); its owner forgets it. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending = null;
        }
        onClose.accept(this);
        try {
            context.complete();
        } catch (IllegalStateException alreadyEnded) {
            // completed or timed out already
        }
    }

    synchronized boolean closed() {
        return closed;
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close(); // the page's EventSource connects again
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
