--liquibase formatted sql

--changeset it:1 context:v1
CREATE TABLE lb_it_a (id int PRIMARY KEY);

--changeset it:2 context:v2
CREATE TABLE lb_it_b (id int PRIMARY KEY);
