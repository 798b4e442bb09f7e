CREATE TABLE init_probe (id int PRIMARY KEY, port int);
