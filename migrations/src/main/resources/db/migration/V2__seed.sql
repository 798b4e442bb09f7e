-- Seed data generated in SQL, so the pages are not empty: 200 users, 3,000 topics over the last 30 days,
-- about 12,000 replies and 20,000 votes. Deterministic (setseed) so every run shows the same forum.
select setseed(0.42);

insert into users (name, created_at)
select 'user' || g, now() - interval '60 days' + g * interval '5 minutes'
from generate_series(1, 200) g;

insert into topics (author_id, title, body, created_at, last_activity_at)
select 1 + (g * 37) % 200,
       (array['How do I', 'Why does', 'Is it safe to', 'Best way to', 'Help:', 'Question about'])[1 + g % 6]
           || ' ' ||
       (array['route reads to replicas', 'measure replication lag', 'fail over a primary', 'size a HikariCP pool',
              'cache list pages in nginx', 'run jobs off the request path', 'read my own writes',
              'tune autovacuum', 'pick an index', 'paginate with keysets'])[1 + (g * 7) % 10]
           || ' (#' || g || ')',
       'Seed topic ' || g || '. ' || repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 1 + g % 5),
       t, t
from (select g, now() - interval '30 days' * random() as t from generate_series(1, 3000) g) s;

insert into replies (topic_id, author_id, body, created_at, notified_at)
select t.id, 1 + (t.id * 13 + r) % 200,
       'Seed reply ' || r || ' to topic ' || t.id || '. ' || repeat('Have you tried it on a replica? ', 1 + r % 3),
       c, c
from topics t
cross join lateral generate_series(1, (t.id % 8)::int) r
cross join lateral (select t.created_at + (now() - t.created_at) * random() as c) x;

insert into votes (topic_id, user_id, value, created_at)
select distinct on (topic_id, user_id) topic_id, user_id, value, created_at
from (select 1 + floor(random() * 3000)::bigint as topic_id,
             1 + floor(random() * 200)::bigint as user_id,
             case when random() < 0.8 then 1 else -1 end as value,
             now() - interval '30 days' * random() as created_at
      from generate_series(1, 20000)) v
order by topic_id, user_id;

update topics t
set reply_count      = coalesce(r.n, 0),
    last_activity_at = greatest(t.created_at, coalesce(r.last, t.created_at)),
    score            = coalesce(v.s, 0),
    view_count       = (t.id * 7919) % 500 + coalesce(r.n, 0) * 10
from topics t2
left join (select topic_id, count(*) n, max(created_at) last from replies group by topic_id) r on r.topic_id = t2.id
left join (select topic_id, sum(value) s from votes group by topic_id) v on v.topic_id = t2.id
where t.id = t2.id;

-- the votes' created_at lie within 30 days; make the last hours lively for the trending list
update votes set created_at = now() - interval '6 hours' * random() where (topic_id * 31 + user_id) % 10 = 0;

analyze;
