//! Redis through redis-rs (`AsyncCommands`/`Commands` on a connection, a connection
//! manager, a multiplexed connection or a pooled one from deadpool-redis, bb8-redis or
//! r2d2), and fred's clients. `SET` and `HSET` write a value, `INCR`, `LPUSH` and `XADD`
//! add to what is there, `SET NX` claims a key once. A counter given a time to live by the
//! same function (`INCR` then `EXPIRE`, the rate-limit window) counts attempts, retries
//! included on purpose: it is not state a retry duplicates (see `expiring_commands`).

use super::{commands, CommandEffect, KeyValueStore};
use crate::knowledge::words;
use CommandEffect::*;

pub fn record() -> KeyValueStore {
    KeyValueStore {
        label: "redis".to_string(),
        crates: words(&["redis", "deadpool_redis", "bb8_redis", "fred", "r2d2_redis"]),
        command_traits: words(&[
            "AsyncCommands",
            "Commands",
            "AsyncTypedCommands",
            "TypedCommands",
            "KeysInterface",
            "HashesInterface",
            "ListInterface",
        ]),
        pool_crates: words(&["bb8", "r2d2", "mobc", "deadpool"]),
        commands: commands(&[
            ("get", Read),
            ("mget", Read),
            ("exists", Read),
            ("hget", Read),
            ("hgetall", Read),
            ("hexists", Read),
            ("sismember", Read),
            ("smembers", Read),
            ("lrange", Read),
            ("zrange", Read),
            ("ttl", Read),
            ("set", IdempotentWrite),
            ("set_ex", IdempotentWrite),
            ("pset_ex", IdempotentWrite),
            ("set_options", IdempotentWrite),
            ("set_multiple", IdempotentWrite),
            ("mset", IdempotentWrite),
            ("hset", IdempotentWrite),
            ("hset_multiple", IdempotentWrite),
            ("del", IdempotentWrite),
            ("unlink", IdempotentWrite),
            ("hdel", IdempotentWrite),
            ("expire", IdempotentWrite),
            ("pexpire", IdempotentWrite),
            ("expire_at", IdempotentWrite),
            ("sadd", IdempotentWrite),
            ("srem", IdempotentWrite),
            ("zadd", IdempotentWrite),
            ("zrem", IdempotentWrite),
            ("lrem", IdempotentWrite),
            ("incr", AccumulatingWrite),
            ("incr_by", AccumulatingWrite),
            ("incrby", AccumulatingWrite),
            ("decr", AccumulatingWrite),
            ("decr_by", AccumulatingWrite),
            ("decrby", AccumulatingWrite),
            ("hincr", AccumulatingWrite),
            ("hincrby", AccumulatingWrite),
            ("zincr", AccumulatingWrite),
            ("zincrby", AccumulatingWrite),
            ("lpush", AccumulatingWrite),
            ("rpush", AccumulatingWrite),
            ("lpush_exists", AccumulatingWrite),
            ("rpush_exists", AccumulatingWrite),
            ("xadd", AccumulatingWrite),
            ("xadd_map", AccumulatingWrite),
            ("append", AccumulatingWrite),
            ("set_nx", Claim),
            ("setnx", Claim),
            ("hset_nx", Claim),
            ("hsetnx", Claim),
        ]),
        command_functions: vec![words(&["redis", "cmd"])],
        command_run_methods: words(&["query_async", "query", "exec_async", "exec"]),
        expiring_commands: words(&[
            "expire",
            "pexpire",
            "expire_at",
            "pexpire_at",
            "expireat",
            "pexpireat",
        ]),
    }
}
