CREATE TABLE forum_topic (id bigserial PRIMARY KEY, title varchar(200) NOT NULL);
