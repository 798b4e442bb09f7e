package io.replicarouter.spring.it.app;

import io.replicarouter.spring.it.SharedCluster;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.hibernate.Session;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Duration;

/**
 * Transactions one web request runs one after another; each reports where its statement ran and which JDBC
 * connection Hibernate used (with open-in-view the request's EntityManager holds one connection across them).
 */
@Service
public class RequestSteps {

    @PersistenceContext
    private EntityManager em;
    private final NoteRepository notes;

    RequestSteps(NoteRepository notes) {
        this.notes = notes;
    }

    /** {@code node@connection}: the node of {@code select inet_server_port()} and the connection's identity. */
    private String where() {
        int port = ((Number) em.createNativeQuery("select inet_server_port()").getSingleResult()).intValue();
        int connection = em.unwrap(Session.class).doReturningWork(System::identityHashCode);
        return SharedCluster.nodeOfPort(port) + "@" + connection;
    }

    @Transactional(readOnly = true)
    public String readOnly() {
        em.createQuery("select count(n) from Note n").getSingleResult();
        return where();
    }

    /** Inserts a note and reports where the transaction ran. */
    @Transactional
    public String write(String text) {
        notes.saveAndFlush(new Note(text));
        return where();
    }

    /** How many notes with {@code text} a read-only transaction sees, and where it ran. */
    @Transactional(readOnly = true)
    public String countInReadOnly(String text) {
        long seen = notes.findByText(text).size();
        return where() + "=" + seen;
    }

    /** The same without a transaction: an autocommit repository read. */
    public String countWithoutTransaction(String text) {
        long seen = notes.findByText(text).size();
        return SharedCluster.nodeOfPort(notes.serverPort()) + "=" + seen;
    }

    /** Blocks until every replica has replayed the primary's current position. */
    public void awaitReplicas() {
        SharedCluster.get().waitForCatchUp(Duration.ofSeconds(10));
    }
}
