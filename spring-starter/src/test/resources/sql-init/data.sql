INSERT INTO init_probe VALUES (1, inet_server_port());
-- A read of what the script just wrote: through the router it would go to a replica that has not replayed it.
SELECT count(*) FROM init_probe;
