//! `valghalla-portal`: the host as a program. Every option is a flag (and an environment
//! variable); see `valghalla-portal --help`. Without a subcommand it serves; the subcommands
//! are the operations (`backup`, `restore`, `verify`, `export-tenant`, `import-tenant`).

use clap::Parser;
use valghalla_portal::HostOptions;
use valghalla_portal::admin::Command;

#[derive(Debug, clap::Parser)]
#[command(
    name = "valghalla-portal",
    version,
    about = "Valghalla: bemanding af valg. Serves the portal, sends the messages and runs the jobs."
)]
struct Cli {
    /// An operation instead of serving.
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    host: HostOptions,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    valghalla_portal::host::init_logging(cli.host.log_json);
    let done = match cli.command {
        Some(command) => valghalla_portal::admin::run(command).await,
        None => valghalla_portal::run(cli.host).await,
    };
    if let Err(e) = done {
        eprintln!("valghalla-portal: {e}");
        std::process::exit(1);
    }
}
