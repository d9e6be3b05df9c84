-- store/migrations/002_lifecycle_due.sql — what the NCE daily cycle needs to find its work.
--
-- The daily cycle (svc/day.c) visits only the subscriptions with something due on or before
-- the day it runs: the next charge-cycle start or the day after the term end, computed by
-- domain/lifecycle (sub_next_due) and stored with every state change. With the index, a day
-- over a million subscriptions reads the few tens of thousands that renew or cycle that day,
-- never the whole table. NULL: nothing will ever be due (cancelled, expired).
ALTER TABLE subscriptions ADD COLUMN next_due TEXT;
CREATE INDEX subscriptions_by_next_due ON subscriptions (next_due);
