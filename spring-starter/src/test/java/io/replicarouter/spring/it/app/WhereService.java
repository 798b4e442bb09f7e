package io.replicarouter.spring.it.app;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;

/** Transactions that report the server port of each of their statements. */
@Service
public class WhereService {

    @PersistenceContext
    private EntityManager em;
    private final JdbcTemplate jdbc;
    private final JdbcClient client;
    private final NoteRepository notes;

    WhereService(JdbcTemplate jdbc, JdbcClient client, NoteRepository notes) {
        this.jdbc = jdbc;
        this.client = client;
        this.notes = notes;
    }

    private int jpaPort() {
        return ((Number) em.createNativeQuery("select inet_server_port()").getSingleResult()).intValue();
    }

    private int jdbcPort() {
        return jdbc.queryForObject("select inet_server_port()", Integer.class);
    }

    private int clientPort() {
        return client.sql("select inet_server_port()").query(Integer.class).single();
    }

    /** A JPA query first (the transaction manager began the transaction and set read-only before it), then ports. */
    @Transactional(readOnly = true)
    public List<Integer> readOnlyJpaFirst() {
        List<Integer> ports = new ArrayList<>();
        em.createQuery("select count(n) from Note n").getSingleResult();
        ports.add(jpaPort());
        ports.add(jdbcPort());
        ports.add(clientPort());
        notes.findByText("nothing");
        ports.add(jpaPort());
        return ports;
    }

    @Transactional(readOnly = true)
    public List<Integer> readOnlyJdbcFirst() {
        return List.of(jdbcPort(), clientPort(), jpaPort());
    }

    /** A write and reads in one read-write transaction. */
    @Transactional
    public List<Integer> readWrite(String text) {
        List<Integer> ports = new ArrayList<>();
        ports.add(jpaPort());
        notes.saveAndFlush(new Note(text));
        ports.add(jdbcPort());
        ports.add(clientPort());
        return ports;
    }

    /** A read-write transaction that only reads: still the primary. */
    @Transactional
    public int readWriteOnlyReads() {
        return clientPort();
    }
}
