package io.replicarouter.spring.it.app;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.List;

public interface NoteRepository extends JpaRepository<Note, Long> {

    /** A derived query: no transaction of its own (Spring Data applies none to declared query methods). */
    List<Note> findByText(String text);

    /** A JPQL query: no transaction of its own either. */
    @Query("select count(n) from Note n where n.text like :prefix%")
    long countByPrefix(String prefix);

    /** Where this statement runs. */
    @Query(value = "select inet_server_port()", nativeQuery = true)
    int serverPort();
}
