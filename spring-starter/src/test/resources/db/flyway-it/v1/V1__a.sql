CREATE TABLE flyway_it_a (id int PRIMARY KEY);
