//! The long soak of the Raft checker: runs many seeded simulations of a
//! five-node cluster on a faulty network and stops at the first seed that
//! breaks a safety property or fails to make progress after the heal,
//! printing the seed and the trace.
//!
//! ```sh
//! cargo run --release -p coffee-patterns --example raft_soak -- 100000
//! cargo run --release -p coffee-patterns --example raft_soak -- 100000 1000000  # seeds from an offset
//! cargo run --release -p coffee-patterns --example raft_soak -- 100000 0 figure-8  # a broken node
//! ```
//!
//! The third argument breaks one rule on every node (`vote-twice`,
//! `ignore-log-up-to-date`, `figure-8`, `truncate-on-append`), to see how soon the checker notices.

use coffee_patterns::raft::Bug;
use coffee_patterns::raft_sim::{SimConfig, Simulation};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let parse = |arg: Option<String>, default: u64| -> Result<u64, String> {
        arg.map_or(Ok(default), |a| {
            a.parse().map_err(|_| format!("not a seed count: {a:?}"))
        })
    };
    let bug = |arg: Option<String>| match arg.as_deref() {
        None | Some("none") => Ok(Bug::None),
        Some("vote-twice") => Ok(Bug::VoteTwice),
        Some("ignore-log-up-to-date") => Ok(Bug::IgnoreLogUpToDate),
        Some("figure-8") => Ok(Bug::CommitOldTermByCounting),
        Some("truncate-on-append") => Ok(Bug::TruncateOnAppend),
        Some(other) => Err(format!("unknown bug {other:?}")),
    };
    let (seeds, offset, bug) = match (
        parse(args.next(), 100_000),
        parse(args.next(), 0),
        bug(args.next()),
    ) {
        (Ok(seeds), Ok(offset), Ok(bug)) => (seeds, offset, bug),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!(
                "raft_soak: {e}\nusage: raft_soak [SEEDS] [FIRST_SEED] [none|vote-twice|ignore-log-up-to-date|figure-8|truncate-on-append]"
            );
            return ExitCode::from(2);
        }
    };
    let config = SimConfig {
        bug,
        ..SimConfig::default()
    };
    let started = Instant::now();
    let mut commits = 0u64;
    for seed in offset..offset + seeds {
        match Simulation::new(config.clone(), seed).run() {
            Ok(sim) => commits += sim.committed().len() as u64,
            Err(violation) => {
                eprintln!("{violation}");
                eprintln!(
                    "raft soak: seed {seed} failed after {} good seeds",
                    seed - offset
                );
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "raft soak: {seeds} seeds ({offset}..{}) safe and live, {commits} entries committed, {:.1} s",
        offset + seeds,
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
