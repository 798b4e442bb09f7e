package io.replicarouter.sample.jobs;

import java.io.Serializable;

/**
 * The data of a reply job: which reply, and the consistency token of the request that wrote it, so the job — on
 * another thread, maybe another instance, maybe before any replica has replayed the reply — reads it.
 *
 * @param token {@code null} when the request had no scope (the job then reads whatever replica it gets)
 */
public record ReplyNotice(long replyId, String token) implements Serializable {
}
