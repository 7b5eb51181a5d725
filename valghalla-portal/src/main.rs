//! `valghalla-portal`: the host as a program. Every option is a flag (and an environment
//! variable); see `valghalla-portal --help`.

use clap::Parser;
use valghalla_portal::HostOptions;

#[tokio::main]
async fn main() {
    let options = HostOptions::parse();
    valghalla_portal::host::init_logging(options.log_json);
    if let Err(e) = valghalla_portal::run(options).await {
        eprintln!("valghalla-portal: {e}");
        std::process::exit(1);
    }
}
