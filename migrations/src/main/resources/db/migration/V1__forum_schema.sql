-- The sample forum's schema. Every query of the app is served by an index below (see the comment at each).

create table users (
    id         bigserial primary key,
    name       text        not null,
    created_at timestamptz not null default now(),
    constraint users_name_length check (char_length(name) between 1 and 40)
);
-- sign-in by name (case-insensitive, so "Ada" and "ada" are one user)
create unique index users_name_key on users (lower(name));

create table topics (
    id               bigserial primary key,
    author_id        bigint      not null references users (id),
    title            text        not null,
    body             text        not null,
    created_at       timestamptz not null default now(),
    last_activity_at timestamptz not null default now(),
    reply_count      integer     not null default 0,
    score            integer     not null default 0,
    view_count       bigint      not null default 0,
    constraint topics_title_length check (char_length(title) between 1 and 200),
    constraint topics_body_length check (char_length(body) between 1 and 20000)
);
-- the topic list: newest activity first, keyset-stable with the id
create index topics_activity_idx on topics (last_activity_at desc, id desc);
-- a user's topics
create index topics_author_idx on topics (author_id);

create table replies (
    id          bigserial primary key,
    topic_id    bigint      not null references topics (id) on delete cascade,
    author_id   bigint      not null references users (id),
    body        text        not null,
    created_at  timestamptz not null default now(),
    -- set by the reply job (off the request path) once it has notified the topic's author
    notified_at timestamptz,
    constraint replies_body_length check (char_length(body) between 1 and 20000)
);
-- a topic's replies in order; also the trending job's "replies in the last hours" per topic
create index replies_topic_idx on replies (topic_id, created_at, id);
create index replies_created_idx on replies (created_at);

create table votes (
    topic_id   bigint      not null references topics (id) on delete cascade,
    user_id    bigint      not null references users (id),
    value      smallint    not null,
    created_at timestamptz not null default now(),
    primary key (topic_id, user_id),
    constraint votes_value check (value in (-1, 1))
);
-- the trending job's "votes in the last hours"
create index votes_created_idx on votes (created_at);

-- written by the reply job: one row per reply to someone else's topic
create table notifications (
    id         bigserial primary key,
    user_id    bigint      not null references users (id),
    reply_id   bigint      not null references replies (id) on delete cascade,
    created_at timestamptz not null default now(),
    constraint notifications_once unique (reply_id)
);
create index notifications_user_idx on notifications (user_id, created_at desc);

-- written by the trending job (every few seconds, from a replica's view of the activity)
create table trending (
    rank        integer          primary key,
    topic_id    bigint           not null references topics (id) on delete cascade,
    heat        double precision not null,
    computed_at timestamptz      not null
);
