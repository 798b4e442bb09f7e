CREATE TABLE IF NOT EXISTS it_note (id bigserial PRIMARY KEY, text varchar(200));
