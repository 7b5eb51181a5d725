//! The portal on demo data: the fictional Korsbæk Kommune in `./valghalla.db`, its messages
//! written to `./valghalla-post`, on http://127.0.0.1:8080.
//!
//! ```sh
//! cargo run --example portal
//! cargo run --example portal -- --addr 0.0.0.0:9000 --db /tmp/demo.db
//! ```
//!
//! It is `valghalla-portal --demo`: every flag of the binary works here too.

use clap::Parser;
use valghalla_portal::HostOptions;

#[tokio::main]
async fn main() {
    let mut options = HostOptions::parse();
    options.demo = true;
    valghalla_portal::host::init_logging(options.log_json);
    if let Err(e) = valghalla_portal::run(options).await {
        eprintln!("portal: {e}");
        std::process::exit(1);
    }
}
