CREATE TABLE flyway_it_b (id int PRIMARY KEY);
