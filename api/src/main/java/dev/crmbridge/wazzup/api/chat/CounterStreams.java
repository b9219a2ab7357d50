package dev.crmbridge.wazzup.api.chat;

/**
 * The live unanswered counter's streams on this node: the open pages whose Chats button listens to
 * {@code <chatPath>/stream}, and what keeping them current cost.
 *
 * @param enabled whether the connector serves streams (configuration {@code counterStream})
 * @param streams streams open now
 * @param users users with at least one open stream
 * @param fetches counter fetches the streams waited for since the connector started (each made, or joined when
 *        one for the same user was under way)
 * @param pushes counter events written to streams since the connector started
 * @since 1.2
 */
public record CounterStreams(boolean enabled, long streams, int users, long fetches, long pushes) {

    /** No streams: streaming is off or not served by this node. */
    public static final CounterStreams OFF = new CounterStreams(false, 0, 0, 0, 0);
}
