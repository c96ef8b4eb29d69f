//! `links-fault-server [--latency-ms N]`: runs the misbehaving test server on 127.0.0.1 for
//! `scripts/bench/links.sh`. Prints `HTTP_URL HTTPS_URL` on one line, then serves until stdin closes.

use std::io::Read;
use std::time::Duration;

use link_checker::fault_server::{FaultServer, Options};

fn main() -> std::io::Result<()> {
    let mut options = Options::default();
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--latency-ms" => {
                let value = arguments.next().and_then(|value| value.parse().ok()).unwrap_or(0);
                options.latency = Duration::from_millis(value);
            }
            other => {
                eprintln!("unknown argument {other}; usage: links-fault-server [--latency-ms N]");
                std::process::exit(2);
            }
        }
    }
    let server = FaultServer::start(options)?;
    println!("http://{} https://{}", server.http, server.https);
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    eprintln!("links-fault-server: {} requests served", server.requests());
    Ok(())
}
